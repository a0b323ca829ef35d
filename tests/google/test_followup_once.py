"""`followup once` end to end with Google Calendar and Gmail, against the stand-in.

interview -> drafts in Gmail -> a call in Google Calendar -> a week later the next
call -> "#decided" written on a call event -> the future call is removed. Each
step is the real command in a subprocess; the stand-in plays Google and the user.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.google_standin import GoogleStandIn, web_ui_html

from .conftest import QuickStandIn, write_token

ROOT = Path(__file__).resolve().parents[2]

NOTES = """Company: Acme
Role: Staff Engineer
Hiring manager: Dana Lee, Head of Platform, dana@acme.example, +49 30 5550188
Met: Sam Okafor (Staff Engineer) <sam@acme.example>
Discussed with Sam: on-call load
Hear back: 2026-12-04"""


class Followup:
    def __init__(self, folder: Path, standin: GoogleStandIn) -> None:
        self.folder = folder
        self.standin = standin
        self.config = folder / "config.toml"
        token = folder / "data" / "google-token.json"
        write_token(standin, token)
        self.config.write_text(
            f"""
[profile]
name = "Alex Rivera"
email = "{standin.user_email}"
timezone = "Europe/Berlin"
qualifications = ["ten years of backend work"]

[calendar]
backend = "google"

[drafts]
backend = "gmail"

[google]
token_path = "{token}"
endpoint = "{standin.url}"

[state]
path = "state.sqlite3"
""",
            encoding="utf-8",
        )

    def __call__(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "daemon", "--config", str(self.config), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "HOME": str(self.folder)},
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def status(self, now: str) -> list[dict[str, Any]]:
        answer: list[dict[str, Any]] = json.loads(self("status", "--now", now, "--json"))
        return answer

    def calls(self) -> list[dict[str, Any]]:
        own = [
            e
            for e in self.standin.events()
            if (e.get("extendedProperties") or {}).get("private", {}).get("interviewFollowupKind")
            == "call"
        ]
        return sorted(own, key=lambda e: e["start"]["dateTime"])


@pytest.fixture
def followup(tmp_path: Path) -> Iterator[Followup]:
    with QuickStandIn() as standin:
        standin.seed_invitation(
            "Panel interview – Acme",
            datetime.fromisoformat("2026-12-01T13:00+01:00"),
            datetime.fromisoformat("2026-12-01T14:00+01:00"),
            organizer=("Dana Lee", "dana@acme.example"),
            attendees=[("Sam Okafor", "sam@acme.example")],
            description=web_ui_html(NOTES),
            time_zone="Europe/Berlin",
        )
        yield Followup(tmp_path, standin)


def test_interview_to_decided_on_google(followup: Followup) -> None:
    google = followup.standin
    out = followup("once", "--now", "2026-12-01T15:01+01:00")
    assert "2 drafts created (0 late)" in out
    drafts = {google.draft_message(d.id)["To"]: d.id for d in google.drafts()}
    assert sorted(drafts) == ["Dana Lee <dana@acme.example>", "Sam Okafor <sam@acme.example>"]
    assert (
        "on-call load"
        in google.draft_message(drafts["Sam Okafor <sam@acme.example>"]).get_content()
    )
    (call,) = followup.calls()
    assert call["start"] == {"dateTime": "2026-12-08T10:00:00+01:00", "timeZone": "Europe/Berlin"}
    assert "Dana Lee" in call["summary"] and not call.get("attendees")

    # Nothing twice; an idle cycle costs one listing and one drafts page.
    google.reset_counts()
    followup("once", "--now", "2026-12-01T16:00+01:00")
    assert len(google.drafts()) == 2 and len(followup.calls()) == 1
    api_calls = {k: v for k, v in google.counts.items() if k != "oauth2.token"}
    assert api_calls == {"calendar.events.list": 1, "gmail.users.drafts.list": 1}

    # The user sends Sam's note in Gmail: it leaves the drafts.
    google.ui_send_draft(drafts["Sam Okafor <sam@acme.example>"])
    followup("once", "--now", "2026-12-02T09:00+01:00")
    (app,) = followup.status("2026-12-02T09:00+01:00")
    assert {d["to"]: d["status"] for d in app["drafts"]} == {
        "dana@acme.example": "created",
        "sam@acme.example": "gone",
    }

    # A week later, after the first call: the next one, 7 days on.
    followup("once", "--now", "2026-12-08T10:30+01:00")
    starts = [c["start"]["dateTime"] for c in followup.calls()]
    assert starts == ["2026-12-08T10:00:00+01:00", "2026-12-15T10:00:00+01:00"]

    # Decided, written on the past call event in Google Calendar.
    first_call = followup.calls()[0]
    google.ui_edit_description(first_call["id"], "Spoke to Dana. They made an offer #decided")
    followup("once", "--now", "2026-12-09T12:00+01:00")
    (app,) = followup.status("2026-12-09T12:00+01:00")
    assert app["decided"] is True and app["next_call"] is None
    assert [c["start"]["dateTime"] for c in followup.calls()] == ["2026-12-08T10:00:00+01:00"]

    # Only the user ever sent anything.
    assert len(google.messages(label="SENT")) == 1
    assert not [
        r
        for r in google.requests
        if r.method_id.endswith((".send", ".import", ".insert")) and r.method_id.startswith("gmail")
    ]
