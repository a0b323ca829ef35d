"""The checkpoint of a Google calendar listing: one sync token per calendar read.

Opaque to the core, which stores it and hands it back. It carries, per
calendar, Google's ``nextSyncToken`` (None: the next listing must be a full one),
how many events its last full listing had (to notice a full listing that comes
back empty or shrunken), and how many full listings in a row looked doubtful;
plus the window the full listings covered.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field, replace
from datetime import datetime

PREFIX = "google:1:"


@dataclass(frozen=True)
class CalendarSync:
    token: str | None = None
    #: Events in the last trusted full listing (None: never listed in full).
    full_count: int | None = None
    #: Full listings in a row that were smaller than ``full_count`` made believable.
    doubts: int = 0

    def needs_full(self) -> bool:
        return self.token is None


@dataclass(frozen=True)
class Checkpoint:
    window_start: datetime
    window_end: datetime
    calendars: dict[str, CalendarSync] = field(default_factory=dict)

    def encode(self) -> str:
        data = {
            "w": [self.window_start.isoformat(), self.window_end.isoformat()],
            "c": {
                calendar: [sync.token, sync.full_count, sync.doubts]
                for calendar, sync in sorted(self.calendars.items())
            },
        }
        text = json.dumps(data, separators=(",", ":"), sort_keys=True)
        return PREFIX + base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii")

    @classmethod
    def decode(cls, text: str | None) -> Checkpoint | None:
        """The checkpoint ``text`` names; None for anything that is not one of ours."""
        if not text or not text.startswith(PREFIX):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(text.removeprefix(PREFIX)))
            start, end = (datetime.fromisoformat(w) for w in data["w"])
            calendars = {
                str(calendar): CalendarSync(
                    token=token if isinstance(token, str) and token else None,
                    full_count=count if isinstance(count, int) else None,
                    doubts=doubts if isinstance(doubts, int) else 0,
                )
                for calendar, (token, count, doubts) in data["c"].items()
            }
        except (ValueError, KeyError, TypeError, binascii.Error):
            return None
        if start.tzinfo is None or end.tzinfo is None:
            return None
        return cls(start, end, calendars)

    def with_calendar(self, calendar: str, sync: CalendarSync) -> Checkpoint:
        return replace(self, calendars={**self.calendars, calendar: sync})
