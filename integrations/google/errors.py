"""Google's errors, read once and translated into the core's error types at this boundary.

The text of a translated error is what the user sees: it names what failed and
Google's own one-line reason, never a token, a mail body or the notes of an event.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from daemon.domain.errors import BackendError, NeedsUserError

#: 403 reasons that mean "slow down", not "forbidden" (Google's usage-limits guide).
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
#: Server errors worth another try for a read (and, through its key, for a write).
SERVER_ERRORS = frozenset({500, 502, 503, 504})
_SCOPE_REASONS = frozenset({"insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"})

AUTH_COMMAND = "followup auth google --client-secrets FILE"


def status_of(error: Any) -> int:
    return int(getattr(getattr(error, "resp", None), "status", 0) or 0)


def reason_of(error: Any) -> str:
    """``error.errors[0].reason`` of Google's error body ("" when there is none)."""
    try:
        body = json.loads(error.content.decode("utf-8"))
        details = body["error"].get("errors") or []
        if details and isinstance(details[0], dict):
            return str(details[0].get("reason", ""))
        # Newer APIs put the reason in "details" or only "status".
        for detail in body["error"].get("details") or []:
            if isinstance(detail, dict) and detail.get("reason"):
                return str(detail["reason"])
        return str(body["error"].get("status", ""))
    except (ValueError, KeyError, TypeError, AttributeError):
        return ""


def message_of(error: Any) -> str:
    """Google's one-line message for an ``HttpError``, shortened."""
    text = str(getattr(error, "reason", "") or "").strip() or f"HTTP {status_of(error)}"
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:197] + "…"


def is_rate_limit(error: Any) -> bool:
    status = status_of(error)
    return status == 429 or (status == 403 and reason_of(error) in RATE_LIMIT_REASONS)


def is_missing_scope(error: Any) -> bool:
    return status_of(error) == 403 and reason_of(error) in _SCOPE_REASONS


def retry_after(error: Any, now: datetime | None = None) -> float | None:
    """Seconds the server asked to wait (``Retry-After``: seconds or an HTTP date)."""
    response = getattr(error, "resp", None)
    value = response.get("retry-after") if isinstance(response, dict) else None
    if not value:
        return None
    value = str(value).strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def is_invalid_grant(error: BaseException) -> bool:
    """Whether a ``RefreshError`` says the refresh token is revoked or expired."""
    for part in getattr(error, "args", ()):
        if isinstance(part, dict) and part.get("error") == "invalid_grant":
            return True
        if isinstance(part, str) and "invalid_grant" in part:
            return True
    return False


class AuthorizationLost(NeedsUserError):
    """The grant itself is gone (revoked, expired): no request can succeed until it is renewed."""


def needs_authorization(why: str, *, lost: bool = False) -> NeedsUserError:
    kind = AuthorizationLost if lost else NeedsUserError
    return kind(
        f"Google: {why}; run `{AUTH_COMMAND}` to connect again",
        f"run `{AUTH_COMMAND}`",
    )


def backend_error(what: str, error: Any) -> BackendError:
    """A failed request as a ``BackendError`` that says what was being done."""
    if is_missing_scope(error):
        return needs_authorization(f"{what}: the token lacks a needed permission (scope)")
    status = status_of(error)
    if status:
        return BackendError(f"Google: {what} failed (HTTP {status}: {message_of(error)})")
    return BackendError(f"Google: {what} failed ({type(error).__name__}: {error})")
