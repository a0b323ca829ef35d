"""Speed and memory of one cycle on a large local calendar.

Builds an .ics calendar with a year of ordinary events and many interviews,
then runs the real engine (ics calendar, Maildir drafts, SQLite state) and
prints numbers: the first cycle (everything new), a steady cycle (nothing
changed), and peak memory. Run with ``make bench`` or
``python bench/cycle.py --interviews 300 --events 5000``.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from daemon.app.config import load_settings  # noqa: E402
from daemon.app.wiring import build_engine, open_state  # noqa: E402


def calendar_text(interviews: int, events: int, start: datetime) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN"]

    def stamp(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    for n in range(events):
        begin = start + timedelta(hours=7 * n)
        lines += [
            "BEGIN:VEVENT",
            f"UID:event-{n}@bench",
            f"DTSTAMP:{stamp(start)}",
            f"DTSTART:{stamp(begin)}",
            f"DTEND:{stamp(begin + timedelta(minutes=30))}",
            f"SUMMARY:Meeting {n}",
            "END:VEVENT",
        ]
    for n in range(interviews):
        begin = start + timedelta(hours=11 * n + 3)
        company = f"Firm{n % (interviews // 2 or 1)} Labs"
        lines += [
            "BEGIN:VEVENT",
            f"UID:interview-{n}@bench",
            f"DTSTAMP:{stamp(start)}",
            f"DTSTART:{stamp(begin)}",
            f"DTEND:{stamp(begin + timedelta(hours=1))}",
            f"SUMMARY:Interview – {company}",
            "DESCRIPTION:Hiring manager: Dana Lee\\, dana@c.example\\, +1 617 555 0188\\n"
            f"Met: Sam Okafor (Engineer) <sam{n}@c.example>\\nHear back: in 2 weeks",
            f"ATTENDEE;CN=Dana Lee;PARTSTAT=ACCEPTED:mailto:dana{n}@c.example",
            f"ATTENDEE;CN=Sam Okafor;PARTSTAT=ACCEPTED:mailto:sam{n}@c.example",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interviews", type=int, default=200)
    parser.add_argument("--events", type=int, default=3000)
    args = parser.parse_args()
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        start = now - timedelta(hours=11 * args.interviews + 24)
        (base / "calendar.ics").write_text(calendar_text(args.interviews, args.events, start))
        (base / "config.toml").write_text(
            '[profile]\nname = "Bench"\nemail = "me@example.com"\ntimezone = "UTC"\n'
            '[calendar]\nbackend = "ics"\npath = "calendar.ics"\ncalls_path = "calls.ics"\n'
            '[drafts]\nbackend = "maildir"\npath = "Drafts"\n'
            '[state]\npath = "state.sqlite3"\n'
            "[interviews]\nlookback_days = 400\n"
        )
        settings = load_settings(base / "config.toml", {"HOME": folder})
        store = open_state(settings)
        engine = build_engine(settings, store)
        size = (base / "calendar.ics").stat().st_size

        tracemalloc.start()
        began = time.perf_counter()
        first = engine.cycle(now)
        first_seconds = time.perf_counter() - began
        _, first_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()

        steady = []
        for minutes in (5, 10, 15):
            began = time.perf_counter()
            report = engine.cycle(now + timedelta(minutes=minutes))
            steady.append(time.perf_counter() - began)
            assert report.drafts_created == 0 and report.calls_created == 0
        _, steady_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        store.close()

    print(f"calendar: {args.events} events + {args.interviews} interviews, {size / 1e6:.1f} MB")
    print(
        f"first cycle:  {first_seconds:6.2f} s  ({first.drafts_created} drafts, "
        f"{first.calls_created} calls), peak traced memory {first_peak / 1e6:.1f} MB"
    )
    print(
        f"steady cycle: {min(steady):6.2f} s  (best of {len(steady)}, nothing new), "
        f"peak traced memory {steady_peak / 1e6:.1f} MB"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max RSS of the process: {rss:.0f} MB")


if __name__ == "__main__":
    main()
