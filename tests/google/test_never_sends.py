"""The service cannot send mail: the HTTP guard refuses it, and no code names a send endpoint."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from daemon.domain.errors import BackendError
from integrations.google.http import RefusedRequest, check_request
from tests.google_standin import GoogleStandIn

from .conftest import Google

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "/token"
BASE = "https://gmail.googleapis.com/gmail/v1/users/me"


@pytest.mark.parametrize(
    ("method", "uri"),
    [
        ("POST", f"{BASE}/drafts/send"),
        ("POST", f"{BASE}/messages/send"),
        ("POST", "https://gmail.googleapis.com/upload/gmail/v1/users/me/messages/send"),
        ("POST", f"{BASE}/messages/import"),
        ("POST", f"{BASE}/messages"),  # messages.insert, e.g. into SENT
        ("POST", "https://www.googleapis.com/batch/gmail/v1"),  # could wrap any of them
        ("PUT", f"{BASE}/drafts/r123"),
        ("DELETE", f"{BASE}/drafts/r123"),
        ("POST", f"{BASE}/settings/sendAs"),
        ("POST", f"{BASE}/messages/m1/modify"),
        ("POST", f"{BASE}/messages/m1/trash"),
        ("DELETE", f"{BASE}/messages/m1"),
        ("GET", f"{BASE}/messages/m1/attachments/a1"),
        ("PUT", "https://www.googleapis.com/calendar/v3/calendars/primary/events/abc"),
        ("POST", "https://www.googleapis.com/calendar/v3/calendars/primary/events/import"),
        ("POST", "https://www.googleapis.com/calendar/v3/calendars/primary/events/abc/move"),
    ],
)
def test_the_guard_refuses_everything_but_the_services_own_endpoints(method: str, uri: str) -> None:
    with pytest.raises(RefusedRequest, match="never sends mail"):
        check_request(method, uri, TOKEN)


@pytest.mark.parametrize(
    ("method", "uri"),
    [
        ("GET", "https://www.googleapis.com/calendar/v3/calendars/primary/events?syncToken=x"),
        ("POST", "https://www.googleapis.com/calendar/v3/calendars/primary/events"),
        ("GET", "https://www.googleapis.com/calendar/v3/calendars/a%40b.example/events/f12345"),
        ("PATCH", "https://www.googleapis.com/calendar/v3/calendars/primary/events/f12345"),
        ("DELETE", "https://www.googleapis.com/calendar/v3/calendars/primary/events/f12345"),
        ("POST", f"{BASE}/drafts"),
        ("GET", f"{BASE}/drafts?maxResults=500"),
        ("GET", f"{BASE}/drafts/r123?format=metadata"),
        # Replies ([coach] replies): reading the inbox, GET only.
        ("GET", f"{BASE}/messages?q=in%3Ainbox"),
        ("GET", f"{BASE}/messages/m1?format=metadata"),
        ("POST", "https://oauth2.googleapis.com/token"),
    ],
)
def test_the_guard_lets_the_services_own_requests_through(method: str, uri: str) -> None:
    check_request(method, uri, TOKEN)


def test_a_send_through_the_real_client_never_reaches_the_server(
    google: Google, standin: GoogleStandIn
) -> None:
    session = google.session()
    raw = base64.urlsafe_b64encode(b"To: a@b.example\r\nSubject: x\r\n\r\nhi\r\n").decode()
    drafts = session.client("gmail").users().drafts()
    created = session.write(drafts.create(userId="me", body={"message": {"raw": raw}}), "x")
    messages = session.client("gmail").users().messages()
    attempts = [
        drafts.send(userId="me", body={"id": created["id"]}),
        messages.send(userId="me", body={"raw": raw}),
        messages.insert(userId="me", body={"raw": raw, "labelIds": ["SENT"]}),
        messages.import_(userId="me", body={"raw": raw}),
    ]
    for request in attempts:
        with pytest.raises(BackendError, match="never sends mail"):
            session.write(request, "sending")
    assert standin.messages(label="SENT") == []
    sends = [r for r in standin.requests if "send" in r.method_id or "messages" in r.method_id]
    assert sends == []


#: Ways code could name a send endpoint: the client's methods and the URL paths.
_SEND_PATTERNS = (
    re.compile(r"\.\s*send\s*\("),
    re.compile(r"\bimport_\s*\("),
    re.compile(r"""["'][^"'\n]*/(?:send|import)\b"""),
    re.compile(r"upload/gmail"),
    re.compile(r"batch/gmail"),
    re.compile(r"new_batch_http_request|BatchHttpRequest"),
)
#: The ``messages`` resource: only the read-only inbox reader (and the guard's GET rule)
#: may name it.
_MESSAGES_PATTERNS = (
    re.compile(r"\bmessages\s*\(\s*\)"),
    re.compile(r"""["'][^"'\n]*\bmessages(?:/|["'])"""),
)
_MAY_NAME_MESSAGES = {"integrations/google/inbox.py", "integrations/google/http.py"}


def offending_lines(text: str, *, messages_allowed: bool = False) -> list[str]:
    patterns = _SEND_PATTERNS if messages_allowed else (*_SEND_PATTERNS, *_MESSAGES_PATTERNS)
    return [
        line.strip()
        for line in text.splitlines()
        if any(pattern.search(line) for pattern in patterns)
    ]


def test_no_code_names_a_send_endpoint() -> None:
    # Everything that ships, and the benchmarks; tests are where sending is tried on purpose.
    sources = [
        path
        for folder in ("daemon", "integrations", "bench")
        for path in sorted((ROOT / folder).rglob("*.py"))
    ]
    assert any(p.name == "gmail.py" for p in sources)
    found = {
        str(path.relative_to(ROOT)): lines
        for path in sources
        if (
            lines := offending_lines(
                path.read_text(encoding="utf-8"),
                messages_allowed=str(path.relative_to(ROOT)) in _MAY_NAME_MESSAGES,
            )
        )
    }
    assert found == {}


def test_the_inbox_reader_only_lists_and_gets_messages() -> None:
    text = (ROOT / "integrations/google/inbox.py").read_text(encoding="utf-8")
    # The resource is fetched in one place, and only .list( and .get( are called on it.
    assert len(re.findall(r"\bmessages\s*\(\s*\)", text)) == 1
    calls = set(re.findall(r"self\._resource\(\)\.(\w+)\(", text))
    assert calls == {"list", "get"}


def test_the_static_check_can_fail() -> None:
    for line in (
        'service.users().drafts().send(userId="me", body=body).execute()',
        "service.users().messages().import_(userId='me')",
        'uri = "https://gmail.googleapis.com/gmail/v1/users/me/messages/send"',
        'path = "users/me/messages"',
        "batch = service.new_batch_http_request()",
    ):
        assert offending_lines(line), line
    assert offending_lines('drafts.create(userId="me", body=body)') == []
