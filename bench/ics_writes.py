"""Cost of the service's own writes into a large .ics calendar, and of the next read.

Builds a user calendar of ``--events`` ordinary events, then with the calls
written into that same file (the default ``calls_path``):

1. reads it once (cold);
2. writes ``--writes`` calls as one batch (``write_own``), or one call at a
   time on versions of the adapter that only have ``put_call``;
3. reads it again, as the next cycle does, and once more with nothing changed;
4. writes as many calls again, one batch of one each, each followed by a read;
5. reads the file with a new adapter (a restart).

Prints CPU (process) and wall times of each step. Asserts nothing.
Run: ``python bench/ics_writes.py --events 100000 --writes 50``; ``--repo PATH``
measures another checkout of the project (e.g. an older commit).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar_text(events: int, start: datetime) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN"]
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
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


class Timer:
    def __init__(self, label: str) -> None:
        self.label = label

    def __enter__(self) -> Timer:
        self.cpu, self.wall = time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *_: object) -> None:
        cpu, wall = time.process_time() - self.cpu, time.perf_counter() - self.wall
        print(f"{self.label:<44} cpu {cpu:8.2f} s   wall {wall:8.2f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--writes", type=int, default=50)
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args()
    sys.path.insert(0, str(args.repo))
    from integrations.ics import IcsCalendar

    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "calendar.ics"
        path.write_bytes(calendar_text(args.events, now - timedelta(hours=7 * args.events // 2)))

        def adapter() -> IcsCalendar:
            return IcsCalendar(path, default_tz=UTC, now=lambda: now)

        calendar = adapter()
        print(f"{args.events} events, {path.stat().st_size / 1e6:.1f} MB; {args.writes} calls")
        with Timer("changes() cold"):
            first = calendar.changes(None)
        starts = [now + timedelta(days=1 + n, hours=10) for n in range(2 * args.writes)]
        keys = [f"{n:032x}" for n in range(2 * args.writes)]
        if not hasattr(calendar, "write_own"):
            from daemon.domain.ports import CallEvent

            with Timer(f"put_call x {args.writes}"):
                for key, start in zip(keys[: args.writes], starts, strict=False):
                    call = CallEvent(key, start, start + timedelta(minutes=15), "Call", "tel:+1")
                    calendar.put_call(call)
            with Timer("changes() after the writes"):
                after = calendar.changes(first.checkpoint)
            print(f"listed: {len(first.events)} before, {len(after.events)} after")
            return

        from daemon.domain.model import OwnKind
        from daemon.domain.ports import OwnEvent, PutOwn

        writes = [
            PutOwn(
                OwnEvent(
                    OwnKind.CALL, key, start, start + timedelta(minutes=15), "Call", "tel:+1",
                    timedelta(minutes=10),
                )
            )
            for key, start in zip(keys, starts, strict=True)
        ]  # fmt: skip
        with Timer(f"write_own: one batch of {args.writes} puts"):
            calendar.write_own(writes[: args.writes])
        with Timer("changes() after the batch"):
            after = calendar.changes(first.checkpoint)
        with Timer("changes() idle"):
            calendar.changes(after.checkpoint)
        with Timer(f"{args.writes} x (write_own of 1 put + changes())"):
            for one in writes[args.writes :]:
                calendar.write_own([one])
                last = calendar.changes(None)
        with Timer("changes() cold, new adapter, with own events"):
            fresh = adapter().changes(None)
        assert fresh.checkpoint == last.checkpoint
        print(f"listed: {len(first.events)} before, {len(last.events)} after")


if __name__ == "__main__":
    main()
