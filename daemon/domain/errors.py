"""The core's error types, graded by scope.

An ``ItemError`` quarantines one item (an event, a draft) and the cycle goes on;
a ``BackendError`` skips one backend until the next cycle; a ``ConfigError``
stops before anything is touched. Adapters translate library exceptions into
these at their boundary.
"""

from __future__ import annotations


class FollowupError(Exception):
    """Base of every error the service reports to the user as text."""


class ConfigError(FollowupError):
    """One or more configuration problems, each with its key path."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class BackendError(FollowupError):
    """A backend could not be read or written this cycle (file unreadable, server down)."""


class ItemError(FollowupError):
    """One item (event, draft, call) could not be handled; the rest go on."""


class NeedsUserError(BackendError):
    """A backend cannot go on until the user acts (authorization revoked or expired, ...).

    Retrying cannot help: the service stays up, makes no calls to that backend,
    and says ``what_to_do`` where the user looks, until the cause is fixed: it
    tries again once one of the ``watch`` files changes (a token file the fix
    rewrites), the configuration is reloaded, or, with nothing to watch, after a
    long pause.
    """

    def __init__(self, message: str, what_to_do: str, watch: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.what_to_do = what_to_do
        #: Paths whose change (mtime, size, existence) may mean the user fixed it.
        self.watch = tuple(watch)
