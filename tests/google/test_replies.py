"""Replies from the employer through Gmail (``[coach] replies = true``), against the stand-in.

The inbox adapter reads headers and a snippet only, with ``gmail.readonly``; a
genuine reply postpones the next call by a week through the real ``followup``
command; an out-of-office answer does not; without the permission the cycle
still runs and says what to do.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from daemon.domain.errors import BackendError
from integrations.google.auth import scopes_for
from integrations.google.inbox import GmailInbox
from integrations.google.scopes import GMAIL_COMPOSE, GMAIL_READONLY
from tests.google_standin import CALENDAR_EVENTS_OWNED, GoogleStandIn, web_ui_html

from .conftest import NOW, Google, QuickStandIn, write_token

ROOT = Path(__file__).resolve().parents[2]

REPLY = b"""From: Dana Lee <dana@acme.example>
To: me@example.com
Subject: Re: Thank you
Return-Path: <dana@acme.example>
Content-Type: text/plain; charset=utf-8

Thanks Alex, we are finishing our last interviews and will be in touch.
"""

OUT_OF_OFFICE = b"""From: Sam Okafor <sam@acme.example>
To: me@example.com
Subject: Automatic reply: Thank you
Auto-Submitted: auto-replied
Content-Type: text/plain; charset=utf-8

I am out of the office until Monday.
"""


def test_scopes_ask_for_the_inbox_only_when_replies_are_on() -> None:
    assert GMAIL_READONLY not in scopes_for({}, ["gmail"])
    assert scopes_for({}, ["gmail"], read_mail=True) == [GMAIL_COMPOSE, GMAIL_READONLY]


def test_the_inbox_lists_messages_from_the_employer_with_their_headers(
    standin: GoogleStandIn, tmp_path: Path
) -> None:
    google = Google(standin, tmp_path)
    write_token(standin, google.token_path, (CALENDAR_EVENTS_OWNED, GMAIL_COMPOSE, GMAIL_READONLY))
    standin.deliver(REPLY)
    standin.deliver(OUT_OF_OFFICE)
    standin.deliver(REPLY.replace(b"dana@acme.example", b"eve@elsewhere.example"))
    inbox = GmailInbox(google.session())
    since = NOW - timedelta(days=1)
    found = inbox.messages_from(since, {"dana@acme.example"}, {"acme.example"})
    assert sorted(m.sender for m in found) == [
        "Dana Lee <dana@acme.example>",
        "Sam Okafor <sam@acme.example>",
    ]
    auto = next(m for m in found if "Sam" in m.sender)
    assert auto.headers["auto-submitted"] == "auto-replied"
    assert auto.preview.startswith("I am out of the office")
    # Headers only: no message was fetched in full or raw.
    gets = [r for r in standin.requests if r.method_id == "gmail.users.messages.get"]
    assert gets and all("metadata" in str(r.query.get("format")) for r in gets)
    # Known messages are not opened again.
    standin.reset_counts()
    again = inbox.messages_from(since, set(), {"acme.example"}, known={m.id for m in found})
    assert again == [] and standin.counts["gmail.users.messages.get"] == 0


def test_without_gmail_readonly_the_inbox_says_what_to_do(
    standin: GoogleStandIn, tmp_path: Path
) -> None:
    google = Google(standin, tmp_path)  # compose only
    with pytest.raises(BackendError, match=r"gmail\.readonly"):
        GmailInbox(google.session()).messages_from(NOW, set(), {"acme.example"})


NOTES = """Company: Acme
Role: Staff Engineer
Hiring manager: Dana Lee, Head of Platform, dana@acme.example, +49 30 5550188
Met: Sam Okafor (Staff Engineer) <sam@acme.example>
Hear back: 2026-12-04"""


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class Followup:
    def __init__(self, folder: Path, standin: GoogleStandIn, scopes: tuple[str, ...]) -> None:
        self.folder = folder
        self.standin = standin
        token = folder / "data" / "google-token.json"
        write_token(standin, token, scopes)
        self.config = folder / "config.toml"
        self.config.write_text(
            f"""
[profile]
name = "Alex Rivera"
email = "{standin.user_email}"
timezone = "Europe/Berlin"

[calendar]
backend = "google"

[drafts]
backend = "gmail"

[google]
token_path = "{token}"
endpoint = "{standin.url}"

[state]
path = "state.sqlite3"

[coach]
replies = true
send_by_hours = 0
""",
            encoding="utf-8",
        )

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "daemon", "--config", str(self.config), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "HOME": str(self.folder)},
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
        return result

    def status(self, now: str) -> list[dict[str, Any]]:
        answer: list[dict[str, Any]] = json.loads(self("status", "--now", now, "--json").stdout)
        return answer

    def call_starts(self) -> list[str]:
        return sorted(
            e["start"]["dateTime"]
            for e in self.standin.events()
            if (e.get("extendedProperties") or {}).get("private", {}).get("interviewFollowupKind")
            == "call"
        )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def world(clock: Clock) -> Iterator[GoogleStandIn]:
    with QuickStandIn(clock=clock) as standin:
        standin.seed_invitation(
            "Panel interview – Acme",
            datetime.fromisoformat("2026-12-01T13:00+01:00"),
            datetime.fromisoformat("2026-12-01T14:00+01:00"),
            organizer=("Dana Lee", "dana@acme.example"),
            attendees=[("Sam Okafor", "sam@acme.example")],
            description=web_ui_html(NOTES),
            time_zone="Europe/Berlin",
        )
        yield standin


def test_a_reply_postpones_the_next_call_and_shows_in_status(
    world: GoogleStandIn, clock: Clock, tmp_path: Path
) -> None:
    followup = Followup(tmp_path, world, (CALENDAR_EVENTS_OWNED, GMAIL_COMPOSE, GMAIL_READONLY))
    followup("once", "--now", "2026-12-01T15:01+01:00")
    assert followup.call_starts() == ["2026-12-08T10:00:00+01:00"]

    # An out-of-office answer is no reply.
    clock.now = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    world.deliver(OUT_OF_OFFICE)
    out = followup("once", "--now", "2026-12-06T10:05+01:00").stdout
    assert "reply:" not in out
    assert followup.call_starts() == ["2026-12-08T10:00:00+01:00"]

    # Dana writes back the day before the call: it waits a week after her reply.
    clock.now = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
    world.deliver(REPLY)
    out = followup("once", "--now", "2026-12-07T16:05+01:00").stdout
    assert "reply: Acme: a reply from Dana Lee: the next call waits a week" in out
    assert followup.call_starts() == ["2026-12-15T10:00:00+01:00"]
    (app,) = followup.status("2026-12-07T16:10+01:00")
    assert app["reply"] == {
        "from": "Dana Lee <dana@acme.example>",
        "received": "2026-12-07T15:00:00+00:00",
    }
    assert app["decided"] is False and app["next_call"] == "2026-12-15T09:00:00+00:00"
    human = followup("status", "--now", "2026-12-07T16:10+01:00").stdout
    assert "reply: from Dana Lee <dana@acme.example>" in human
    # The service read; it never sent.
    assert world.messages(label="SENT") == []


def test_without_the_permission_the_cycle_runs_and_says_what_to_do(
    world: GoogleStandIn, tmp_path: Path
) -> None:
    followup = Followup(tmp_path, world, (CALENDAR_EVENTS_OWNED, GMAIL_COMPOSE))
    assert "2 drafts created" in followup("once", "--now", "2026-12-01T15:01+01:00").stdout
    # The interview is known now: the next check asks the inbox, and cannot.
    result = followup("once", "--now", "2026-12-01T15:40+01:00")
    assert "warning: replies: " in result.stderr and "gmail.readonly" in result.stderr
