"""From parsed iCalendar components to the core's ``CalendarEvent``.

Rules that the files leave open, decided here:

* Floating times (no TZID, no ``Z``) and date-only values are read in the
  calendar's zone: ``X-WR-TIMEZONE`` when the file has a valid one (Google
  exports), else the user's zone.
* A TZID without a VTIMEZONE that icalendar does not know is looked up by
  ``zones.tzid_zone`` (Outlook's display names, ``tzone://Microsoft/Utc``);
  one that names no zone at all is read in the calendar's zone too, and
  logged as a warning, since the event is still read (``skipped`` means
  "not read") but may be at the wrong time.
* A single event is listed whatever its date, so an interview from months
  ago is still seen. A recurring series is expanded only within the window,
  and each occurrence gets its own uid: ``<UID>#<recurrence id in UTC>``.
* A missing DTEND means DTSTART + DURATION, else one day for a date and no
  time for a date-time (RFC 5545 3.6.1); an end before the start is read as
  the start.
* Every event is converted inside its own error boundary: a bad one is
  reported in ``skipped`` and the rest are read.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import x_wr_timezone

from daemon.domain.model import Attendee, CalendarEvent, EventId, EventStatus, PartStat
from integrations.ics.calls import KEY_PROPERTY, KIND_PROPERTY, own_tag_of
from integrations.ics.layout import unescape_text
from integrations.ics.parsing import PARSE_ERRORS, clean, describe_error
from integrations.ics.recurrence import MAX_OCCURRENCES, Refused, expand
from integrations.ics.zones import safe_zone, tzid_zone

#: Bounds on what one event may hand the core (the file is bounded as a whole).
MAX_TITLE_CHARS = 2_000
MAX_DESCRIPTION_CHARS = 100_000
_RESOURCE_TYPES = {"ROOM", "RESOURCE"}
#: Properties without which an event's time is unknown: a parse error in one skips the event.
_TIME_PROPERTIES = {"DTSTART", "DTEND", "DURATION", "RECURRENCE-ID"}
#: Properties whose date-times can carry a TZID that is resolved here.
_ZONED_PROPERTIES = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Window:
    """Where recurring series are expanded."""

    start: datetime
    end: datetime


@dataclass
class Reading:
    events: list[CalendarEvent] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def read_events(calendar: icalendar.Calendar, default_zone: tzinfo, window: Window) -> Reading:
    """Every event of ``calendar``, recurring series expanded within ``window``."""
    reading = Reading()
    zone = _calendar_zone(calendar, default_zone)
    _resolve_tzids(calendar, zone)
    calendar = _to_standard(calendar, zone)
    series: dict[str, list[icalendar.Component]] = defaultdict(list)
    for component in calendar.subcomponents:
        if component.name != "VEVENT":
            continue
        try:
            uid = _text(component, "UID")
        except PARSE_ERRORS as error:
            reading.skipped.append((_label(component), describe_error(error)))
            continue
        if not uid:
            reading.skipped.append((_label(component), "no UID: it could not be followed reliably"))
            continue
        series[uid].append(component)

    for uid, components in series.items():
        try:
            if any(_recurs(component) for component in components):
                reading.events.extend(_occurrences(uid, components, zone, window, reading.skipped))
            else:
                reading.events.append(_event(EventId(uid), _latest(components), zone))
        except PARSE_ERRORS as error:
            reading.skipped.append((clean(uid), describe_error(error)))
    return reading


def _calendar_zone(calendar: icalendar.Calendar, default_zone: tzinfo) -> tzinfo:
    name = calendar.get("X-WR-TIMEZONE")
    zone = safe_zone(str(name)) if name is not None else None
    return zone or default_zone


def _resolve_tzids(calendar: icalendar.Calendar, zone: tzinfo) -> None:
    """Give the times whose TZID icalendar left unresolved the zone ``tzid_zone`` finds.

    icalendar hands such a time back as a naive datetime, which would then be
    read in ``zone``. This runs before recurrence expansion and X-WR-TIMEZONE,
    so a series in "(UTC-05:00) Eastern Time (US & Canada)" follows US DST.
    """
    fallbacks: dict[str, str] = {}
    for component in calendar.walk("VEVENT"):
        for name in _ZONED_PROPERTIES:
            values = component.get(name)
            for value in values if isinstance(values, list) else [values]:
                try:
                    _resolve_value(value, zone, fallbacks)
                except PARSE_ERRORS:
                    continue  # a broken value is reported when the event is read
    for tzid, how in fallbacks.items():
        log.warning("time zone %r has no VTIMEZONE and is not known: %s", clean(tzid), how)


def _resolve_value(value: Any, zone: tzinfo, fallbacks: dict[str, str]) -> None:
    params = getattr(value, "params", None)
    tzid = params.get("TZID") if params is not None else None
    if not isinstance(tzid, str) or not tzid:
        return
    # vDDDTypes holds one time in .dt; vDDDLists (EXDATE, RDATE) several in .dts.
    holders = value.dts if hasattr(value, "dts") and not hasattr(value, "dt") else [value]
    naive = [
        holder for holder in holders if isinstance(holder.dt, datetime) and holder.dt.tzinfo is None
    ]
    if not naive:
        return
    found = tzid_zone(tzid)
    if found is None:
        fallbacks[tzid] = f"read in {zone}"
        return
    if not isinstance(found, ZoneInfo) and found is not UTC:
        fallbacks[tzid] = f"read at its fixed offset {found}, without daylight-saving time"
    for holder in naive:
        holder.dt = holder.dt.replace(tzinfo=found)


def _to_standard(calendar: icalendar.Calendar, zone: tzinfo) -> icalendar.Calendar:
    """Apply X-WR-TIMEZONE the way Google means it (UTC and floating times in that zone).

    It matters for recurring series: Google writes their DTSTART in UTC, and a
    weekly 10:00 meeting must stay at 10:00 local time across a DST change.
    """
    if calendar.get("X-WR-TIMEZONE") is None:
        return calendar
    try:
        standard: icalendar.Calendar = x_wr_timezone.to_standard(calendar, timezone=zone)
        return standard
    except PARSE_ERRORS:
        # One broken value spoils the conversion of the whole file; reading the
        # times as they are is still right for every single (non-recurring) event.
        return calendar


def _recurs(component: icalendar.Component) -> bool:
    return any(prop in component for prop in ("RRULE", "RDATE", "RECURRENCE-ID"))


def _latest(components: list[icalendar.Component]) -> icalendar.Component:
    """Of several events sharing one UID, the one with the highest SEQUENCE (then the last)."""

    def sequence(component: icalendar.Component) -> int:
        try:
            return int(component.get("SEQUENCE", 0))
        except (TypeError, ValueError):
            return 0

    return max(reversed(components), key=sequence)


def _occurrences(
    uid: str,
    components: list[icalendar.Component],
    zone: tzinfo,
    window: Window,
    skipped: list[tuple[str, str]],
) -> list[CalendarEvent]:
    try:
        occurrences, cut_off = expand(components, window.start, window.end)
    except Refused as refusal:
        skipped.append((clean(uid), str(refusal)))
        return []
    if cut_off:
        reason = f"more than {MAX_OCCURRENCES} occurrences in the window; the rest not read"
        skipped.append((clean(uid), reason))
    events: list[CalendarEvent] = []
    for occurrence in occurrences:
        instance = EventId(uid, _recurrence_id(occurrence, zone))
        try:
            events.append(_event(instance, occurrence, zone))
        except PARSE_ERRORS as error:
            skipped.append((clean(str(instance)), describe_error(error)))
    return events


def _recurrence_id(occurrence: icalendar.Component, zone: tzinfo) -> str:
    value = occurrence.decoded("RECURRENCE-ID")
    if isinstance(value, datetime):
        return _moment(value, zone).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value.isoformat())


def _event(event_id: EventId, component: icalendar.Component, zone: tzinfo) -> CalendarEvent:
    if "DTSTART" not in component:
        raise ValueError("no DTSTART")
    for name, problem in getattr(component, "errors", ()):
        if name in _TIME_PROPERTIES:
            raise ValueError(f"{name}: {problem}")
    raw_start = component.decoded("DTSTART")
    all_day = not isinstance(raw_start, datetime)
    start = _moment(raw_start, zone)
    end = _end(component, raw_start, start, zone)
    return CalendarEvent(
        id=event_id,
        title=_text(component, "SUMMARY")[:MAX_TITLE_CHARS],
        start=start,
        end=max(end, start),
        description=_text(component, "DESCRIPTION")[:MAX_DESCRIPTION_CHARS],
        all_day=all_day,
        status=_status(component),
        attendees=tuple(_attendees(component)),
        organizer=_address(component.get("ORGANIZER")),
        own=own_tag_of(
            event_id.series,
            _own_property(component, KEY_PROPERTY),
            _own_property(component, KIND_PROPERTY),
        ),
    )


def _end(
    component: icalendar.Component, raw_start: date, start: datetime, zone: tzinfo
) -> datetime:
    if "DTEND" in component:
        return _moment(component.decoded("DTEND"), zone)
    duration = component.decoded("DURATION") if "DURATION" in component else None
    timed = isinstance(raw_start, datetime)
    if isinstance(duration, timedelta):
        # Aware arithmetic is wall-clock time in the event's zone, as RFC 5545
        # wants for a duration in days; a date plus a duration stays a date.
        return start + duration if timed else _moment(raw_start + duration, zone)
    return start if timed else start + timedelta(days=1)


def _moment(value: Any, zone: tzinfo) -> datetime:
    """A DTSTART/DTEND value as an aware datetime; dates are midnight in ``zone``."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return value.replace(tzinfo=zone)
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=zone)
    raise ValueError(f"not a date or time: {type(value).__name__}")


def _status(component: icalendar.Component) -> EventStatus:
    try:
        return EventStatus(_text(component, "STATUS").strip().upper())
    except ValueError:
        return EventStatus.CONFIRMED


def _attendees(component: icalendar.Component) -> Iterable[Attendee]:
    values = component.get("ATTENDEE")
    for value in values if isinstance(values, list) else [values] if values is not None else []:
        email = _address(value)
        params = getattr(value, "params", {})
        try:
            partstat = PartStat(_param(params, "PARTSTAT").upper())
        except ValueError:
            partstat = PartStat.NEEDS_ACTION
        yield Attendee(
            email=email,
            name=_param(params, "CN"),
            partstat=partstat,
            resource=_param(params, "CUTYPE").upper() in _RESOURCE_TYPES,
        )


def _address(value: Any) -> str:
    """A CAL-ADDRESS without its ``mailto:`` scheme (any case)."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    text = str(value).strip()
    if text[:7].lower() == "mailto:":
        text = text[7:]
    return text.strip()


def _param(params: Any, name: str) -> str:
    value = params.get(name, "") if hasattr(params, "get") else ""
    if isinstance(value, list | tuple):
        value = ",".join(str(item) for item in value)
    return str(value).strip()


def _text(component: icalendar.Component, name: str) -> str:
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return "" if value is None else str(value)


def _own_property(component: icalendar.Component, name: str) -> str | None:
    value = component.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        value = value[0] if value else ""
    # icalendar hands unknown X- properties back as written; the writer escapes them as TEXT.
    raw = value.to_ical() if hasattr(value, "to_ical") else value
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return unescape_text(text)


def _label(component: icalendar.Component) -> str:
    """How an event without a usable UID is named in a report."""
    try:
        return clean(_text(component, "SUMMARY")) or "event without UID or SUMMARY"
    except PARSE_ERRORS:
        return "event without a readable UID or SUMMARY"
