"""When to try a request again, and how long to wait first.

Reads are retried after rate limits, server errors and transport failures; a
write is retried only after a rate limit (the server refused it without acting).
A write that got a server error or no answer at all may have happened: it raises
``Unanswered`` and the adapter finds out through the write's key what to do.

Waits grow exponentially with jitter (so many clients do not retry in step) and
are never shorter than the server's ``Retry-After``. A stretch longer than the
patience gives up with a ``BackendError``; the next cycle tries again.
"""

from __future__ import annotations

import http.client
import logging
import random
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httplib2
from google.auth import exceptions as auth_exceptions
from googleapiclient.errors import HttpError

from daemon.domain.errors import BackendError
from integrations.google.errors import (
    SERVER_ERRORS,
    backend_error,
    is_invalid_grant,
    is_rate_limit,
    needs_authorization,
    retry_after,
    status_of,
)
from integrations.google.http import RefusedRequest

log = logging.getLogger(__name__)

#: The ways a request can fail without an HTTP answer.
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    socket.timeout,
    OSError,  # ConnectionError, refused, reset, unreachable
    http.client.HTTPException,  # RemoteDisconnected, BadStatusLine, IncompleteRead
    httplib2.HttpLib2Error,
)


class Unanswered(Exception):
    """A write that may or may not have happened: no answer, or a server error."""

    def __init__(self, what: str, cause: BaseException) -> None:
        super().__init__(f"{what}: {cause}")
        self.what = what
        self.cause = cause


@dataclass
class Backoff:
    """Exponential backoff with jitter, bounded in attempts and in total waiting."""

    attempts: int = 7
    #: The first wait, before jitter; doubled each time, up to ``cap``.
    base: float = 1.0
    cap: float = 32.0
    #: The most a single request may spend waiting, in seconds.
    patience: float = 180.0
    sleep: Callable[[float], None] = field(default=time.sleep)
    random: Callable[[], float] = field(default=random.random)

    def wait(self, attempt: int, waited: float, asked: float | None) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``; None to give up."""
        if attempt + 1 >= self.attempts:
            return None
        exponential = min(self.cap, self.base * 2**attempt)
        # "Equal jitter": at least half the exponential wait, never in lockstep.
        delay: float = exponential / 2 + self.random() * exponential / 2
        if asked is not None:
            delay = max(delay, asked)
        if waited + delay > self.patience:
            return None
        return delay


def execute(request: Any, what: str, backoff: Backoff, *, write: bool = False) -> Any:
    """``request.execute()`` with the retries its kind allows; Google's errors translated.

    Raises ``HttpError`` for answers the caller must read (404, 409, 410, 400, ...),
    ``Unanswered`` for a write whose fate is unknown, and ``BackendError`` (maybe a
    ``NeedsUserError``) when retrying did not help or cannot.
    """
    waited = 0.0
    attempt = 0
    while True:
        try:
            return request.execute(num_retries=0)
        except HttpError as error:
            status = status_of(error)
            if is_rate_limit(error):
                cause: BaseException = error
                asked = retry_after(error)
            elif status in SERVER_ERRORS:
                if write:
                    raise Unanswered(what, error) from error
                cause, asked = error, retry_after(error)
            elif status == 401:
                # AuthorizedHttp refreshed the token and was refused again.
                raise needs_authorization(f"{what}: the token was refused", lost=True) from error
            else:
                raise
        except auth_exceptions.RefreshError as error:
            if is_invalid_grant(error):
                raise needs_authorization(
                    "the authorization was revoked or has expired (invalid_grant)", lost=True
                ) from error
            raise BackendError(f"Google: refreshing the access token failed ({error})") from error
        except auth_exceptions.TransportError as error:
            # Only the token refresh raises this: the request itself was not sent yet.
            cause, asked = error, None
        except RefusedRequest as error:
            raise BackendError(str(error)) from error
        except TRANSPORT_ERRORS as error:
            if write:
                raise Unanswered(what, error) from error
            cause, asked = error, None
        delay = backoff.wait(attempt, waited, asked)
        if delay is None:
            raise backend_error(what, cause) from cause
        log.info("Google: %s: retrying in %.1f s (%s)", what, delay, type(cause).__name__)
        backoff.sleep(delay)
        waited += delay
        attempt += 1


def retry_write(attempt: Callable[[], Any], what: str, backoff: Backoff) -> Any:
    """Run a keyed write again after ``Unanswered``: ``attempt`` must find its earlier self.

    ``attempt`` is the whole key path (insert with the key's id and read back on 409;
    look up a draft by its key before creating it), so repeating it is safe.
    """
    waited = 0.0
    tries = 0
    while True:
        try:
            return attempt()
        except Unanswered as unanswered:
            delay = backoff.wait(tries, waited, None)
            if delay is None:
                raise backend_error(what, unanswered.cause) from unanswered.cause
            log.info("Google: %s: no answer, checking by key in %.1f s", what, delay)
            backoff.sleep(delay)
            waited += delay
            tries += 1
