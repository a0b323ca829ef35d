"""The request budget of the Google backends, measured against the stand-in.

Runs the real engine with ``backend = "google"`` and ``backend = "gmail"`` against
the faithful Google stand-in of the tests, and prints how many requests each kind
of cycle makes (token refreshes apart), plus the requests and time of a first sync
of a large calendar. Run with ``python bench/google_requests.py [--events 10000]``.

The budget (issue 6): an idle cycle is one Calendar request per calendar read and
no Gmail request while no draft waits (one ``drafts.list`` page while some do); a
cycle with one changed event is that listing plus the writes the change calls for.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from daemon.app.config import load_settings  # noqa: E402
from daemon.app.wiring import build_engine, open_state  # noqa: E402
from integrations.google.calendar import GoogleCalendar  # noqa: E402
from integrations.google.session import GoogleOptions, GoogleSession  # noqa: E402
from integrations.google.tokens import save_token  # noqa: E402
from tests.google_standin import GoogleStandIn, web_ui_html  # noqa: E402

ZONE = ZoneInfo("Europe/Berlin")
NOTES = """Company: Acme
Hiring manager: Dana Lee, Head of Platform, dana@acme.example
Met: Sam Okafor (Staff Engineer) <sam@acme.example>
Hear back: 2026-12-04"""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def api_requests(standin: GoogleStandIn) -> Counter[str]:
    return Counter({k: v for k, v in standin.counts.items() if k != "oauth2.token"})


def show(label: str, counts: Counter[str]) -> None:
    detail = ", ".join(f"{name} {count}" for name, count in sorted(counts.items())) or "none"
    print(f"{label:<44} {sum(counts.values()):>3} requests  ({detail})")


def config(folder: Path, standin: GoogleStandIn) -> Path:
    token = folder / "token.json"
    save_token(token, standin.credentials().to_json())
    path = folder / "config.toml"
    path.write_text(
        f'[profile]\nname = "Alex Rivera"\nemail = "{standin.user_email}"\n'
        'timezone = "Europe/Berlin"\n[calendar]\nbackend = "google"\n'
        '[drafts]\nbackend = "gmail"\n'
        f'[google]\ntoken_path = "{token}"\nendpoint = "{standin.url}"\n'
        f'[state]\npath = "{folder}/state.sqlite3"\n'
    )
    return path


def cycles(folder: Path) -> None:
    with GoogleStandIn() as standin:
        standin.seed_event("Lunch", at("2026-11-30 12:00"))
        settings = load_settings(config(folder, standin), os.environ)
        store = open_state(settings)

        def cycle(now: str) -> Counter[str]:
            standin.reset_counts()
            moment = datetime.fromisoformat(now)
            build_engine(settings, store, clock=lambda: moment).cycle(moment)
            return api_requests(standin)

        show("first cycle, nothing to do", cycle("2026-11-30T13:00+01:00"))
        show("idle cycle, no draft waiting", cycle("2026-11-30T13:05+01:00"))
        standin.seed_invitation(
            "Panel interview - Acme",
            at("2026-12-01 13:00"),
            at("2026-12-01 14:00"),
            organizer=("Dana Lee", "dana@acme.example"),
            attendees=[("Sam Okafor", "sam@acme.example")],
            description=web_ui_html(NOTES),
        )
        show("cycle with one new interview (not yet due)", cycle("2026-12-01T13:30+01:00"))
        show("cycle that drafts the notes and a call", cycle("2026-12-01T15:01+01:00"))
        show("idle cycle, drafts waiting", cycle("2026-12-01T15:06+01:00"))
        calls = [e for e in standin.events() if e.get("extendedProperties")]
        call = next(e for e in calls if "Dana" in e.get("summary", ""))
        standin.ui_move_event(call["id"], at("2026-12-09 11:00"))
        show("cycle with one changed event (call moved)", cycle("2026-12-01T15:11+01:00"))
        standin.ui_edit_description(call["id"], "They made an offer #decided")
        show("cycle with one changed event (#decided)", cycle("2026-12-01T15:16+01:00"))
        show("idle cycle after that", cycle("2026-12-01T15:21+01:00"))
        store.close()


def first_sync(folder: Path, events: int) -> None:
    with GoogleStandIn() as standin:
        start = at("2026-10-01 08:00")
        with standin.lock:
            primary = standin.calendar.calendar("primary")
            for n in range(events):
                begin = start + timedelta(minutes=25 * n)  # 10,000 events: about 170 days
                standin.calendar.insert(
                    primary,
                    {
                        "summary": f"Event {n}",
                        "start": {"dateTime": begin.isoformat(), "timeZone": "Europe/Berlin"},
                        "end": {
                            "dateTime": (begin + timedelta(minutes=20)).isoformat(),
                            "timeZone": "Europe/Berlin",
                        },
                    },
                )
        token = folder / "sync-token.json"
        save_token(token, standin.credentials().to_json())
        session = GoogleSession(GoogleOptions.of({"token_path": token, "endpoint": standin.url}))
        now = datetime.fromisoformat("2026-12-01T12:00+00:00")
        calendar = GoogleCalendar(session, timezone=ZONE, clock=lambda: now)
        standin.reset_counts()
        began = time.perf_counter()
        changes = calendar.changes(None)
        took = time.perf_counter() - began
        show(
            f"first sync of {events} events ({len(changes.events)} in the window)",
            api_requests(standin),
        )
        print(f"{'':<44} {took:.2f} s")
        standin.reset_counts()
        began = time.perf_counter()
        calendar.changes(changes.checkpoint)
        took = time.perf_counter() - began
        show("the next, incremental listing", api_requests(standin))
        print(f"{'':<44} {took:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cycles(Path(folder))
        first_sync(Path(folder), arguments.events)


if __name__ == "__main__":
    main()
