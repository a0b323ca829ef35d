"""The HTTP layer under Google's client: a guard that lets only the service's own
endpoints through, and no silent second send of a write.

Two properties are enforced here, below everything else, so no code path above
can get around them:

* **Never send mail.** ``gmail.compose`` would allow sending drafts and messages.
  Every request is checked against the short list of endpoints the service uses
  (list/get/insert/patch/delete of events, create/list/get of drafts, GET of
  inbox messages for replies, the token refresh); anything else, a send or a
  batch that could wrap one, is refused before a byte leaves the machine.
* **A write goes out once.** httplib2 sends a request a second time by itself
  when the connection drops after the request went out, which for a POST can
  mean two drafts. Writes here get exactly one attempt on a fresh connection;
  what happened is then found out through the write's key (``calendar.py``,
  ``gmail.py``), never by sending again blindly.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import httplib2

#: Requests that change nothing; httplib2 may repeat these as it likes.
_SAFE_METHODS = frozenset({"GET", "HEAD"})

_CALENDAR = r"(?:^|/)calendar/v3/calendars/[^/]+/events"
_DRAFTS = r"(?:^|/)gmail/v1/users/[^/]+/drafts"
#: Inbox reads for replies: GET only (list and get), which can never send.
_INBOX = r"(?:^|/)gmail/v1/users/[^/]+/messages"
_ALLOWED: tuple[tuple[frozenset[str], re.Pattern[str]], ...] = (
    (frozenset({"GET", "POST"}), re.compile(_CALENDAR + "$")),
    (frozenset({"GET", "PATCH", "DELETE"}), re.compile(_CALENDAR + "/[^/]+$")),
    (frozenset({"GET", "POST"}), re.compile(_DRAFTS + "$")),
    (frozenset({"GET"}), re.compile(_DRAFTS + "/[^/]+$")),
    (frozenset({"GET"}), re.compile(_INBOX + "$")),
    (frozenset({"GET"}), re.compile(_INBOX + "/[^/]+$")),
)


class RefusedRequest(Exception):
    """A request the service must never make (a send endpoint, or anything unlisted)."""


def check_request(method: str, uri: str, token_path: str) -> None:
    """Raise ``RefusedRequest`` unless ``method uri`` is one of the service's own endpoints."""
    method = method.upper()
    path = urlsplit(uri).path
    if method == "POST" and path == token_path:
        return
    for methods, pattern in _ALLOWED:
        if method in methods and pattern.search(path):
            return
    raise RefusedRequest(
        f"refused {method} {path}: interview-followup only reads and writes calendar"
        " events and creates drafts; it never sends mail"
    )


class GuardedHttp(httplib2.Http):  # type: ignore[misc]
    """``httplib2.Http`` with the guard in front and one attempt per write."""

    def __init__(self, *, timeout: float, token_uri: str) -> None:
        super().__init__(timeout=timeout)
        self._token_path = urlsplit(token_uri).path

    def request(self, uri: str, method: str = "GET", *args: Any, **kwargs: Any) -> Any:
        check_request(method, uri, self._token_path)
        return super().request(uri, method, *args, **kwargs)

    def _conn_request(
        self, conn: Any, request_uri: str, method: str, body: Any, headers: Any
    ) -> tuple[Any, bytes]:
        if method in _SAFE_METHODS:
            answer: tuple[Any, bytes] = super()._conn_request(
                conn, request_uri, method, body, headers
            )
            return answer
        # A fresh connection: a write on a connection the server closed while idle
        # would fail without having reached it, and look like a lost answer.
        conn.close()
        try:
            conn.connect()
            conn.request(method, request_uri, body, headers)
            raw = conn.getresponse()
            content = raw.read()
        except BaseException:
            conn.close()
            raise
        response = httplib2.Response(raw)
        decoded: bytes = httplib2._decompressContent(response, content, self.limit_kwargs)
        return response, decoded
