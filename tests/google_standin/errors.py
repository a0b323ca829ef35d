"""Google's JSON error answer, as the stand-in sends it.

The shape is the one every Google API uses for errors (and the one googleapiclient's `HttpError`
reads `reason` from): `{"error": {"code", "message", "errors": [{"domain", "reason", "message"}],
"status"}}`. Raising `ApiError` anywhere in a handler turns into exactly that answer.
"""

from __future__ import annotations

from typing import Any

# Canonical status names Google puts next to the HTTP code.
_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    410: "FAILED_PRECONDITION",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
}


class ApiError(Exception):
    """An answer in Google's error format; `headers` go out with it (e.g. Retry-After)."""

    def __init__(
        self,
        code: int,
        message: str,
        reason: str,
        *,
        domain: str = "global",
        location: str | None = None,
        location_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code} {reason}: {message}")
        self.code = code
        self.message = message
        self.reason = reason
        self.domain = domain
        self.location = location
        self.location_type = location_type
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "domain": self.domain,
            "reason": self.reason,
            "message": self.message,
        }
        if self.location is not None:
            item["location"] = self.location
            item["locationType"] = self.location_type or "parameter"
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "errors": [item],
                "status": _STATUS.get(self.code, "UNKNOWN"),
            }
        }


def bad_request(message: str, reason: str = "invalid", **kwargs: Any) -> ApiError:
    return ApiError(400, message, reason, **kwargs)


def not_found(message: str = "Not Found") -> ApiError:
    return ApiError(404, message, "notFound")


class OAuthError(Exception):
    """An answer of the OAuth token endpoint: `{"error": ..., "error_description": ...}`."""

    def __init__(self, code: int, error: str, description: str) -> None:
        super().__init__(f"{code} {error}: {description}")
        self.code = code
        self.error = error
        self.description = description

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "error_description": self.description}
