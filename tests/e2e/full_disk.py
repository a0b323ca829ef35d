"""A cycle run with the disk filling up at a named point of it: the test's subprocess.

``RLIMIT_FSIZE`` makes every write past a few bytes into any file fail with
EFBIG from that point on, as a full disk does (Python ignores SIGXFSZ, so the
write fails instead of killing the process). The limit is set and lifted at
the engine's named crash points, so it strikes exactly between two steps of a
cycle. Run as ``python -m tests.e2e.full_disk SCENARIO FOLDER NOW``; prints one
JSON object saying what happened.

Scenarios:

- ``results``: memory adapters (their write counters prove exactly-once), the
  state file on disk; full from ``after-record`` on, so the remote writes
  happen and recording their results fails. Then room comes back (the limit
  is lifted) and two more cycles run in the same process, over a reopened
  store, as the service does after an error.
- ``maildir``: the configuration in FOLDER (a Maildir, an .ics calendar); the
  Maildir's writes fail (full from ``before-create-draft`` until
  ``before-put-call``), the rest of the cycle has room.
- ``calendar``: the same configuration; full from ``before-put-call`` on: the
  calendar's write and recording every result fail.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import sys
from datetime import datetime, timedelta
from pathlib import Path

from daemon.app.config import load_settings
from daemon.app.wiring import build_engine, open_state
from daemon.compose.composer import Composer
from daemon.engine.cycle import Engine
from daemon.store.faults import StateError
from daemon.store.state import StateStore
from integrations.memory.calendar import MemoryCalendar
from integrations.memory.drafts import MemoryDraftStore
from tests.conftest import make_event, make_settings, person

#: Bigger than nothing, smaller than any draft, calendar or WAL frame.
LIMIT = 256
_ROOM = resource.getrlimit(resource.RLIMIT_FSIZE)


def disk_full() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, _ROOM[1]))


def room_again() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, _ROOM)


def between(full_at: str, room_at: str | None = None):  # type: ignore[no-untyped-def]
    def crash_point(name: str) -> None:
        if name == full_at:
            disk_full()
        elif name == room_at:
            room_again()

    return crash_point


def cycle(engine: Engine, now: datetime) -> dict[str, object]:
    try:
        report = engine.cycle(now)
    except StateError as error:
        return {"error": str(error), "kind": error.kind}
    finally:
        room_again()
    return {
        "error": None,
        "problems": report.problems,
        "drafts_created": report.drafts_created,
        "calls_created": report.calls_created,
    }


def quick_check(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        return str(db.execute("PRAGMA quick_check").fetchone()[0])
    finally:
        db.close()


def results(folder: Path, now: datetime) -> dict[str, object]:
    people = tuple(person(f"Person {n}", f"p{n}@acme.example") for n in range(5))
    interview = make_event(
        "panel-acme@test",
        "Panel interview – Acme",
        now - timedelta(hours=3),
        description="Company: Acme",
        attendees=people,
    )
    calendar, drafts = MemoryCalendar((interview,)), MemoryDraftStore()
    settings, path = make_settings(), folder / "state.sqlite3"
    store = StateStore.open(path)
    engine = Engine(settings, calendar, drafts, store, Composer(), between("after-record"))
    outcome: dict[str, object] = {"first": cycle(engine, now)}
    outcome["writes_after_fault"] = [drafts.writes, calendar.own_created]
    store.close()
    outcome["quick_check"] = quick_check(path)
    for name, later in (("second", 5), ("third", 10)):
        store = StateStore.open(path)  # a new connection, as after any failed cycle
        engine = Engine(settings, calendar, drafts, store, Composer())
        outcome[name] = cycle(engine, now + timedelta(minutes=later))
        outcome[f"writes_after_{name}"] = [drafts.writes, calendar.own_created]
        outcome[f"statuses_after_{name}"] = sorted(
            [d.status.value for d in store.ledger.drafts()]
            + [o.status.value for o in store.ledger.own()]
        )
        store.close()
    return outcome


def real(folder: Path, now: datetime, full_at: str, room_at: str | None) -> dict[str, object]:
    settings = load_settings(folder / "config.toml", os.environ)
    store = open_state(settings)
    try:
        engine = build_engine(settings, store, between(full_at, room_at), lambda: now)
        outcome = cycle(engine, now)
    finally:
        store.close()
    outcome["quick_check"] = quick_check(folder / "state.sqlite3")
    return outcome


def main() -> None:
    scenario, folder, now = sys.argv[1], Path(sys.argv[2]), datetime.fromisoformat(sys.argv[3])
    if scenario == "results":
        outcome = results(folder, now)
    elif scenario == "maildir":
        outcome = real(folder, now, "before-create-draft", "before-put-call")
    elif scenario == "calendar":
        outcome = real(folder, now, "before-put-call", None)
    else:
        raise SystemExit(f"unknown scenario {scenario!r}")
    print(json.dumps(outcome))


if __name__ == "__main__":
    main()
