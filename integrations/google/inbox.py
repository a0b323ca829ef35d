"""Reading the Gmail inbox for replies (``[coach] replies = true``): read-only, headers only.

The only module that touches Gmail's ``messages`` resource, and only its
``list`` and ``get``: both are GET requests, which cannot send anything, and
the HTTP guard (``http.py``) lets no other ``messages`` request through. It
needs the ``gmail.readonly`` scope, asked for by ``followup auth google`` only
when replies are switched on. Messages are fetched as ``metadata`` with a short
list of headers: no body is read, and Gmail's ``snippet`` (a few words) is the
only text, used to recognise out-of-office answers.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Collection, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from googleapiclient.errors import HttpError

from daemon.domain.errors import BackendError
from daemon.domain.ports import InboxMessage
from integrations.google.errors import AUTH_COMMAND, backend_error, is_missing_scope
from integrations.google.session import GoogleSession

log = logging.getLogger(__name__)

USER = "me"
#: One page of the newest matching messages per sender; replies to one candidate are few.
PAGE_SIZE = 50
#: At most this many searches per check (one per employer domain or address).
MAX_SEARCHES = 25
#: At most this many messages opened per check; the rest wait for the next.
MAX_OPENED = 100
#: The headers that tell a person's reply from an automaton's.
HEADERS = (
    "From",
    "Subject",
    "Auto-Submitted",
    "X-Autoreply",
    "X-Autorespond",
    "X-Autoresponder",
    "Precedence",
    "Return-Path",
    "Content-Type",
    "X-Auto-Response-Suppress",
    "X-Failed-Recipients",
)


class GmailInbox:
    def __init__(self, session: GoogleSession) -> None:
        self._session = session

    def messages_from(
        self,
        since: datetime,
        addresses: Collection[str],
        domains: Collection[str],
        known: Collection[str] = (),
    ) -> list[InboxMessage]:
        # Gmail's after: takes a day (in the account's zone): a day early, then exact.
        after = (since.astimezone(UTC) - timedelta(days=1)).strftime("%Y/%m/%d")
        senders = sorted({d.casefold() for d in domains if d}) + sorted(
            {a.casefold() for a in addresses if a and not _covered(a, domains)}
        )
        seen: set[str] = set(known)
        found: list[InboxMessage] = []
        opened = 0
        for sender in senders[:MAX_SEARCHES]:
            for message_id in self._search(f"in:inbox after:{after} from:{sender}"):
                if message_id in seen or opened >= MAX_OPENED:
                    continue
                seen.add(message_id)
                opened += 1
                message = self._open(message_id)
                if message is not None and message.received >= since:
                    found.append(message)
        return found

    def _search(self, query: str) -> list[str]:
        request = self._resource().list(userId=USER, q=query, maxResults=PAGE_SIZE)
        page = self._read(request, "searching the inbox")
        return [str(m["id"]) for m in page.get("messages") or [] if isinstance(m, dict)]

    def _open(self, message_id: str) -> InboxMessage | None:
        request = self._resource().get(
            userId=USER, id=message_id, format="metadata", metadataHeaders=list(HEADERS)
        )
        try:
            data = self._read(request, f"reading inbox message {message_id}")
        except _Gone:
            return None
        headers = _headers(((data.get("payload") or {}).get("headers")) or [])
        try:
            received = datetime.fromtimestamp(int(data.get("internalDate", 0)) / 1000, UTC)
        except (TypeError, ValueError):
            return None
        return InboxMessage(
            id=message_id,
            sender=headers.get("from", ""),
            received=received,
            subject=headers.get("subject", ""),
            headers=headers,
            preview=html.unescape(str(data.get("snippet") or "")),
            sent_by_user="SENT" in (data.get("labelIds") or []),
        )

    def _resource(self) -> Any:
        return self._session.client("gmail").users().messages()

    def _read(self, request: Any, what: str) -> Any:
        try:
            return self._session.read(request, what)
        except HttpError as error:
            if error.resp.status == 404:
                raise _Gone from None
            if is_missing_scope(error):
                raise BackendError(
                    "Google: reading the inbox for replies needs the gmail.readonly permission;"
                    f" run `{AUTH_COMMAND}` again (with [coach] replies = true it is asked for)"
                ) from None
            raise backend_error(what, error) from error


class _Gone(Exception):
    """The message was deleted between the search and the read."""


def _headers(items: Iterable[Any]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for item in items:
        if isinstance(item, dict) and item.get("name"):
            headers.setdefault(str(item["name"]).lower(), str(item.get("value", "")))
    return headers


def _covered(address: str, domains: Collection[str]) -> bool:
    domain = address.rpartition("@")[2].casefold()
    return any(domain == d or domain.endswith("." + d) for d in domains)
