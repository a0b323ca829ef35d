"""Faults a test programs per method id, and the record of every request that arrived.

Method ids are the discovery ids ("calendar.events.insert", "gmail.users.drafts.create");
the token endpoint is "oauth2.token"; "*" matches every method. Faults queue up per method and
fire in the order they were added; each fires `times` times (None: until cleared).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from .errors import ApiError

TOKEN_METHOD_ID = "oauth2.token"


class Kind(Enum):
    ERROR = "error"  # answer an error instead of acting
    DROP_BEFORE = "drop_before"  # close the connection without acting or answering
    DROP_AFTER = "drop_after"  # act, then close the connection without answering
    SLOW = "slow"  # sleep, then go on as usual


@dataclass
class Fault:
    kind: Kind
    method_id: str
    times: int | None
    error: ApiError | None = None
    seconds: float = 0.0
    after_acting: bool = True
    fired: int = 0

    @property
    def spent(self) -> bool:
        return self.times is not None and self.fired >= self.times


_DEFAULTS: dict[int, tuple[str, str, str]] = {
    # status: (domain, reason, message) as Google answers them
    403: ("usageLimits", "rateLimitExceeded", "Rate Limit Exceeded"),
    429: ("usageLimits", "rateLimitExceeded", "Rate Limit Exceeded"),
    500: ("global", "backendError", "Backend Error"),
    502: ("global", "backendError", "Bad Gateway"),
    503: ("global", "backendError", "The service is currently unavailable."),
}

_RATE_MESSAGES = {
    "rateLimitExceeded": "Rate Limit Exceeded",
    "userRateLimitExceeded": "User Rate Limit Exceeded",
    "quotaExceeded": "Quota Exceeded",
}


class Faults:
    """The programmable faults. Thread-safe: the server consults it from its handler threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[Fault] = []

    def fail(
        self,
        method_id: str,
        status: int,
        *,
        times: int | None = 1,
        reason: str | None = None,
        message: str | None = None,
        domain: str | None = None,
        retry_after: float | None = None,
    ) -> Fault:
        """Answer `status` in Google's error format instead of acting."""
        d_domain, d_reason, d_message = _DEFAULTS.get(status, ("global", "error", "Error"))
        reason = reason or d_reason
        error = ApiError(
            status,
            message or _RATE_MESSAGES.get(reason, d_message),
            reason,
            domain=domain or ("usageLimits" if reason in _RATE_MESSAGES else d_domain),
            headers={"Retry-After": _seconds(retry_after)} if retry_after is not None else None,
        )
        return self._add(Fault(Kind.ERROR, method_id, times, error=error))

    def rate_limit(
        self,
        method_id: str,
        *,
        times: int | None = 1,
        status: int = 429,
        reason: str = "rateLimitExceeded",
        retry_after: float | None = None,
    ) -> Fault:
        """429, or 403 with reason rateLimitExceeded / userRateLimitExceeded."""
        return self.fail(method_id, status, times=times, reason=reason, retry_after=retry_after)

    def drop_after_acting(self, method_id: str, *, times: int | None = 1) -> Fault:
        """Apply the request, then close the socket without answering."""
        return self._add(Fault(Kind.DROP_AFTER, method_id, times))

    def drop_before_acting(self, method_id: str, *, times: int | None = 1) -> Fault:
        return self._add(Fault(Kind.DROP_BEFORE, method_id, times))

    def slow(
        self, method_id: str, seconds: float, *, times: int | None = 1, after_acting: bool = True
    ) -> Fault:
        """Sleep before answering (by default after acting: a server past the client's timeout)."""
        return self._add(
            Fault(Kind.SLOW, method_id, times, seconds=seconds, after_acting=after_acting)
        )

    def clear(self, method_id: str | None = None) -> None:
        with self._lock:
            self._queue = [
                f for f in self._queue if method_id is not None and f.method_id != method_id
            ]

    def pending(self, method_id: str | None = None) -> list[Fault]:
        with self._lock:
            return [f for f in self._queue if not f.spent and method_id in (None, f.method_id)]

    def _add(self, fault: Fault) -> Fault:
        with self._lock:
            self._queue.append(fault)
        return fault

    def take(self, method_id: str) -> Fault | None:
        """The next fault for this request, counted as fired."""
        with self._lock:
            for fault in self._queue:
                if fault.method_id in (method_id, "*") and not fault.spent:
                    fault.fired += 1
                    return fault
        return None


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass
class LoggedRequest:
    method_id: str
    http_method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int | None = None  # None: the connection was dropped without an answer
    fault: str | None = None
    response: Any = None


@dataclass
class RequestLog:
    """Every request that reached the stand-in, in order, and a count per method id."""

    entries: list[LoggedRequest] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, entry: LoggedRequest) -> None:
        with self._lock:
            self.entries.append(entry)
            self.counts[entry.method_id] += 1

    def reset(self) -> None:
        with self._lock:
            self.entries.clear()
            self.counts.clear()
