"""Calendar times: EventDateTime objects, RFC 3339 stamps, and RRULE expansion.

An `EventDateTime` is `{"dateTime": RFC3339, "timeZone"?}` for a timed event or `{"date":
"YYYY-MM-DD"}` for an all-day one. All-day events are placed in the calendar's time zone when
compared with `timeMin`/`timeMax`. Recurring series are expanded with python-dateutil's rrule in
the series' own time zone, so instances keep their wall-clock time across DST changes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rruleset, rrulestr

from .errors import bad_request


def rfc3339(moment: datetime) -> str:
    """Google's own stamp style: UTC, milliseconds, "Z"."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def zone(name: str | None, fallback: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or fallback)
    except (ZoneInfoNotFoundError, ValueError):
        raise bad_request(
            f"Invalid time zone definition: {name}", reason="timeZoneInvalid"
        ) from None


def event_time(value: datetime | date, time_zone: str | None = None) -> dict[str, str]:
    """An EventDateTime from a Python value (aware datetime, or date for all-day)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("event times must be timezone-aware")
        out = {"dateTime": value.isoformat()}
        name = time_zone or getattr(value.tzinfo, "key", None)
        if name:
            out["timeZone"] = name
        return out
    return {"date": value.isoformat()}


def moment(value: Mapping[str, Any], calendar_zone: str, what: str) -> datetime:
    """The instant an EventDateTime stands for; 400 when it is not a valid one."""
    if not isinstance(value, Mapping):
        raise bad_request(f"Invalid {what} time.", location=what)
    has_date, has_time = value.get("date") is not None, value.get("dateTime") is not None
    if has_date == has_time:
        raise bad_request(f"Invalid {what} time.", location=what)
    if has_date:
        day = date.fromisoformat(value["date"])
        return datetime(
            day.year, day.month, day.day, tzinfo=zone(value.get("timeZone"), calendar_zone)
        )
    try:
        parsed = datetime.fromisoformat(value["dateTime"])
    except ValueError:
        raise bad_request(f"Invalid {what} time.", location=what) from None
    if parsed.tzinfo is None:
        if not value.get("timeZone"):
            raise bad_request(f"Missing time zone definition for {what} time.", reason="required")
        parsed = parsed.replace(tzinfo=zone(value["timeZone"], calendar_zone))
    elif value.get("timeZone"):
        zone(value["timeZone"], calendar_zone)
    return parsed


def is_all_day(value: Mapping[str, Any]) -> bool:
    return value.get("date") is not None


def local_start(value: Mapping[str, Any], calendar_zone: str) -> datetime:
    """The start in the event's own zone: the wall clock an RRULE repeats."""
    start = moment(value, calendar_zone, "start")
    if is_all_day(value):
        return start.replace(tzinfo=None)
    return start.astimezone(zone(value.get("timeZone"), calendar_zone))


def instance_suffix(original: datetime, all_day: bool) -> str:
    """`_20261201T090000Z` for timed instances, `_20261201` for all-day ones."""
    if all_day:
        return original.strftime("%Y%m%d")
    return original.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def shifted(value: Mapping[str, Any], when: datetime, all_day: bool) -> dict[str, Any]:
    """An EventDateTime like `value` but at `when` (local to the series)."""
    out = {k: v for k, v in value.items() if k not in ("date", "dateTime")}
    if all_day:
        out["date"] = when.date().isoformat()
    else:
        out["dateTime"] = when.isoformat()
    return out


def occurrences(
    recurrence: list[str],
    start: Mapping[str, Any],
    calendar_zone: str,
    until: datetime,
) -> Iterator[datetime]:
    """Original starts of a series (in the series' zone, naive for all-day), up to `until`."""
    dtstart = local_start(start, calendar_zone)
    lines = [line for line in recurrence if line.split(":", 1)[0].split(";", 1)[0] in _RULE_NAMES]
    try:
        rules = rrulestr("\n".join(lines), dtstart=dtstart, forceset=True)
    except (ValueError, TypeError) as error:
        raise bad_request(f"Invalid recurrence rule: {error}", reason="invalid") from None
    assert isinstance(rules, rruleset)
    limit = until.replace(tzinfo=None) if dtstart.tzinfo is None else until
    try:
        for when in rules:
            if when > limit:
                return
            yield when
    except (ValueError, TypeError) as error:
        raise bad_request(f"Invalid recurrence rule: {error}", reason="invalid") from None


_RULE_NAMES = {"RRULE", "EXRULE", "RDATE", "EXDATE"}


def validate_recurrence(
    recurrence: list[str], start: Mapping[str, Any], calendar_zone: str
) -> None:
    """Reject what Google rejects: unknown lines, bad rules, timed series without a time zone."""
    for line in recurrence:
        if line.split(":", 1)[0].split(";", 1)[0] not in _RULE_NAMES:
            raise bad_request(f"Invalid recurrence rule: {line}", reason="invalid")
    if not is_all_day(start) and not start.get("timeZone"):
        raise bad_request("Missing time zone definition for start time.", reason="missingTimeZone")
    far = datetime(9999, 1, 1, tzinfo=UTC)
    next(occurrences(recurrence, start, calendar_zone, far), None)


DAY = timedelta(days=1)
