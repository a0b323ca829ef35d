"""Where the memory of one cycle goes, in-process, with tracemalloc.

Builds the calendar of ``bench/generate.py`` and runs the engine in this process
(ics calendar, Maildir drafts, SQLite state) with tracemalloc on: good for
seeing what allocates, but tracemalloc slows the cycle 2.4–3.6×, so its times
are not the service's. The figures of record come from ``bench/run.py`` (``make
bench``), which runs the ``followup`` command itself. This script imports the
engine's modules and follows them as they move.
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

from generate import calendar_text  # noqa: E402

from daemon.app.config import load_settings  # noqa: E402
from daemon.app.wiring import build_engine, open_state  # noqa: E402


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
        f"first cycle:  {first_seconds:6.2f} s traced ({first.drafts_created} drafts, "
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
