"""Speed and memory of reading a large .ics calendar, against a bare parse of it.

The figure that matters is the ratio: ``IcsCalendar.changes()`` (everything
the service does to read the file) against the least any reader must do, a
bare ``icalendar.Calendar.from_ical`` plus ``recurring_ical_events``
expansion of the same window. Time is measured without tracemalloc (best of
a few runs); peak memory in a fresh subprocess per case, as its maximum
resident set size, so one case's garbage does not inflate the next.

Run with ``python bench/ics_load.py`` (10,000 and 100,000 events) or
``python bench/ics_load.py --events 20000``. It prints numbers and asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
#: The window IcsCalendar uses by default: 60 days back, 120 ahead (from midnight UTC).
WINDOW_START = datetime(2026, 10, 2, tzinfo=UTC)
WINDOW_END = datetime(2027, 3, 31, tzinfo=UTC)


def calendar_text(events: int) -> str:
    """A year and more of meetings, as ``bench/cycle.py`` writes them, 1 in 50 a weekly series.

    One in ten events is an interview with a description and attendees, the
    shape the service reads closely; series carry a TZID so that expansion
    and time-zone resolution are measured too.
    """
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//bench//EN",
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Berlin",
        "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
    start = NOW - timedelta(hours=7 * events // 2)

    def stamp(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    for n in range(events):
        begin = start + timedelta(hours=7 * n)
        lines += ["BEGIN:VEVENT", f"UID:event-{n}@bench", f"DTSTAMP:{stamp(start)}"]
        if n % 50 == 0:
            local = begin.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
            lines += [
                f"DTSTART;TZID=Europe/Berlin:{local}",
                "DURATION:PT30M",
                "RRULE:FREQ=WEEKLY;COUNT=40",
                f"SUMMARY:Weekly {n}",
            ]
        else:
            lines += [
                f"DTSTART:{stamp(begin)}",
                f"DTEND:{stamp(begin + timedelta(minutes=30))}",
                f"SUMMARY:Meeting {n}",
            ]
        if n % 10 == 0:
            lines += [
                "DESCRIPTION:Hiring manager: Dana Lee\\, dana@c.example\\, +1 617 555 0188\\n"
                f"Met: Sam Okafor (Engineer) <sam{n}@c.example>\\nHear back: in 2 weeks",
                f"ATTENDEE;CN=Dana Lee;PARTSTAT=ACCEPTED:mailto:dana{n}@c.example",
                f"ATTENDEE;CN=Sam Okafor;PARTSTAT=ACCEPTED:mailto:sam{n}@c.example",
            ]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def load_bare(path: Path) -> int:
    """The floor: parse the file and expand the window, nothing else."""
    import icalendar
    import recurring_ical_events

    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return len(recurring_ical_events.of(calendar).between(WINDOW_START, WINDOW_END))


def load_adapter(path: Path) -> int:
    """What the service does: ``IcsCalendar.changes()``, parse to ``CalendarEvent``."""
    from integrations.ics import IcsCalendar

    calendar = IcsCalendar(path, path.with_name("calls.ics"), now=lambda: NOW)
    return len(calendar.changes(None).events)


LOADERS = {"bare": load_bare, "adapter": load_adapter}


def timed(kind: str, path: Path, runs: int) -> tuple[float, float, int]:
    """Best CPU and wall-clock seconds of ``runs`` loads (CPU time is what load on a
    shared machine disturbs least), and the number of events read."""
    best_cpu, best_wall, count = float("inf"), float("inf"), 0
    for _ in range(runs):
        gc.collect()
        cpu, wall = time.process_time(), time.perf_counter()
        count = LOADERS[kind](path)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    return best_cpu, best_wall, count


#: Peak resident memory of this process image. Read from /proc, not ru_maxrss:
#: a child's ru_maxrss starts at its parent's size at fork, VmHWM at its own.
_PEAK = (
    "import re; print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))"
)


def peak_rss_mb(kind: str, path: Path) -> float:
    """Peak RSS of a fresh interpreter that does one load of ``kind``, in MB."""
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); sys.argv = ['x'];"
        "import bench.ics_load as b;"
        f"b.LOADERS[{kind!r}](b.Path({str(path)!r}));" + _PEAK
    )
    return _run(code)


def idle_rss_mb() -> float:
    """The RSS of an interpreter that has imported the libraries and read nothing."""
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r});"
        "import icalendar, recurring_ical_events;"
        "from integrations.ics import IcsCalendar;" + _PEAK
    )
    return _run(code)


def _run(code: str) -> float:
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout
    return float(output.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, action="append", help="calendar sizes to measure")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per case (best is kept)")
    args = parser.parse_args()
    sizes = args.events or [10_000, 100_000]
    print(f"interpreter after imports, nothing read: peak {idle_rss_mb():.0f} MB RSS")
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "calendar.ics"
            path.write_text(calendar_text(size))
            megabytes = path.stat().st_size / 1e6
            # Memory first, while this process is still small (it is not measured, but
            # the machine's memory is shared).
            bare_rss, adapter_rss = peak_rss_mb("bare", path), peak_rss_mb("adapter", path)
            runs = args.runs if size <= 20_000 else max(1, args.runs - 1)
            bare_cpu, bare_wall, bare_count = timed("bare", path, runs)
            cpu, wall, count = timed("adapter", path, runs)
        print(f"\n{size} events ({megabytes:.1f} MB file), best of {runs}, CPU (wall) seconds:")
        print(
            f"  bare parse + expansion: {bare_cpu:6.2f} s ({bare_wall:6.2f} s), "
            f"peak {bare_rss:4.0f} MB RSS ({bare_count} occurrences in the window)"
        )
        print(
            f"  IcsCalendar.changes():  {cpu:6.2f} s ({wall:6.2f} s), "
            f"peak {adapter_rss:4.0f} MB RSS ({count} events listed)"
        )
        print(
            f"  ratio: {cpu / bare_cpu:.2f}x the CPU time, {adapter_rss / bare_rss:.2f}x the memory"
        )


if __name__ == "__main__":
    main()
