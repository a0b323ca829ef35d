"""Gmail v1 drafts and messages for one mailbox.

Messages are stored as their RFC 5322 bytes and parsed on every read, so whatever a client put in
its headers (a `Message-ID`, an `X-` header) reads back as Gmail would show it. A draft is a
stable draft id pointing at a message; updating the draft replaces the message (new message id,
same draft id), and sending it removes the draft and leaves a message labelled SENT.
"""

from __future__ import annotations

import base64
import html
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import make_msgid
from typing import Any

from .errors import ApiError, bad_request

DEFAULT_PAGE = 100
MAX_PAGE = 500
GMAIL_METADATA = "https://www.googleapis.com/auth/gmail.metadata"
_CONTENT_SCOPES = {
    "https://mail.google.com/",
    "https://www.googleapis.com/auth/gmail.modify",
    "https://www.googleapis.com/auth/gmail.readonly",
    "https://www.googleapis.com/auth/gmail.compose",
    "https://www.googleapis.com/auth/gmail.addons.current.message.readonly",
    "https://www.googleapis.com/auth/gmail.addons.current.message.action",
}
SYSTEM_LABELS = ("INBOX", "SENT", "DRAFT", "SPAM", "TRASH", "UNREAD", "STARRED", "IMPORTANT")


@dataclass
class StoredMessage:
    id: str
    thread_id: str
    labels: list[str]
    raw: bytes
    internal_date: int  # milliseconds since the epoch, as Gmail reports it
    history_id: int

    def parsed(self) -> Message:
        return message_from_bytes(self.raw, policy=policy.default)


@dataclass
class StoredDraft:
    id: str
    message_id: str


@dataclass
class _Page:
    items: list[dict[str, Any]]
    key: str
    offset: int
    size: int


@dataclass
class GmailService:
    clock: Callable[[], datetime]
    user_email: str
    # Whether a client-set Message-ID survives on a stored draft (unverified against Gmail:
    # tests can switch it off to prove the adapter does not depend on it).
    keeps_message_id: bool = True
    page_cap: int | None = None
    messages: dict[str, StoredMessage] = field(default_factory=dict)
    drafts: dict[str, StoredDraft] = field(default_factory=dict)
    _pages: dict[str, _Page] = field(default_factory=dict)
    _history: int = 100_000

    # ---- dispatch -----------------------------------------------------------------------

    def handle(
        self,
        method_id: str,
        path: Mapping[str, str],
        query: Mapping[str, Any],
        body: Any,
        scopes: frozenset[str],
    ) -> tuple[int, Any]:
        if path.get("userId") not in ("me", self.user_email):
            raise ApiError(403, f"Delegation denied for {self.user_email}", "forbidden")
        if GMAIL_METADATA in scopes and "q" in query:
            raise ApiError(403, "Metadata scope does not support 'q' parameter", "forbidden")
        if not scopes & _CONTENT_SCOPES and query.get("format") in ("full", "raw"):
            raise ApiError(
                403, f"Metadata scope doesn't allow format {query['format'].upper()}", "forbidden"
            )
        name = method_id.removeprefix("gmail.users.")
        if name == "drafts.create":
            return 200, self._draft_view(self.create_draft(_raw_of(body)), "minimal")
        if name == "drafts.get":
            return 200, self._draft_view(self._draft(path["id"]), query.get("format", "full"))
        if name == "drafts.list":
            return 200, self._list("drafts", query)
        if name == "drafts.update":
            return 200, self._draft_view(self.update_draft(path["id"], _raw_of(body)), "minimal")
        if name == "drafts.delete":
            self.delete_draft(path["id"])
            return 204, None
        if name == "drafts.send":
            draft_id = (body or {}).get("id")
            if (body or {}).get("message"):
                self.update_draft(draft_id, _raw_of(body))
            sent = self.send_draft(draft_id)
            return 200, {"id": sent.id, "threadId": sent.thread_id, "labelIds": list(sent.labels)}
        if name == "messages.list":
            return 200, self._list("messages", query)
        if name == "messages.get":
            found = self.messages.get(path["id"])
            if found is None:
                raise _not_found()
            return 200, _message_view(
                found, query.get("format", "full"), query.get("metadataHeaders")
            )
        raise ApiError(501, f"The stand-in does not implement {method_id}.", "notImplemented")

    # ---- state changes (the API and the world share them) -------------------------------

    def _next_history(self) -> int:
        self._history += 1
        return self._history

    def _new_message(
        self, raw: bytes, labels: Iterable[str], thread_id: str | None = None
    ) -> StoredMessage:
        parsed = message_from_bytes(raw, policy=policy.default)
        changed = False
        if "From" not in parsed:
            parsed["From"] = self.user_email
            changed = True
        if "Message-ID" not in parsed or not self.keeps_message_id:
            del parsed["Message-ID"]
            parsed["Message-ID"] = make_msgid(domain="mail.gmail.com")
            changed = True
        if changed:
            raw = parsed.as_bytes()
        message_id = secrets.token_hex(8)
        if thread_id is None:
            thread_id = self._thread_for(parsed) or message_id
        stored = StoredMessage(
            message_id,
            thread_id,
            list(labels),
            raw,
            int(self.clock().timestamp() * 1000),
            self._next_history(),
        )
        self.messages[message_id] = stored
        return stored

    def _thread_for(self, parsed: Message) -> str | None:
        refs = " ".join(str(parsed.get(h, "")) for h in ("In-Reply-To", "References")).split()
        wanted = {_bare(ref) for ref in refs}
        for stored in self.messages.values():
            if _bare(str(stored.parsed().get("Message-ID", ""))) in wanted:
                return stored.thread_id
        return None

    def create_draft(self, raw: bytes) -> StoredDraft:
        message = self._new_message(raw, ["DRAFT"])
        draft = StoredDraft("r" + str(secrets.randbelow(10**19)).rjust(19, "1"), message.id)
        self.drafts[draft.id] = draft
        return draft

    def _draft(self, draft_id: str | None) -> StoredDraft:
        found = self.drafts.get(draft_id or "")
        if found is None:
            raise _not_found()
        return found

    def update_draft(self, draft_id: str | None, raw: bytes) -> StoredDraft:
        draft = self._draft(draft_id)
        old = self.messages.pop(draft.message_id)
        parsed = message_from_bytes(raw, policy=policy.default)
        thread = self._thread_for(parsed) or old.thread_id
        draft.message_id = self._new_message(raw, ["DRAFT"], thread).id
        return draft

    def delete_draft(self, draft_id: str) -> None:
        draft = self._draft(draft_id)
        del self.drafts[draft.id]
        self.messages.pop(draft.message_id, None)

    def send_draft(self, draft_id: str | None) -> StoredMessage:
        draft = self._draft(draft_id)
        message = self.messages[draft.message_id]
        parsed = message.parsed()
        if not any(parsed.get(h) for h in ("To", "Cc", "Bcc")):
            raise bad_request("Invalid To header", reason="invalidArgument")
        del self.drafts[draft.id]
        message.labels = ["SENT"]
        message.history_id = self._next_history()
        return message

    def deliver(self, raw: bytes, labels: Iterable[str] = ("INBOX", "UNREAD")) -> StoredMessage:
        return self._new_message(raw, labels)

    # ---- reading ------------------------------------------------------------------------

    def _draft_view(self, draft: StoredDraft, fmt: str) -> dict[str, Any]:
        message = self.messages[draft.message_id]
        if fmt == "minimal":
            view: dict[str, Any] = {
                "id": message.id,
                "threadId": message.thread_id,
                "labelIds": list(message.labels),
            }
        else:
            view = _message_view(message, fmt, None)
        return {"id": draft.id, "message": view}

    def _list(self, what: str, query: Mapping[str, Any]) -> dict[str, Any]:
        token = query.get("pageToken")
        if token is not None:
            page = self._pages.get(token)
            if page is None or page.key != what:
                raise bad_request("Invalid pageToken", reason="invalidArgument")
            return self._serve(page)
        candidates: list[tuple[StoredDraft | None, StoredMessage]]
        if what == "drafts":
            candidates = [(d, self.messages[d.message_id]) for d in self.drafts.values()]
        else:
            candidates = [(None, m) for m in self.messages.values()]
        candidates.reverse()  # newest first
        candidates.sort(key=lambda pair: -pair[1].internal_date)
        include_hidden = bool(query.get("includeSpamTrash"))
        wanted_labels = set(query.get("labelIds") or [])
        rows = []
        for draft, message in candidates:
            hidden = {"SPAM", "TRASH"} & set(message.labels)
            if hidden and not include_hidden and not _mentions_hidden(query.get("q", "")):
                continue
            if not wanted_labels <= set(message.labels):
                continue
            if query.get("q") and not matches_query(message, query["q"]):
                continue
            ref = {"id": message.id, "threadId": message.thread_id}
            rows.append({"id": draft.id, "message": ref} if draft is not None else ref)
        size = min(query.get("maxResults", DEFAULT_PAGE), MAX_PAGE)
        return self._serve(_Page(rows, what, 0, size))

    def _serve(self, page: _Page) -> dict[str, Any]:
        size = page.size if self.page_cap is None else min(page.size, self.page_cap)
        chunk = page.items[page.offset : page.offset + size]
        # Gmail leaves the list out altogether when it is empty.
        answer: dict[str, Any] = {page.key: chunk} if chunk else {}
        if page.offset + size < len(page.items):
            token = str(secrets.randbelow(10**20))
            self._pages[token] = _Page(page.items, page.key, page.offset + size, page.size)
            answer["nextPageToken"] = token
        answer["resultSizeEstimate"] = len(page.items)
        return answer


def _not_found() -> ApiError:
    return ApiError(404, "Requested entity was not found.", "notFound")


def _bare(message_id: str) -> str:
    return message_id.strip().strip("<>").strip().lower()


def _raw_of(body: Any) -> bytes:
    message = (body or {}).get("message") or {}
    raw = message.get("raw")
    if not raw:
        if message.get("payload"):
            raise bad_request(
                "The stand-in only accepts messages as message.raw.", reason="invalidArgument"
            )
        raise bad_request("Missing draft message", reason="invalidArgument")
    padded = raw + "=" * (-len(raw) % 4)
    data = base64.b64decode(padded.replace("-", "+").replace("_", "/"))
    if b":" not in data.split(b"\n", 1)[0]:
        raise bad_request(
            "Invalid raw message: no RFC 5322 header found.", reason="invalidArgument"
        )
    return data


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _headers(part: Message) -> list[dict[str, str]]:
    return [{"name": name, "value": str(value)} for name, value in part.items()]


def _part(part: Message, part_id: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "partId": part_id,
        "mimeType": part.get_content_type(),
        "filename": part.get_filename() or "",
        "headers": _headers(part),
    }
    if part.is_multipart():
        out["body"] = {"size": 0}
        children = part.get_payload()
        assert isinstance(children, list)
        out["parts"] = [
            _part(child, f"{part_id}.{index}" if part_id else str(index))
            for index, child in enumerate(children)
        ]
    else:
        data = part.get_payload(decode=True)
        data = data if isinstance(data, bytes) else b""
        out["body"] = {"size": len(data), "data": _b64(data)} if data else {"size": 0}
    return out


def _text(parsed: Message) -> str:
    if isinstance(parsed, EmailMessage):
        body = parsed.get_body(preferencelist=("plain", "html"))
        if body is not None:
            content = body.get_content()
            return content if isinstance(content, str) else ""
    payload = parsed.get_payload(decode=True)
    return payload.decode(errors="replace") if isinstance(payload, bytes) else ""


def _message_view(
    message: StoredMessage, fmt: str, metadata_headers: list[str] | None
) -> dict[str, Any]:
    parsed = message.parsed()
    view: dict[str, Any] = {
        "id": message.id,
        "threadId": message.thread_id,
        "labelIds": list(message.labels),
    }
    if fmt == "minimal":
        return {**view, "sizeEstimate": len(message.raw), "historyId": str(message.history_id)}
    view["snippet"] = html.escape(" ".join(_text(parsed).split())[:200])
    if fmt == "raw":
        view["raw"] = _b64(message.raw)
    elif fmt == "metadata":
        headers = _headers(parsed)
        if metadata_headers:
            wanted = {name.lower() for name in metadata_headers}
            headers = [h for h in headers if h["name"].lower() in wanted]
        view["payload"] = {"mimeType": parsed.get_content_type(), "headers": headers}
    else:
        view["payload"] = _part(parsed, "")
    view["sizeEstimate"] = len(message.raw)
    view["historyId"] = str(message.history_id)
    view["internalDate"] = str(message.internal_date)
    return view


# ---- the search language ------------------------------------------------------------------

_TERM = re.compile(r'(-?)(?:([A-Za-z0-9]+):)?("(?:[^"]*)"|\S+)')
_FOLDERS = {
    "sent": "SENT",
    "draft": "DRAFT",
    "drafts": "DRAFT",
    "inbox": "INBOX",
    "spam": "SPAM",
    "trash": "TRASH",
}


def _mentions_hidden(q: str) -> bool:
    return bool(re.search(r"\bin:(spam|trash|anywhere)\b", q, re.IGNORECASE))


def matches_query(message: StoredMessage, q: str) -> bool:
    """Gmail search: rfc822msgid:, in:, label:, is:, from:, to:, cc:, subject:, after:, before:,
    and plain words; `-` negates a term."""
    parsed = message.parsed()
    labels = set(message.labels)
    for negate, operator, value in _TERM.findall(q):
        value = value.strip('"')
        op = operator.lower()
        if op == "rfc822msgid":
            hit = _bare(str(parsed.get("Message-ID", ""))) == _bare(value)
        elif op == "in":
            hit = (
                value.lower() == "anywhere" or _FOLDERS.get(value.lower(), value.upper()) in labels
            )
        elif op == "label":
            name = value.upper().replace("-", "_")
            hit = name in labels or _FOLDERS.get(value.lower(), "") in labels
        elif op == "is":
            hit = {
                "draft": "DRAFT",
                "unread": "UNREAD",
                "starred": "STARRED",
                "important": "IMPORTANT",
            }.get(value.lower(), "") in labels or (
                value.lower() == "read" and "UNREAD" not in labels
            )
        elif op in ("from", "subject"):
            hit = value.lower() in str(parsed.get(op, "")).lower()
        elif op in ("to", "cc", "bcc"):
            heads = ("to", "cc", "bcc") if op == "to" else (op,)
            hit = any(value.lower() in str(parsed.get(h, "")).lower() for h in heads)
        elif op in ("after", "before"):
            day = datetime.strptime(value.replace("-", "/"), "%Y/%m/%d").replace(tzinfo=UTC)
            stamp = day.timestamp() * 1000
            hit = message.internal_date >= stamp if op == "after" else message.internal_date < stamp
        else:
            word = f"{operator}:{value}" if operator else value
            text = (
                " ".join(str(parsed.get(h, "")) for h in ("Subject", "From", "To", "Cc"))
                + " "
                + _text(parsed)
            )
            hit = word.lower() in text.lower()
        if hit == bool(negate):
            return False
    return True
