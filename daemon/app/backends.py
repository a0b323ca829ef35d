"""How a backend declares itself: its name, the port it provides, and its own settings.

Each adapter package in ``integrations/`` exports a ``BACKENDS`` tuple of
``Backend`` (and, when several backends share one account, a ``PROVIDER``) from
its ``__init__``, the way vdirsyncer's storages declare ``storage_name`` and
their parameters. Configuration, ``check-config``, ``init``, the completeness
test of ``config.example.toml`` and the composition root all read these
declarations through ``daemon.app.registry``; nothing about a backend's keys,
URL rules or path defaults lives in the core.

A declaration must be cheap to import: ``open`` imports the adapter itself, so
a configuration that does not use a backend never loads its libraries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from daemon.app.checks import Check, CheckContext
from daemon.domain.ports import Port

__all__ = ["Backend", "Clock", "OpenContext", "Port", "Provider", "Setting"]

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Setting:
    """One key of a backend's (or provider's) settings."""

    check: Check
    #: One line for ``config.example.toml`` readers and ``init``.
    doc: str
    required: bool = False
    #: Shown in ``init``'s starter config (commented out unless required).
    example: str = ""


#: Derived defaults and rules between keys: edits ``values`` in place, returns problems
#: as ``(key, message)`` pairs. Only called when every given key passed its check.
Finish = Callable[[dict[str, Any], CheckContext], list[tuple[str, str]]]


def _nothing_to_finish(values: dict[str, Any], ctx: CheckContext) -> list[tuple[str, str]]:
    return []


@dataclass(frozen=True)
class OpenContext:
    """What the composition root hands a backend when it opens it."""

    #: The backend's own settings, checked.
    options: Mapping[str, Any]
    #: The user's time zone: how floating times are read.
    timezone: ZoneInfo
    #: What the backend takes as "now" (``--now`` moves it); None for the real clock.
    clock: Clock | None
    #: The shared session of the backend's provider (one credential, one HTTP
    #: object per thread), or None when it has no provider.
    session: object | None
    #: Where a backend may keep files of its own (tokens are not kept here).
    state_dir: Any = None


@dataclass(frozen=True)
class Backend:
    """One backend: ``backend = "<name>"`` in the ``[<port>]`` section picks it."""

    name: str
    port: Port
    #: For error messages and ``check-config``: "a local Maildir folder".
    description: str
    open: Callable[[OpenContext], object]
    settings: Mapping[str, Setting] = field(default_factory=lambda: MappingProxyType({}))
    finish: Finish = _nothing_to_finish
    #: ``check-config`` lines for these (checked) options: (label, value) pairs.
    describe: Callable[[Mapping[str, Any]], list[tuple[str, str]]] = lambda options: []
    #: The provider whose session and ``[<provider>]`` table this backend uses.
    provider: str | None = None


@dataclass(frozen=True)
class Provider:
    """What several backends share: a ``[<name>]`` table and one session (Google)."""

    name: str
    description: str
    settings: Mapping[str, Setting] = field(default_factory=lambda: MappingProxyType({}))
    finish: Finish = _nothing_to_finish
    #: Opens the session the provider's backends share; gets the provider's options.
    open_session: Callable[[OpenContext], object] | None = None
    describe: Callable[[Mapping[str, Any]], list[tuple[str, str]]] = lambda options: []
    #: ``followup auth <name>``: ``authorize(options, backends=[names], client_secrets=,
    #: no_browser=, ask=prompt, say=echo)`` runs the consent flow, stores the token and
    #: returns lines to show. None for providers with nothing to authorize.
    authorize: Callable[..., Sequence[str]] | None = None
