"""Generated worlds for the benchmarks: a calendar, a Maildir, a config and a state path.

The calendar is the one ``bench/cycle.py`` always built, so figures stay comparable
with the ones quoted in the issues: ordinary 30-minute events every 7 hours, and
interviews every 11 hours, each with notes (a hiring manager with an address and a
phone number, a person met, a hear-back span) and two attendees. Companies repeat
once (``Firm{n mod n/2}``), so n interviews make n/2 applications: 2·n drafts and
n/2 follow-up calls.

Everything here is plain files and text; nothing of the project is imported, so
the generator keeps working whatever the core's modules are called.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

#: The moment every benchmark cycle pretends it is (``once --now``).
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
#: Hours between two generated interviews and between two ordinary events.
INTERVIEW_SPACING_HOURS = 11
EVENT_SPACING_HOURS = 7


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def interview_lines(
    n: int, interviews: int, start: datetime, company: str | None = None
) -> list[str]:
    """One interview event, as ``bench/cycle.py`` wrote it."""
    begin = start + timedelta(hours=INTERVIEW_SPACING_HOURS * n + 3)
    company = company or f"Firm{n % (interviews // 2 or 1)} Labs"
    return [
        "BEGIN:VEVENT",
        f"UID:interview-{n}@bench",
        f"DTSTAMP:{_stamp(start)}",
        f"DTSTART:{_stamp(begin)}",
        f"DTEND:{_stamp(begin + timedelta(hours=1))}",
        f"SUMMARY:Interview – {company}",
        "DESCRIPTION:Hiring manager: Dana Lee\\, dana@c.example\\, +1 617 555 0188\\n"
        f"Met: Sam Okafor (Engineer) <sam{n}@c.example>\\nHear back: in 2 weeks",
        f"ATTENDEE;CN=Dana Lee;PARTSTAT=ACCEPTED:mailto:dana{n}@c.example",
        f"ATTENDEE;CN=Sam Okafor;PARTSTAT=ACCEPTED:mailto:sam{n}@c.example",
        "END:VEVENT",
    ]


def event_lines(n: int, start: datetime) -> list[str]:
    begin = start + timedelta(hours=EVENT_SPACING_HOURS * n)
    return [
        "BEGIN:VEVENT",
        f"UID:event-{n}@bench",
        f"DTSTAMP:{_stamp(start)}",
        f"DTSTART:{_stamp(begin)}",
        f"DTEND:{_stamp(begin + timedelta(minutes=30))}",
        f"SUMMARY:Meeting {n}",
        "END:VEVENT",
    ]


def calendar_text(interviews: int, events: int, start: datetime) -> str:
    """A whole calendar: ``events`` ordinary events, then ``interviews`` interviews."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN"]
    for n in range(events):
        lines += event_lines(n, start)
    for n in range(interviews):
        lines += interview_lines(n, interviews, start)
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def first_moment(interviews: int, now: datetime = NOW) -> datetime:
    """Where the calendar starts: the last interview ends 31 hours before ``now``."""
    return now - timedelta(hours=INTERVIEW_SPACING_HOURS * interviews + 24)


@dataclass(frozen=True)
class World:
    """A folder holding everything one service instance reads and writes."""

    root: Path
    interviews: int
    events: int
    calls_in_calendar: bool

    @property
    def config(self) -> Path:
        return self.root / "config.toml"

    @property
    def calendar_dir(self) -> Path:
        # Calendar and calls file apart from the state file, so that watching this
        # folder sees the calendar files only, not SQLite's journal traffic.
        return self.root / "calendar"

    @property
    def calendar(self) -> Path:
        return self.calendar_dir / "calendar.ics"

    @property
    def calls(self) -> Path:
        return self.calendar if self.calls_in_calendar else self.calendar_dir / "calls.ics"

    @property
    def drafts(self) -> Path:
        return self.root / "Drafts"

    @property
    def state(self) -> Path:
        return self.root / "state" / "state.sqlite3"

    def copy(self, target: Path) -> World:
        """The same world in ``target`` (which must not exist): one run never sees another's."""
        shutil.copytree(self.root, target, symlinks=True)
        return World(target, self.interviews, self.events, self.calls_in_calendar)


def config_text(interviews: int, calls_in_calendar: bool, now: datetime = NOW) -> str:
    """The config a user of the local backends writes (relative paths: the file's folder)."""
    # Every generated interview is new to the service, however old: drafts for all.
    lookback = math.ceil((now - first_moment(interviews, now)) / timedelta(days=1)) + 2
    calls = "" if calls_in_calendar else 'calls_path = "calendar/calls.ics"\n'
    return (
        '[profile]\nname = "Bench"\nemail = "me@example.com"\ntimezone = "UTC"\n'
        f'[calendar]\nbackend = "ics"\npath = "calendar/calendar.ics"\n{calls}'
        '[drafts]\nbackend = "maildir"\npath = "Drafts"\n'
        '[state]\npath = "state/state.sqlite3"\n'
        f"[interviews]\nlookback_days = {lookback}\n"
    )


def build_world(
    root: Path, interviews: int, events: int, *, calls_in_calendar: bool = False
) -> World:
    """Write a fresh world into ``root`` (created): nothing has run on it yet."""
    world = World(root, interviews, events, calls_in_calendar)
    world.calendar_dir.mkdir(parents=True)
    world.state.parent.mkdir(mode=0o700)
    for sub in ("cur", "new", "tmp"):
        (world.drafts / sub).mkdir(parents=True, mode=0o700)
    world.calendar.write_text(
        calendar_text(interviews, events, first_moment(interviews)), encoding="utf-8", newline=""
    )
    world.config.write_text(config_text(interviews, calls_in_calendar), encoding="utf-8")
    return world


def edit_one_interview(world: World) -> None:
    """The user adds a line to the notes of the latest interview, in place, as an app would."""
    data = world.calendar.read_bytes()
    uid = f"UID:interview-{world.interviews - 1}@bench\r\n".encode()
    at = data.index(uid)
    end = data.index(b"\r\n", data.index(b"\r\nDESCRIPTION:", at) + 2)
    added = b"\\nDiscussed: the batch-to-streaming migration"
    world.calendar.write_bytes(data[:end] + added + data[end:])


def add_one_interview(world: World, now: datetime = NOW) -> None:
    """A new interview with a new company, ended two hours ago: two drafts and one call."""
    data = world.calendar.read_bytes()
    start = now - timedelta(hours=INTERVIEW_SPACING_HOURS * world.interviews + 6)
    lines = interview_lines(world.interviews, world.interviews, start, company="Newco Systems")
    block = ("\r\n".join(lines) + "\r\n").encode()
    end = data.rindex(b"END:VCALENDAR")
    world.calendar.write_bytes(data[:end] + block + data[end:])
