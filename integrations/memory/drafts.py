"""A drafts folder in memory that behaves like a mail server's, for tests and dry runs.

It keeps each draft as the bytes a server would store, finds drafts by their key
header as a real adapter must, and lets a test play the user (send, discard,
edit) and the network (an outage, a response lost after the write). It cannot
send mail: "sending" only moves a draft to a list, as the user's client would.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

from daemon.compose.mime import check_draft_key, message_bytes, parse_message, stored_keys
from daemon.domain.errors import BackendError, ItemError
from daemon.domain.ports import InboxMessage, WriteResult


class MemoryDraftStore:
    """A ``DraftStore`` fake: draft id -> stored message bytes, in creation order."""

    def __init__(self) -> None:
        self._drafts: dict[str, bytes] = {}
        self._next_id = 1
        #: Messages the user sent, in order (what would be in their Sent folder).
        self.sent_folder: list[bytes] = []
        #: While true every call fails as if the server were down.
        self.outage = False
        #: The next create stores the draft, then fails as if the answer were lost.
        self.lose_next_response = False
        #: How many drafts were written (a retried create that finds its draft adds none).
        self.writes = 0
        #: The inbox (the optional ``Mailbox`` capability): (id, raw message, received).
        self.inbox: list[tuple[str, bytes, datetime]] = []
        #: How many inbox messages were opened (a known one is not opened again).
        self.opened = 0

    # --- the port ---------------------------------------------------------

    def create_drafts(self, drafts: Sequence[tuple[str, EmailMessage]]) -> list[WriteResult]:
        self._check_up()
        results = []
        for key, message in drafts:
            try:
                check_draft_key(key, message)
            except ItemError as error:
                results.append(WriteResult(key, error=str(error)))
                continue
            existing = self._find(key)
            if existing is not None:
                results.append(WriteResult(key, existing))
                continue
            draft_id = f"draft-{self._next_id}"
            self._next_id += 1
            self._drafts[draft_id] = message_bytes(message)
            self.writes += 1
            results.append(WriteResult(key, draft_id))
        if self.lose_next_response:
            self.lose_next_response = False
            raise BackendError("drafts server: connection lost before the answer arrived")
        return results

    def present(self, keys: Iterable[str]) -> set[str]:
        self._check_up()
        wanted = set(keys)
        return {key for raw in self._drafts.values() for key in stored_keys(raw) if key in wanted}

    def sent(self, keys: Iterable[str]) -> set[str] | None:
        self._check_up()
        wanted = set(keys)
        return {key for raw in self.sent_folder for key in stored_keys(raw) if key in wanted}

    def messages_from(
        self,
        since: datetime,
        addresses: Collection[str],
        domains: Collection[str],
        known: Collection[str] = (),
    ) -> list[InboxMessage]:
        """Inbox messages since ``since`` whose sender is one of ``addresses`` or at ``domains``."""
        self._check_up()
        wanted = {a.casefold() for a in addresses}
        found = []
        for message_id, raw, received in self.inbox:
            if message_id in known or received < since:
                continue
            parsed = message_from_bytes(raw, policy=policy.default)
            sender = str(parsed.get("From", ""))
            address = sender.rpartition("<")[2].rstrip(">").strip().casefold()
            domain = address.rpartition("@")[2]
            if address not in wanted and not any(
                domain == d or domain.endswith("." + d) for d in domains
            ):
                continue
            self.opened += 1
            headers = {name.lower(): str(value) for name, value in parsed.items()}
            body = parsed.get_body(("plain",)) if isinstance(parsed, EmailMessage) else None
            preview = str(body.get_content())[:200] if body is not None else ""
            found.append(
                InboxMessage(
                    message_id,
                    sender,
                    received,
                    str(parsed.get("Subject", "")),
                    headers,
                    " ".join(preview.split()),
                )
            )
        return found

    # --- the user at their mail client ------------------------------------

    def user_send(self, key: str) -> None:
        """The user sends the draft: it leaves the drafts folder."""
        self.sent_folder.append(self._drafts.pop(self._id_of(key)))

    def user_discard(self, key: str) -> None:
        """The user deletes the draft unsent."""
        del self._drafts[self._id_of(key)]

    def deliver(self, raw: bytes, received: datetime) -> str:
        """A message arrives in the inbox (a reply, an auto-reply, a bounce)."""
        message_id = f"inbox-{len(self.inbox) + 1}"
        self.inbox.append((message_id, raw, received))
        return message_id

    def user_edit(self, key: str, new_body: str) -> None:
        """The user rewrites the text; like Gmail, the draft keeps its id and headers."""
        draft_id = self._id_of(key)
        edited = parse_message(self._drafts[draft_id])
        edited.set_content(new_body)
        self._drafts[draft_id] = message_bytes(edited)

    # --- inspection -------------------------------------------------------

    def drafts(self) -> dict[str, bytes]:
        """Draft id -> stored bytes, in creation order."""
        return dict(self._drafts)

    def messages(self) -> list[EmailMessage]:
        """The drafts, parsed, in creation order."""
        return [parse_message(raw) for raw in self._drafts.values()]

    def _find(self, key: str) -> str | None:
        for draft_id, raw in self._drafts.items():
            if key in stored_keys(raw):
                return draft_id
        return None

    def _id_of(self, key: str) -> str:
        draft_id = self._find(key)
        if draft_id is None:
            raise LookupError(f"no draft with key {key!r}")
        return draft_id

    def _check_up(self) -> None:
        if self.outage:
            raise BackendError("drafts server: unavailable")
