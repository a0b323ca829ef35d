"""Small builders for tests that talk to the stand-in: times, event bodies, error reasons."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from googleapiclient.errors import HttpError

BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def timed(text: str) -> dict[str, str]:
    return {"dateTime": at(text).isoformat(), "timeZone": "Europe/Berlin"}


def body(event_id: str | None = None, **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "summary": "Call Ann",
        "start": timed("2026-12-01 10:00"),
        "end": timed("2026-12-01 10:30"),
        **fields,
    }
    if event_id is not None:
        out["id"] = event_id
    return out


def reason(error: HttpError) -> str:
    return str(json.loads(error.content)["error"]["errors"][0]["reason"])
