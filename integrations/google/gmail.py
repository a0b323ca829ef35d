"""The ``DraftStore`` port over Gmail drafts. It never sends (see ``http.py``).

A draft is created with ``drafts.create`` and JSON ``raw`` (media uploads are not
needed for a note). Its id is kept (``draft_record.py``): the id stays when the
user edits the draft in Gmail, and a draft that leaves ``drafts.list`` was sent
or discarded. So watching drafts costs one ``drafts.list`` page per cycle, and
nothing when no draft is waiting.

After a create whose answer was lost the draft may exist: it is looked up by
its ``Message-ID`` (``rfc822msgid:`` search) and, failing that, by the key
header of each draft the record does not know, before anything is created again.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from googleapiclient.errors import HttpError

from daemon.compose.mime import check_draft_key, message_bytes, message_id, stored_keys
from daemon.domain.errors import ItemError
from daemon.domain.ports import KEY_HEADER, InboxMessage, WriteResult
from integrations.google.draft_record import DraftRecord
from integrations.google.errors import backend_error, message_of, status_of
from integrations.google.inbox import GmailInbox
from integrations.google.session import GoogleSession

log = logging.getLogger(__name__)

USER = "me"
#: Gmail's largest ``drafts.list`` page: one request covers 500 drafts.
PAGE_SIZE = 500
#: After a lost answer, at most this many unknown drafts are opened to find it.
SCAN_LIMIT = 500


class GmailDraftStore:
    def __init__(self, session: GoogleSession, record: DraftRecord) -> None:
        self._session = session
        self._record = record

    # -- the port ----------------------------------------------------------------------

    def create_drafts(self, drafts: Sequence[tuple[str, EmailMessage]]) -> list[WriteResult]:
        results: list[WriteResult | None] = []
        to_create: list[tuple[int, str, EmailMessage]] = []
        for key, message in drafts:
            try:
                check_draft_key(key, message)
            except ItemError as error:
                results.append(WriteResult(key, error=str(error)))
                continue
            known = self._record.draft_of(key)
            if known:
                results.append(WriteResult(key, known))  # created before; the user's now
                continue
            results.append(None)
            to_create.append((len(results) - 1, key, message))
        # An unsure create is looked for first; a fresh one is marked before it is sent,
        # so a crash right after sending leaves a trace to look for.
        unsure = {key for _, key, _ in to_create if self._record.draft_of(key) == ""}
        for _, key, _ in to_create:
            self._record.set(key, "")
        self._record.save()
        try:
            for index, key, message in to_create:
                results[index] = self._create(key, message, look_first=key in unsure)
        finally:
            self._record.save()
        return [result for result in results if result is not None]

    def present(self, keys: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return set()
        listed = self._listed_ids()
        unknown = [key for key in wanted if not self._record.draft_of(key)]
        if unknown:
            # The record was lost (or never saw these): find them by their header.
            self._scan(set(unknown), listed)
            self._record.save()
        return {key for key in wanted if self._record.draft_of(key) in listed}

    # -- the optional Mailbox capability (``[coach] replies``) ----------------------------

    def messages_from(
        self,
        since: datetime,
        addresses: Collection[str],
        domains: Collection[str],
        known: Collection[str] = (),
    ) -> list[InboxMessage]:
        """Inbox messages from the employer's people (see ``inbox.py``; gmail.readonly)."""
        return GmailInbox(self._session).messages_from(since, addresses, domains, known)

    # -- creating ----------------------------------------------------------------------

    def _create(self, key: str, message: EmailMessage, *, look_first: bool) -> WriteResult:
        raw = base64.urlsafe_b64encode(message_bytes(message, linesep="\r\n")).decode("ascii")
        what = f"creating draft {key[:12]}"
        first = [not look_first]

        def attempt() -> WriteResult:
            if not first[0]:
                found = self._find(key)
                if found:
                    self._record.set(key, found)
                    return WriteResult(key, found)
            first[0] = False
            drafts = self._session.client("gmail").users().drafts()
            request = drafts.create(userId=USER, body={"message": {"raw": raw}})
            try:
                created = self._session.write(request, what)
            except HttpError as error:
                status = status_of(error)
                if status in (401, 403) or status >= 500:
                    raise backend_error(what, error) from error
                return WriteResult(
                    key, error=f"Gmail: {what} failed (HTTP {status}: {message_of(error)})"
                )
            draft_id = str(created["id"])
            self._record.set(key, draft_id)
            return WriteResult(key, draft_id)

        result: WriteResult = self._session.keyed(attempt, what)
        return result

    def _find(self, key: str) -> str | None:
        """The id of the draft that carries ``key``, looked up on the server."""
        try:
            candidates = self._list(q=f"rfc822msgid:{message_id(key)}", limit=1)
        except ItemError:
            candidates = []
        taken = self._record.known_ids()
        for draft_id in candidates:
            if draft_id not in taken and key in self._keys_of(draft_id):
                return draft_id
        # Gmail may not keep a client's Message-ID: open the drafts nobody has claimed.
        found = self._scan({key}, set(self._list()))
        return found.get(key)

    def _scan(self, keys: set[str], listed: set[str]) -> dict[str, str]:
        """Open unclaimed drafts until every key in ``keys`` is found (or the limit)."""
        found: dict[str, str] = {}
        taken = self._record.known_ids()
        for opened, draft_id in enumerate(sorted(listed - taken)):
            if opened >= SCAN_LIMIT or keys <= found.keys():
                break
            for key in self._keys_of(draft_id) & keys:
                found[key] = draft_id
                self._record.set(key, draft_id)
        return found

    # -- reading -----------------------------------------------------------------------

    def _listed_ids(self) -> set[str]:
        return set(self._list())

    def _list(self, q: str | None = None, limit: int | None = None) -> list[str]:
        """Draft ids, every page (or ``limit`` pages)."""
        ids: list[str] = []
        page_token: str | None = None
        pages = 0
        while True:
            arguments: dict[str, Any] = {"userId": USER, "maxResults": PAGE_SIZE}
            if q:
                arguments["q"] = q
            if page_token:
                arguments["pageToken"] = page_token
            request = self._session.client("gmail").users().drafts().list(**arguments)
            try:
                page = self._session.read(request, "listing drafts")
            except HttpError as error:
                raise backend_error("listing drafts", error) from error
            ids += [str(d["id"]) for d in page.get("drafts") or [] if isinstance(d, dict)]
            pages += 1
            page_token = page.get("nextPageToken")
            if not page_token or (limit is not None and pages >= limit):
                return ids

    def _keys_of(self, draft_id: str) -> set[str]:
        """The key header values of one draft (its headers only: no body is fetched)."""
        # drafts.get has no metadataHeaders filter (messages.get has): every header comes.
        drafts = self._session.client("gmail").users().drafts()
        request = drafts.get(userId=USER, id=draft_id, format="metadata")
        try:
            draft = self._session.read(request, f"reading draft {draft_id}")
        except HttpError as error:
            if status_of(error) == 404:
                return set()  # sent or deleted since it was listed
            raise backend_error(f"reading draft {draft_id}", error) from error
        headers = ((draft.get("message") or {}).get("payload") or {}).get("headers") or []
        lines = "".join(
            f"{h.get('name')}: {h.get('value')}\r\n"
            for h in headers
            if isinstance(h, dict) and str(h.get("name", "")).lower() == KEY_HEADER.lower()
        )
        return stored_keys(lines.encode("utf-8")) if lines else set()
