"""The .ics adapter's writing side: own events spliced into real files, batches, failures.

The contract suite (tests/contract) holds the adapter to the port; these tests
hold it to what only a file can get wrong: every other byte of the user's
calendar kept, one replace per batch, crashes, other programs, locks, and the
reading of the user's events re-used after the service wrote its own.
"""

from __future__ import annotations

import difflib
import fcntl
import http.server
import os
import re
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daemon.domain.errors import BackendError
from daemon.domain.model import CalendarEvent, OwnKind, OwnTag
from daemon.domain.ports import (
    EventChanges,
    OwnEvent,
    OwnWrite,
    PutOwn,
    RemoveOwn,
    UpdateOwn,
    WriteResult,
)
from daemon.store import locks
from integrations.ics import IcsCalendar, files

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ics"
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
KEY = "0123456789abcdef0123456789abcdef"


def open_calendar(
    path: str | Path, calls_path: Path | None = None, *, zone: ZoneInfo = BERLIN
) -> IcsCalendar:
    return IcsCalendar(path, calls_path, default_tz=zone, now=lambda: NOW)


def a_call(
    key: str = KEY,
    zone: ZoneInfo = BERLIN,
    *,
    kind: OwnKind = OwnKind.CALL,
    reminder: timedelta | None = None,
) -> OwnEvent:
    start = datetime(2025, 3, 25, 10, 0, tzinfo=zone)
    return OwnEvent(
        kind,
        key,
        start,
        start + timedelta(minutes=15),
        "Call Hiro (Contoso)",
        "tel:+4930",
        reminder,
    )


def write(calendar: IcsCalendar, *writes: OwnWrite) -> list[WriteResult]:
    results = calendar.write_own(list(writes))
    assert len(results) == len(writes)
    return results


def put(calendar: IcsCalendar, *events: OwnEvent) -> list[str]:
    results = write(calendar, *(PutOwn(event) for event in events))
    assert all(result.ok for result in results), results
    return [result.remote_id for result in results]


def remove(calendar: IcsCalendar, *keys: str) -> None:
    results = write(calendar, *(RemoveOwn(OwnKind.CALL, key) for key in keys))
    assert all(result.ok for result in results), results


def own(changes: EventChanges) -> dict[str, CalendarEvent]:
    return {event.own.key: event for event in changes.events if event.own is not None}


@pytest.fixture
def user_file(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a fixture into a temporary directory, as the user's own calendar file."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copy(FIXTURES / name, target)
        return target

    return copy


def without_added_timezone(data: bytes, original: bytes) -> bytes:
    """``data`` without the one Europe/Berlin VTIMEZONE a write may have added to ``original``."""
    newline = b"\r\n" if b"\r\n" in original else b"\n"
    pattern = (
        rb"BEGIN:VTIMEZONE" + newline + rb"TZID:Europe/Berlin" + newline + rb".*?END:VTIMEZONE"
    )
    for match in re.finditer(pattern + newline, data, flags=re.S):
        candidate = data[: match.start()] + data[match.end() :]
        if candidate == original:
            return candidate
    return data


# -- where own events go ----------------------------------------------------------------


def test_a_url_calendar_without_a_calls_file_cannot_be_written() -> None:
    calendar = open_calendar("https://calendar.example/private-x/basic.ics")
    with pytest.raises(BackendError, match="calls_path"):
        calendar.write_own([PutOwn(a_call())])
    with pytest.raises(BackendError, match="calls_path"):
        calendar.write_own([RemoveOwn(OwnKind.CALL, KEY)])


@pytest.fixture
def served() -> Iterator[Callable[[bytes], str]]:
    """Serve bytes over real HTTP on loopback; answers the URL."""
    bodies: list[bytes] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(bodies[-1])))
            self.end_headers()
            self.wfile.write(bodies[-1])

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()

    def serve(body: bytes) -> str:
        bodies.append(body)
        return f"http://127.0.0.1:{server.server_address[1]}/calendar.ics"

    yield serve
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_url_calendar_writes_own_events_to_its_calls_file(
    served: Callable[[bytes], str], tmp_path: Path
) -> None:
    url = served((FIXTURES / "outlook_export.ics").read_bytes())
    calendar = open_calendar(url, tmp_path / "calls.ics")
    (uid,) = put(calendar, a_call())

    changes = calendar.changes(None)
    assert own(changes)[KEY].uid == uid
    assert own(changes)[KEY].own == OwnTag(OwnKind.CALL, KEY)
    assert len(changes.events) == 5


@pytest.mark.parametrize("name", ["outlook_export.ics", "google_export.ics", "malformed.ics"])
def test_own_events_in_the_users_file_leave_every_other_byte_as_it_was(
    user_file: Callable[[str], Path], name: str
) -> None:
    path = user_file(name)
    original = path.read_bytes()
    calendar = open_calendar(path)

    debrief = a_call("d" * 32, kind=OwnKind.DEBRIEF, reminder=timedelta(minutes=5))
    put(calendar, a_call(), debrief)
    with_own = path.read_bytes()
    assert with_own.count(b"BEGIN:VEVENT") == original.count(b"BEGIN:VEVENT") + 2

    remove(calendar, KEY, debrief.key)
    # What remains is the original plus, at most, the VTIMEZONE the events needed.
    assert without_added_timezone(path.read_bytes(), original) == original


def test_own_events_in_a_users_file_with_a_byte_order_mark_keep_it(tmp_path: Path) -> None:
    path = tmp_path / "cal.ics"
    original = b"\xef\xbb\xbf" + (FIXTURES / "outlook_export.ics").read_bytes()
    path.write_bytes(original)
    calendar = open_calendar(path)

    (uid,) = put(calendar, a_call())
    with_call = path.read_bytes()
    assert with_call.startswith(b"\xef\xbb\xbfBEGIN:VCALENDAR")
    assert with_call.count(b"BEGIN:VEVENT") == original.count(b"BEGIN:VEVENT") + 1
    assert own(calendar.changes(None))[KEY].uid == uid
    assert put(calendar, a_call()) == [uid]
    assert path.read_bytes() == with_call

    remove(calendar, KEY)
    assert without_added_timezone(path.read_bytes(), original) == original


def test_own_events_in_a_file_with_bare_line_feeds_and_no_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "cal.ics"
    original = (FIXTURES / "floating.ics").read_bytes().rstrip(b"\n")
    path.write_bytes(original)
    calendar = open_calendar(path)

    put(calendar, a_call(reminder=timedelta(minutes=10)))
    write(calendar, UpdateOwn(replace(a_call(), title="Call Hiro"), frozenset({"title"})))
    written = path.read_bytes()
    assert b"\r\n" not in written
    assert written.endswith(b"END:VCALENDAR")
    assert [event.title for event in own(calendar.changes(None)).values()] == ["Call Hiro"]

    remove(calendar, KEY)
    assert without_added_timezone(path.read_bytes(), original) == original


def test_an_own_event_is_stored_as_a_standard_event_with_its_zone_kind_and_reminder(
    tmp_path: Path,
) -> None:
    calls = tmp_path / "calls.ics"
    event = a_call(kind=OwnKind.DEBRIEF, reminder=timedelta(minutes=90))
    open_calendar(FIXTURES / "cancelled.ics", calls).write_own([PutOwn(event)])

    data = calls.read_bytes()
    written = icalendar.Calendar.from_ical(data)
    assert written.get_missing_tzids() == set()
    (component,) = written.walk("VEVENT")
    assert str(component["UID"]) == f"{KEY}@interview-followup"
    assert str(component["X-INTERVIEW-FOLLOWUP-KEY"]) == KEY
    assert str(component["X-INTERVIEW-FOLLOWUP-KIND"]) == "debrief"
    assert component["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert component.decoded("DTSTART") == datetime(2025, 3, 25, 10, tzinfo=BERLIN)
    assert "DTSTAMP" in component and "ATTENDEE" not in component
    (alarm,) = component.walk("VALARM")
    assert b"TRIGGER:-PT90M\r\n" in data and b"ACTION:DISPLAY\r\n" in data
    assert str(alarm["DESCRIPTION"]) == event.title
    assert stat.S_IMODE(calls.stat().st_mode) == 0o600


def test_an_own_event_in_utc_is_written_with_z_and_no_time_zone(tmp_path: Path) -> None:
    calls = tmp_path / "calls.ics"
    put(open_calendar(FIXTURES / "cancelled.ics", calls), a_call(zone=ZoneInfo("UTC")))

    assert b"DTSTART:20250325T100000Z" in calls.read_bytes()
    assert b"VTIMEZONE" not in calls.read_bytes()


def test_an_own_event_stays_recognised_when_an_app_drops_the_x_properties(
    tmp_path: Path,
) -> None:
    calls = tmp_path / "calls.ics"
    calendar = open_calendar(FIXTURES / "cancelled.ics", calls)
    (uid,) = put(calendar, a_call())
    calls.write_bytes(re.sub(rb"X-INTERVIEW-FOLLOWUP-[A-Z]+:[^\r\n]*\r\n", b"", calls.read_bytes()))

    assert own(calendar.changes(None))[KEY].uid == uid
    assert put(calendar, a_call()) == [uid]
    assert calls.read_bytes().count(b"BEGIN:VEVENT") == 1


def test_a_file_written_before_kinds_existed_holds_calls(tmp_path: Path) -> None:
    calls = tmp_path / "calls.ics"
    calendar = open_calendar(FIXTURES / "cancelled.ics", calls)
    put(calendar, a_call(kind=OwnKind.DEBRIEF))
    # What the service wrote before own events had kinds: key, no kind.
    calls.write_bytes(re.sub(rb"X-INTERVIEW-FOLLOWUP-KIND:[^\r\n]*\r\n", b"", calls.read_bytes()))

    assert own(calendar.changes(None))[KEY].own == OwnTag(OwnKind.CALL, KEY)
    later = a_call().start + timedelta(days=1)
    moved = replace(a_call(), start=later, end=later + timedelta(minutes=15))
    assert not write(calendar, UpdateOwn(moved, frozenset({"time"})))[0].missing
    assert own(calendar.changes(None))[KEY].start == later
    remove(calendar, KEY)
    assert own(calendar.changes(None)) == {}


def test_a_copy_of_an_own_event_in_the_users_calendar_is_listed_once(tmp_path: Path) -> None:
    # The user's export also contains the subscribed calls calendar: the calls file wins.
    calls = tmp_path / "calls.ics"
    put(open_calendar(FIXTURES / "cancelled.ics", calls), a_call())
    export = tmp_path / "export.ics"
    export.write_bytes(
        (FIXTURES / "cancelled.ics")
        .read_bytes()
        .replace(b"END:VCALENDAR", calls.read_bytes().split(b"END:VTIMEZONE\r\n", 1)[1])
        .replace(b"SUMMARY:Call Hiro", b"SUMMARY:Stale copy")
    )
    events = open_calendar(export, calls).changes(None).events

    assert [e.title for e in events if e.own] == ["Call Hiro (Contoso)"]


def test_file_modes_and_symlinks_are_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.ics"
    shutil.copy(FIXTURES / "floating.ics", real)
    real.chmod(0o640)
    link = tmp_path / "link.ics"
    link.symlink_to(real)

    put(open_calendar(link), a_call())
    assert link.is_symlink()
    assert b"interview-followup" in real.read_bytes()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


# -- updates --------------------------------------------------------------------------------


def test_an_update_rewrites_only_the_lines_of_its_fields(
    user_file: Callable[[str], Path],
) -> None:
    path = user_file("outlook_export.ics")
    calendar = open_calendar(path)
    put(calendar, a_call())
    # The user's notes, and a SEQUENCE as calendar apps keep it.
    path.write_bytes(
        path.read_bytes().replace(
            b"DESCRIPTION:tel:+4930\r\n", b"DESCRIPTION:tel:+4930\\nmy notes\r\nSEQUENCE:3\r\n"
        )
    )
    before = path.read_bytes().splitlines()
    later = a_call().start + timedelta(days=2, hours=1)
    moved = replace(a_call(), start=later, end=later + timedelta(minutes=30), description="x")

    an_hour_later = IcsCalendar(path, default_tz=BERLIN, now=lambda: NOW + timedelta(hours=1))
    (result,) = write(an_hour_later, UpdateOwn(moved, frozenset({"time"})))
    assert result.remote_id == f"{KEY}@interview-followup"
    after = path.read_bytes().splitlines()
    gone, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after).get_opcodes():
        if tag != "equal":
            gone += before[i1:i2]
            added += after[j1:j2]
    assert sorted(line.split(b":")[0].split(b";")[0] for line in gone) == [
        b"DTEND",
        b"DTSTAMP",
        b"DTSTART",
        b"SEQUENCE",
    ]
    assert sorted(added) == [
        b"DTEND;TZID=Europe/Berlin:20250327T113000",
        b"DTSTAMP:20250310T130000Z",
        b"DTSTART;TZID=Europe/Berlin:20250327T110000",
        b"SEQUENCE:4",
    ]
    listed = own(calendar.changes(None))[KEY]
    assert listed.description == "tel:+4930\nmy notes"


def test_an_update_that_changes_nothing_writes_nothing(tmp_path: Path) -> None:
    calls = tmp_path / "calls.ics"
    calendar = open_calendar(FIXTURES / "cancelled.ics", calls)
    put(calendar, a_call(reminder=timedelta(minutes=10)))
    identity = files.snapshot(calls, 10**6).identity

    fields = frozenset({"time", "title", "description", "reminder"})
    write(calendar, UpdateOwn(a_call(reminder=timedelta(minutes=10)), fields))  # type: ignore[arg-type]
    assert files.snapshot(calls, 10**6).identity == identity


def test_a_reminder_update_keeps_the_alarms_the_user_added(tmp_path: Path) -> None:
    calls = tmp_path / "calls.ics"
    calendar = open_calendar(FIXTURES / "cancelled.ics", calls)
    put(calendar, a_call(reminder=timedelta(minutes=10)))
    users_alarm = b"BEGIN:VALARM\r\nACTION:AUDIO\r\nTRIGGER:-P1D\r\nEND:VALARM\r\n"
    calls.write_bytes(calls.read_bytes().replace(b"END:VEVENT", users_alarm + b"END:VEVENT"))

    write(calendar, UpdateOwn(a_call(reminder=timedelta(minutes=30)), frozenset({"reminder"})))
    data = calls.read_bytes()
    assert users_alarm in data
    assert data.count(b"BEGIN:VALARM") == 2
    assert b"TRIGGER:-PT30M" in data and b"TRIGGER:-PT10M" not in data

    write(calendar, UpdateOwn(a_call(), frozenset({"reminder"})))
    assert calls.read_bytes().count(b"BEGIN:VALARM") == 1
    assert users_alarm in calls.read_bytes()


def test_a_new_title_is_the_title_of_the_reminder_too(tmp_path: Path) -> None:
    calls = tmp_path / "calls.ics"
    calendar = open_calendar(FIXTURES / "cancelled.ics", calls)
    put(calendar, a_call(reminder=timedelta(minutes=10)))

    write(calendar, UpdateOwn(replace(a_call(), title="Call Dana (Contoso)"), frozenset({"title"})))
    (event,) = icalendar.Calendar.from_ical(calls.read_bytes()).walk("VEVENT")
    (alarm,) = event.walk("VALARM")
    assert (str(event["SUMMARY"]), str(alarm["DESCRIPTION"])) == ("Call Dana (Contoso)",) * 2
    assert alarm.decoded("TRIGGER") == timedelta(minutes=-10)


# -- batches: one read, one replace -------------------------------------------------------


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """What reaches the disk: every fsync, every rename into place, every file opened to read."""
    seen: dict[str, list[Any]] = {"fsync": [], "replace": [], "open": []}
    real_fsync, real_replace, real_open = os.fsync, Path.replace, Path.open

    def fsync(descriptor: int) -> None:
        seen["fsync"].append(descriptor)
        real_fsync(descriptor)

    def replace_path(self: Path, target: Any) -> Path:
        seen["replace"].append(Path(target))
        return real_replace(self, target)

    def open_path(self: Path, *args: Any, **kwargs: Any) -> Any:
        seen["open"].append(self)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(Path, "replace", replace_path)
    monkeypatch.setattr(Path, "open", open_path)
    return seen


@pytest.mark.parametrize("same_file", [True, False], ids=["same file", "calls file"])
def test_a_batch_is_one_read_and_one_replace_however_many_writes_it_holds(
    user_file: Callable[[str], Path], tmp_path: Path, disk: dict[str, list[Any]], same_file: bool
) -> None:
    path = user_file("google_export.ics")
    calls = path if same_file else tmp_path / "calls.ics"
    calendar = open_calendar(path, None if same_file else calls)
    put(calendar, *(a_call(f"{n:032x}") for n in range(5)))
    for seen in disk.values():
        seen.clear()

    later = a_call().start + timedelta(days=1)
    writes: list[OwnWrite] = [
        *(PutOwn(a_call(f"{n:032x}", kind=OwnKind.DEBRIEF)) for n in range(5, 35)),
        *(RemoveOwn(OwnKind.CALL, f"{n:032x}") for n in range(1, 3)),
        UpdateOwn(replace(a_call(f"{4:032x}"), start=later, end=later + timedelta(minutes=5))),
    ]
    results = write(calendar, *writes)

    assert all(result.ok for result in results)
    assert disk["replace"] == [calls]
    assert len(disk["fsync"]) == 2  # the new file, then its directory
    assert [opened for opened in disk["open"] if opened == calls] == [calls]
    listed = own(calendar.changes(None))
    assert len(listed) == 5 + 30 - 2
    assert listed[f"{4:032x}"].start == later


def test_a_batch_that_changes_nothing_touches_no_file(
    tmp_path: Path, disk: dict[str, list[Any]]
) -> None:
    calls = tmp_path / "calls.ics"
    calendar = open_calendar(FIXTURES / "cancelled.ics", calls)
    # No calls file yet: removing and updating what is not there creates none.
    results = write(calendar, RemoveOwn(OwnKind.CALL, KEY), UpdateOwn(a_call()))
    assert results[1].missing
    assert not calls.exists()

    put(calendar, a_call())
    identity = files.snapshot(calls, 10**6).identity
    disk["fsync"].clear()
    results = write(
        calendar, PutOwn(a_call()), RemoveOwn(OwnKind.CALL, "9" * 32), UpdateOwn(a_call("8" * 32))
    )
    assert results[0].remote_id == f"{KEY}@interview-followup" and results[2].missing
    assert disk["fsync"] == []
    assert files.snapshot(calls, 10**6).identity == identity
    assert sorted(p.name for p in tmp_path.iterdir()) == [".calls.ics.lock", "calls.ics"]


# -- what cannot be written -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"my shopping list\n", "no complete BEGIN:VCALENDAR"),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nEND:VCALENDAR\r\n",
            "BEGIN:VEVENT on line 2 is never closed",
        ),
    ],
)
def test_a_calls_file_that_is_not_well_formed_is_left_untouched(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    calls = tmp_path / "calls.ics"
    calls.write_bytes(content)
    calendar = open_calendar(FIXTURES / "cancelled.ics", calls)
    with pytest.raises(BackendError, match=f"{problem}.*left untouched"):
        calendar.write_own([PutOwn(a_call())])
    with pytest.raises(BackendError, match="left untouched"):
        calendar.write_own([RemoveOwn(OwnKind.CALL, KEY)])
    assert calls.read_bytes() == content


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        (replace(a_call(), key="abc\r\nBEGIN:VEVENT"), "unusable key"),
        (replace(a_call(), key=""), "unusable key"),
        (replace(a_call(), end=a_call().start - timedelta(minutes=1)), "end before it starts"),
        (a_call(reminder=timedelta(minutes=-5)), "reminder"),
        (a_call(reminder=timedelta(seconds=30)), "whole number of minutes"),
        (replace(a_call(), start=a_call().start.replace(tzinfo=None)), "naive"),
    ],
)
def test_a_write_that_cannot_be_done_fails_alone(
    tmp_path: Path, broken: OwnEvent, problem: str
) -> None:
    calls = tmp_path / "calls.ics"
    calendar = open_calendar(FIXTURES / "cancelled.ics", calls)
    results = write(
        calendar, PutOwn(broken), PutOwn(a_call("e" * 32)), UpdateOwn(broken), RemoveOwn(
            OwnKind.CALL, broken.key
        ) if problem == "unusable key" else PutOwn(a_call("f" * 32)),
    )  # fmt: skip

    assert [result.ok for result in results] == [False, True, False, problem != "unusable key"]
    assert problem in results[0].error and problem in results[2].error
    assert b"BEGIN:VEVENT\r\nBEGIN:VEVENT" not in calls.read_bytes()
    assert "e" * 32 in own(calendar.changes(None))


def test_a_calls_file_that_cannot_be_written_is_a_backend_error(tmp_path: Path) -> None:
    blocker = tmp_path / "calls"
    blocker.write_bytes(b"a file where the calls folder should be")
    calendar = open_calendar(FIXTURES / "cancelled.ics", blocker / "calls.ics")
    with pytest.raises(BackendError, match="cannot be written"):
        calendar.write_own([PutOwn(a_call())])
    assert blocker.read_bytes() == b"a file where the calls folder should be"


# -- crash safety and concurrency -----------------------------------------------------------


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_crash_while_writing_leaves_the_old_file_whole(
    user_file: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = user_file("outlook_export.ics")
    original = path.read_bytes()
    calendar = open_calendar(path)

    def crash(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    if failing == "fsync":
        monkeypatch.setattr(os, "fsync", crash)
    else:
        monkeypatch.setattr(Path, "replace", crash)
    with pytest.raises(BackendError, match="No space left"):
        calendar.write_own([PutOwn(a_call()), PutOwn(a_call("e" * 32))])

    monkeypatch.undo()
    assert path.read_bytes() == original
    assert sorted(p.name for p in path.parent.iterdir()) == [".outlook_export.ics.lock", path.name]
    # Nothing of the failed batch is believed written: the next listing has no own event.
    assert own(calendar.changes(None)) == {}


def test_after_each_batch_the_file_is_whole_and_holds_all_earlier_content(
    user_file: Callable[[str], Path],
) -> None:
    path = user_file("google_export.ics")
    calendar = open_calendar(path)
    previous = path.read_bytes()
    for number in range(5):
        put(calendar, a_call(f"{number:032x}"), a_call(f"{number + 10:032x}"))
        current = path.read_bytes()
        # Every earlier line is still there, in order.
        remaining = iter(current.splitlines())
        assert all(line in remaining for line in previous.splitlines())
        assert icalendar.Calendar.from_ical(current)
        previous = current
    assert len(own(calendar.changes(None))) == 10


def test_a_change_by_another_program_during_a_write_is_not_overwritten(
    user_file: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = user_file("floating.ics")
    calendar = open_calendar(path)
    real_snapshot = files.snapshot
    reads = []

    def snapshot_then_the_user_saves(target: Path, max_bytes: int) -> files.FileSnapshot:
        # Fault injection: a calendar app saves the file right after our read.
        result = real_snapshot(target, max_bytes)
        reads.append(result)
        if len(reads) == 1:
            time.sleep(0.01)  # a different mtime even on coarse clocks
            target.write_bytes(target.read_bytes().replace(b"Local Bakery", b"Local Bakery & Co"))
        return result

    monkeypatch.setattr(files, "snapshot", snapshot_then_the_user_saves)
    put(calendar, a_call())

    assert len(reads) == 2
    written = path.read_bytes()
    assert b"Local Bakery & Co" in written and b"interview-followup" in written


def test_a_file_that_keeps_changing_is_a_backend_error_and_keeps_the_other_programs_text(
    user_file: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = user_file("floating.ics")
    calendar = open_calendar(path)
    real_snapshot = files.snapshot
    saves: list[int] = []

    def snapshot_then_the_user_saves_again(target: Path, max_bytes: int) -> files.FileSnapshot:
        result = real_snapshot(target, max_bytes)
        saves.append(len(saves))
        time.sleep(0.01)
        target.write_bytes(target.read_bytes() + b"\r\n")
        return result

    monkeypatch.setattr(files, "snapshot", snapshot_then_the_user_saves_again)
    with pytest.raises(BackendError, match="kept changing"):
        calendar.write_own([PutOwn(a_call())])

    monkeypatch.undo()
    assert b"interview-followup" not in path.read_bytes()
    assert path.read_bytes().endswith(b"\r\n" * len(saves))


def test_a_held_lock_makes_the_write_wait_then_fail(tmp_path: Path) -> None:
    target = tmp_path / "calls.ics"
    holder = os.open(tmp_path / ".calls.ics.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        with pytest.raises(TimeoutError), files.locked(target, timeout=0.2):
            pass
        with pytest.raises(TimeoutError), locks.exclusive(tmp_path / ".calls.ics.lock", 0.1):
            pass
    finally:
        os.close(holder)
    with files.locked(target, timeout=0.2):
        pass


# -- the user's events are not read again after the service wrote ---------------------------


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text icalendar is asked to parse, as a whole calendar or one component."""
    texts: list[str] = []
    for cls in (icalendar.Calendar, icalendar.Component):
        real = cls.from_ical

        def from_ical(text: str | bytes, multiple: bool = False, real: Any = real) -> Any:
            texts.append(text.decode() if isinstance(text, bytes) else text)
            return real(text, multiple=multiple)

        monkeypatch.setattr(cls, "from_ical", from_ical)
    return texts


def users_events(count: int) -> bytes:
    events = b"".join(
        b"BEGIN:VEVENT\r\nUID:meeting-%d@example.org\r\nDTSTAMP:20250301T000000Z\r\n"
        b"DTSTART:202503%02dT090000Z\r\nDTEND:202503%02dT100000Z\r\nSUMMARY:Meeting %d\r\n"
        b"END:VEVENT\r\n" % (n, 11 + n % 15, 11 + n % 15, n)
        for n in range(count)
    )
    return b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n" + events + b"END:VCALENDAR\r\n"


@pytest.mark.parametrize("same_file", [True, False], ids=["same file", "calls file"])
def test_writing_own_events_does_not_read_the_users_events_again(
    tmp_path: Path, parsed: list[str], same_file: bool
) -> None:
    path = tmp_path / "calendar.ics"
    path.write_bytes(users_events(20))
    calendar = open_calendar(path, None if same_file else tmp_path / "calls.ics")
    first = calendar.changes(None)
    assert any("meeting-7@example.org" in text for text in parsed)

    parsed.clear()
    put(calendar, a_call(reminder=timedelta(minutes=10)), a_call("d" * 32, kind=OwnKind.DEBRIEF))
    second = calendar.changes(first.checkpoint)
    assert not any("meeting-" in text for text in parsed), "the user's events were parsed again"
    assert second.checkpoint != first.checkpoint
    assert set(second.events) - set(first.events) == set(own(second).values())
    assert len(own(second)) == 2

    parsed.clear()
    write(calendar, UpdateOwn(replace(a_call(), title="Call Dana"), frozenset({"title"})))
    write(calendar, RemoveOwn(OwnKind.DEBRIEF, "d" * 32))
    third = calendar.changes(second.checkpoint)
    assert not any("meeting-" in text for text in parsed)
    assert [event.title for event in own(third).values()] == ["Call Dana"]
    assert set(third.events) - set(own(third).values()) == set(first.events)


def test_a_new_adapter_reads_a_file_with_own_events_as_the_writer_did(tmp_path: Path) -> None:
    path = tmp_path / "calendar.ics"
    path.write_bytes(users_events(5))
    calendar = open_calendar(path)
    calendar.changes(None)
    put(calendar, a_call(reminder=timedelta(minutes=10)), a_call("d" * 32, kind=OwnKind.DEBRIEF))

    after_write = calendar.changes(None)
    fresh = open_calendar(path).changes(None)
    assert fresh.checkpoint == after_write.checkpoint
    assert fresh.events == after_write.events


def test_the_user_editing_only_an_own_event_reads_only_the_own_events_again(
    tmp_path: Path, parsed: list[str]
) -> None:
    path = tmp_path / "calendar.ics"
    path.write_bytes(users_events(20))
    calendar = open_calendar(path)
    put(calendar, a_call())
    calendar.changes(None)

    # An app that edits one event in place (as a text editor or a sync tool does).
    parsed.clear()
    path.write_bytes(
        path.read_bytes().replace(
            b"DTSTART;TZID=Europe/Berlin:20250325T100000",
            b"DTSTART;TZID=Europe/Berlin:20250326T100000",
        )
    )
    listed = own(calendar.changes(None))[KEY]
    assert listed.start == datetime(2025, 3, 26, 10, tzinfo=BERLIN)
    assert not any("meeting-" in text for text in parsed)

    # An edit of the user's own events is read, of course.
    path.write_bytes(path.read_bytes().replace(b"SUMMARY:Meeting 3\r", b"SUMMARY:Standup\r"))
    titles = {event.title for event in calendar.changes(None).events}
    assert "Standup" in titles and "Meeting 3" not in titles


# -- fuzzing ------------------------------------------------------------------------------------

SEED_LINES = [
    line
    for name in ("google_export.ics", "outlook_export.ics", "recurring.ics", "all_day.ics")
    for line in (FIXTURES / name).read_bytes().splitlines()
]
HOSTILE_LINES = [
    b"DTSTART;TZID=America:20250312T090000",
    b"UID:" + KEY.encode() + b"@interview-followup",
    b"X-INTERVIEW-FOLLOWUP-KEY:" + KEY.encode(),
    b"X-INTERVIEW-FOLLOWUP-KIND:debrief",
    b"BEGIN:VALARM",
    b"END:VALARM",
    b"BEGIN:VEVENT",
    b"END:VEVENT",
    b"BEGIN:VTIMEZONE",
    b"END:VCALENDAR",
    b" folded continuation",
    b"\x00\xff\xfe",
]


@st.composite
def mutated_calendars(draw: st.DrawFn) -> bytes:
    lines = list(draw(st.sampled_from([SEED_LINES[:60], SEED_LINES[60:140], SEED_LINES])))
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(lines)))
        action = draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if action == "delete" and lines:
            del lines[min(position, len(lines) - 1)]
        elif action == "insert":
            lines.insert(position, draw(st.sampled_from(HOSTILE_LINES) | st.binary(max_size=40)))
        elif action == "duplicate" and lines:
            lines.insert(position, lines[min(position, len(lines) - 1)])
    body = b"\r\n".join(lines)
    body = body if body.startswith(b"BEGIN:VCALENDAR") else b"BEGIN:VCALENDAR\r\n" + body
    return body + b"\r\nEND:VCALENDAR\r\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_calendars())
def test_writing_into_a_mutated_calendar_never_loses_its_content(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fuzz.ics"
        path.write_bytes(data)
        calendar = open_calendar(path)
        try:
            results = calendar.write_own([PutOwn(a_call("e" * 32, reminder=timedelta(minutes=5)))])
        except BackendError:
            assert path.read_bytes() == data
            return
        assert results[0].ok
        write(calendar, RemoveOwn(OwnKind.CALL, "e" * 32))
        assert without_added_timezone(path.read_bytes(), data) == data
