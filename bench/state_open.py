"""What opening the state file costs, and how much of it is ``PRAGMA quick_check``.

Every open of the state (each ``followup once``, each start of ``followup run``,
each reopening after a failed cycle) checks the file's pages so that a damaged
file is refused before anything is written over it. This builds state files
of a realistic shape (interviews with their people, drafts, calls and the
event cache; a busy year is about 200 interviews) at several sizes and prints,
per size: the file size, the time of ``StateStore.open`` (median of several,
page cache warm), and the time of the quick_check alone.
Run with ``python bench/state_open.py``.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from daemon.domain.model import Attendee, CalendarEvent, EventId, OwnKind  # noqa: E402
from daemon.domain.settings import Profile  # noqa: E402
from daemon.reading.interviews import interpret  # noqa: E402
from daemon.store.ledger import DraftIntent, OwnIntent  # noqa: E402
from daemon.store.records import DraftKind  # noqa: E402
from daemon.store.state import StateStore  # noqa: E402

PROFILE = Profile(name="Alex Rivera", email="me@example.com", timezone=UTC)
NOTES = (
    "Company: Company {n}\nRole: Staff Engineer\nHiring manager: Dana Lee, Head of Platform,"
    " dana{n}@example.com, +49 30 5550188\nMet: Sam Okafor (Staff Engineer) <sam{n}@example.com>\n"
    "Discussed with Sam: on-call load, the migration, team growth\nHear back: 2026-12-04\n"
)


def build(path: Path, interviews: int) -> None:
    store = StateStore.open(path)
    start = datetime(2026, 1, 1, 10, tzinfo=UTC)
    with store.transaction():
        events = []
        for n in range(interviews):
            at = start + timedelta(days=n)
            event = CalendarEvent(
                EventId(f"iv{n}@example.com"),
                f"Interview – Company {n}",
                at,
                at + timedelta(hours=1),
                NOTES.format(n=n),
                attendees=(Attendee(f"dana{n}@example.com", "Dana Lee"),),
            )
            events.append(event)
            interview = interpret(event, PROFILE)
            store.record_interview(interview, at)
            store.ledger.intend_drafts(
                [
                    DraftIntent(
                        f"d{n}-{p}",
                        event.uid,
                        interview.application,
                        f"p{p}@x",
                        "P",
                        DraftKind.THANK_YOU,
                        False,
                    )
                    for p in range(2)
                ],
                at,
            )
            store.ledger.intend_own(
                [
                    OwnIntent(
                        f"c{n}-{s}",
                        OwnKind.CALL,
                        interview.application,
                        event.uid,
                        event.uid,
                        s,
                        at,
                        at,
                        "Dana Lee",
                        "Follow-up call\n" + "x" * 800,
                    )
                    for s in range(3)
                ],
                at,
            )
        store.events.replace(events)
    store.close()


def median_seconds(action, repeat: int = 7) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for interviews in (10, 200, 1000, 5000):
            path = Path(folder) / f"state-{interviews}.sqlite3"
            build(path, interviews)

            def check(path: Path = path) -> None:
                db = sqlite3.connect(path)
                db.execute("PRAGMA quick_check").fetchall()
                db.close()

            opened = median_seconds(lambda path=path: StateStore.open(path).close())
            checked = median_seconds(check)
            print(
                f"{interviews:>5} interviews: {path.stat().st_size / 1e6:6.2f} MB,"
                f" open {opened * 1000:6.1f} ms, of which quick_check {checked * 1000:6.1f} ms"
            )


if __name__ == "__main__":
    main()
