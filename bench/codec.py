"""Speed of the state store's codec on a large event cache.

The event cache holds every calendar event, so the codec runs over all of
them whenever the cache is filled or read. This builds ``--events`` calendar
events like a real calendar's (a zone-aware time, a few attendees, some with
notes, a share of recurring occurrences and of the service's own calls) and
prints events per second for encoding and decoding, beside a hand-written
encoder of the same fields as a floor to compare with. It asserts nothing.
Run with ``python bench/codec.py --events 100000``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from daemon.domain.model import (  # noqa: E402
    Attendee,
    CalendarEvent,
    EventId,
    EventStatus,
    OwnKind,
    OwnTag,
    PartStat,
)
from daemon.store.codec import event_from_json, event_to_json  # noqa: E402

ZONE = ZoneInfo("Europe/Berlin")


def events(count: int) -> list[CalendarEvent]:
    start = datetime(2026, 1, 5, 9, tzinfo=ZONE)
    out = []
    for n in range(count):
        begin = start + timedelta(hours=7 * n)
        occurrence = begin.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if n % 5 == 0 else ""
        out.append(
            CalendarEvent(
                id=EventId(f"event-{n // 5 if occurrence else n}@bench", occurrence),
                title=f"Meeting {n} – Ünïcode",
                start=begin,
                end=begin + timedelta(minutes=30),
                description="Company: Acme\nMet: Sam Okafor <sam@acme.example>" if n % 3 else "",
                status=EventStatus.TENTATIVE if n % 7 == 0 else EventStatus.CONFIRMED,
                attendees=tuple(
                    Attendee(f"person{n}.{i}@example.com", f"Person {i}", PartStat.ACCEPTED)
                    for i in range(n % 4)
                ),
                organizer="dana@acme.example",
                own=OwnTag(OwnKind.CALL, f"call-{n}") if n % 50 == 0 else None,
            )
        )
    return out


def hand_written(event: CalendarEvent) -> str:
    """The same fields listed by hand, the way the codec used to be written."""
    data: dict[str, Any] = {
        "id": {"series": event.id.series, "occurrence": event.id.occurrence},
        "title": event.title,
        "start": event.start.astimezone(UTC).isoformat(),
        "end": event.end.astimezone(UTC).isoformat(),
        "description": event.description,
        "all_day": event.all_day,
        "status": event.status.value,
        "attendees": [
            {"email": a.email, "name": a.name, "partstat": a.partstat.value, "resource": a.resource}
            for a in event.attendees
        ],
        "organizer": event.organizer,
        "own": {"kind": event.own.kind.value, "key": event.own.key} if event.own else None,
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def read_by_hand(text: str) -> CalendarEvent:
    """The same fields read back by hand, the way the codec used to be written."""
    data = json.loads(text)
    own = data.get("own")
    return CalendarEvent(
        id=EventId(data["id"]["series"], data["id"].get("occurrence", "")),
        title=data["title"],
        start=datetime.fromisoformat(data["start"].partition("[")[0]),
        end=datetime.fromisoformat(data["end"].partition("[")[0]),
        description=data.get("description", ""),
        all_day=bool(data.get("all_day", False)),
        status=EventStatus(data.get("status", EventStatus.CONFIRMED.value)),
        attendees=tuple(
            Attendee(
                email=a["email"],
                name=a.get("name", ""),
                partstat=PartStat(a.get("partstat", PartStat.NEEDS_ACTION.value)),
                resource=bool(a.get("resource", False)),
            )
            for a in data.get("attendees", ())
        ),
        organizer=data.get("organizer", ""),
        own=OwnTag(OwnKind(own["kind"]), own["key"]) if own else None,
    )


def rate(label: str, count: int, runs: int, work: Callable[[], object]) -> None:
    times = []
    for _ in range(runs):
        began = time.process_time()
        work()
        times.append(time.process_time() - began)
    median = statistics.median(times)
    print(f"{label:<34} {count / median:>12,.0f} events/s  ({median:.3f} s CPU, median of {runs})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    listed = events(args.events)
    texts = [event_to_json(event) for event in listed]
    print(f"{args.events:,} events, {sum(map(len, texts)) / len(texts):.0f} characters each")
    measured: list[tuple[str, Callable[[Any], object], list[Any]]] = [
        ("encode (event_to_json)", event_to_json, listed),
        ("decode (event_from_json)", event_from_json, texts),
        ("encode by hand (reference)", hand_written, listed),
        ("decode by hand (reference)", read_by_hand, texts),
        ("json.loads alone (reference)", json.loads, texts),
    ]
    for label, function, inputs in measured:
        rate(label, args.events, args.runs, lambda f=function, i=inputs: list(map(f, i)))


if __name__ == "__main__":
    main()
