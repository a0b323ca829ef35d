"""From the text of .ics files to the core's ``CalendarEvent`` and ``Skipped``.

Rules that the files leave open, decided here:

* Floating times (no TZID, no ``Z``) and date-only values are read in the
  calendar's zone: ``X-WR-TIMEZONE`` when the file has a valid one (Google
  exports), else the user's zone.
* A TZID without a VTIMEZONE that icalendar does not know is looked up by
  ``zones.tzid_zone`` (Outlook's display names, ``tzone://Microsoft/Utc``).
  A Windows display name that names no zone is reported (the event is not
  read an hour off in summer); any other TZID that names no zone is read in
  the calendar's zone and logged as a warning.
* A single event is listed whatever its date, so an interview from months
  ago is still seen. A recurring series is expanded only within the window,
  and each occurrence is named by the series UID and its *own* original
  start (``EventId(uid, "2025-03-04T16:00:00Z")``): for an occurrence moved by
  a ``RANGE=THISANDFUTURE`` edit that is its start before the move, not the
  edit's RECURRENCE-ID, which recurring-ical-events copies onto every later
  occurrence.
* A missing DTEND means DTSTART + DURATION, else one day for a date and no
  time for a date-time (RFC 5545 3.6.1); an end before the start is read as
  the start.
* Of several events sharing one UID (and no recurrence), the highest
  SEQUENCE wins, then the last one in the file.
* Every event is read inside its own error boundary. What cannot be read is
  reported as ``Skipped`` with a sentence a user can act on, and with the
  ``EventId`` it concerns: the whole series (``EventId(uid)``, which covers
  every occurrence) when a series cannot be read, the occurrence alone when
  only it cannot, so that the core never takes an unreadable event for a
  deleted one.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import x_wr_timezone
from icalendar.timezone import tzp

from daemon.domain.model import Attendee, CalendarEvent, EventId, EventStatus, PartStat
from daemon.domain.ports import Skipped
from integrations.ics.calls import KEY_PROPERTY, KIND_PROPERTY, own_tag_of
from integrations.ics.layout import unescape_text
from integrations.ics.parsing import (
    PARSE_ERRORS,
    CalendarText,
    Scanned,
    Span,
    clean,
    parse_component,
    parse_shell,
    raw_line,
    raw_value,
    recurs,
    scan,
)
from integrations.ics.reasons import PROPERTY_WORDS, Unreadable, explain
from integrations.ics.recurrence import MAX_OCCURRENCES, Refused, expand
from integrations.ics.zones import is_display_name, safe_zone, tzid_zone

#: Bounds on what one event may hand the core (the file is bounded as a whole).
MAX_TITLE_CHARS = 2_000
MAX_DESCRIPTION_CHARS = 100_000
_RESOURCE_TYPES = {"ROOM", "RESOURCE"}
#: Properties without which an event's time is unknown: a parse error in one skips the event.
_TIME_PROPERTIES = {"DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "RRULE", "RDATE", "EXDATE"}
#: Properties whose date-times can carry a TZID that is resolved here.
_ZONED_PROPERTIES = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")
_UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Window:
    """Where recurring series are expanded."""

    start: datetime
    end: datetime


@dataclass
class Reading:
    events: list[CalendarEvent] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def read_sources(
    sources: Iterable[tuple[bytes, str]], default_zone: tzinfo, window: Window
) -> Reading:
    """Every event of every source (bytes, name), in order; the first event with an id wins.

    Raises ``BackendError`` when a source is not a whole iCalendar file.
    """
    reading = Reading()
    seen: set[EventId] = set()
    for data, name in sources:
        one = read_file(data, name, default_zone, window)
        reading.skipped.extend(one.skipped)
        for event in one.events:
            if event.id not in seen:
                seen.add(event.id)
                reading.events.append(event)
    return reading


def read_file(data: bytes, name: str, default_zone: tzinfo, window: Window) -> Reading:
    """The events of one file; raises ``BackendError`` if it is not a whole iCalendar file."""
    scanned = scan(data, name)
    reading = Reading()
    for note in scanned.notes:
        reading.skipped.append(Skipped(f"calendar file {name}", f"The file {note}."))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Cached VTIMEZONE definitions are global in icalendar and keyed by TZID
        # alone; start each file afresh so an edited or foreign "Customized Time
        # Zone" never lends its offsets to this one. All of the file's time zones
        # are parsed before any event, wherever they stand.
        tzp.use_zoneinfo()
        for calendar in scanned.calendars:
            for span in calendar.timezones:
                _parse_timezone(scanned, span, default_zone, reading.skipped)
        for calendar in scanned.calendars:
            _FileReader(scanned, calendar, name, default_zone, window, reading).read()
    return reading


def _parse_timezone(
    scanned: Scanned, span: Span, default_zone: tzinfo, skipped: list[Skipped]
) -> None:
    text = scanned.component_text(span)
    try:
        parse_component(text)
    except PARSE_ERRORS:
        tzid = raw_value(text, "TZID") or ""
        # A definition icalendar cannot use (libical's TZID-ALIAS-OF, TZUNTIL, ...)
        # does not matter when its name is a zone that is known anyway.
        if tzid_zone(tzid) is None:
            skipped.append(
                Skipped(
                    f"time zone {clean(tzid) or '?'}",
                    "Its definition (VTIMEZONE) could not be read and its name is no known "
                    f"time zone, so times in it are read in {default_zone}.",
                )
            )


class _FileReader:
    """The events of one VCALENDAR of a file."""

    def __init__(
        self,
        scanned: Scanned,
        calendar: CalendarText,
        name: str,
        default_zone: tzinfo,
        window: Window,
        reading: Reading,
    ) -> None:
        self.scanned = scanned
        self.calendar = calendar
        self.name = name
        self.window = window
        self.reading = reading
        self.skipped = reading.skipped
        self.zone, self.x_wr_timezone = self._calendar_zone(default_zone)
        #: TZIDs read in a fallback zone, and how: logged once per calendar.
        self.fallbacks: dict[str, str] = {}

    def read(self) -> None:
        if self.calendar.outside and self.calendar.events:
            log.warning(
                "%s: %d event(s) stand outside any VCALENDAR; read all the same",
                self.name,
                len(self.calendar.events),
            )
        groups: dict[str, list[tuple[Span, str]]] = {}
        for number, span in enumerate(self.calendar.events, start=1):
            text = self.scanned.component_text(span)
            uid = (raw_value(text, "UID") or "").strip()
            if not uid:
                self.skipped.append(
                    Skipped(
                        self._label(number, text),
                        "It has no UID, so it cannot be followed from one reading to the "
                        "next; give the event a UID (re-saving it in a calendar app does).",
                    )
                )
                continue
            groups.setdefault(uid, []).append((span, text))
            del text
        for uid, members in groups.items():
            if len(members) == 1 and not recurs(members[0][1]):
                self._single(uid, members[0][1])
            elif any(recurs(text) for _, text in members):
                self._series(uid, [text for _, text in members])
            else:
                self._duplicates(uid, [text for _, text in members])
        for tzid, how in self.fallbacks.items():
            log.warning("time zone %r has no VTIMEZONE and is not known: %s", clean(tzid), how)

    # -- the calendar --------------------------------------------------------------

    def _calendar_zone(self, default_zone: tzinfo) -> tuple[tzinfo, ZoneInfo | None]:
        if self.calendar.outside:
            return default_zone, None
        try:
            shell = parse_shell(self.calendar)
        except PARSE_ERRORS as error:
            self.skipped.append(
                Skipped(
                    f"calendar file {self.name}",
                    f"Its calendar properties could not be read ({explain(error)}); "
                    f"times without a zone are read in {default_zone}.",
                )
            )
            return default_zone, None
        name = shell.get("X-WR-TIMEZONE")
        zone = safe_zone(str(name)) if name is not None else None
        return (zone or default_zone), zone

    # -- single events -----------------------------------------------------------

    def _single(self, uid: str, text: str) -> None:
        event_id = EventId(uid)
        try:
            component = self._parse(text)
            self.reading.events.append(self._event(event_id, component))
        except PARSE_ERRORS as error:
            self._skip(event_id, [text], error)

    def _duplicates(self, uid: str, texts: list[str]) -> None:
        """Several events with one UID and no recurrence: the highest SEQUENCE, then the last."""
        event_id = EventId(uid)
        best: tuple[int, CalendarEvent] | None = None
        for text in texts:
            try:
                component = self._parse(text)
                event = self._event(event_id, component)
            except PARSE_ERRORS as error:
                self._skip(event_id, [text], error)
                return
            sequence = _sequence(component)
            if best is None or sequence >= best[0]:
                best = (sequence, event)
        if best is not None:
            self.reading.events.append(best[1])

    # -- recurring series -----------------------------------------------------------

    def _series(self, uid: str, texts: list[str]) -> None:
        series_id = EventId(uid)
        components: list[icalendar.Component] = []
        #: Edited occurrences that cannot be read: reported alone, left out of the listing.
        broken: set[EventId] = set()
        for text in texts:
            try:
                components.append(self._parse(text))
            except PARSE_ERRORS as error:
                edited = self._edited_occurrence(text)
                if edited is None:
                    # Without this part (the rule itself, or an edit of this and all
                    # later occurrences) the series would be read wrong: all of it is
                    # reported instead.
                    self._skip(series_id, texts, error)
                    return
                broken.add(EventId(uid, edited))
                self._skip(EventId(uid, edited), texts, error)
        try:
            components = self._standard(components)
            occurrences, cut_off = expand(components, self.window.start, self.window.end)
            shifts = _shifts(components, self.zone)
        except PARSE_ERRORS as error:
            self._skip(series_id, texts, error)
            return
        if cut_off:
            self._report(
                series_id,
                texts,
                f"It has more than {MAX_OCCURRENCES} occurrences in the window; "
                "only the first are read.",
            )
        seen: set[EventId] = set(broken)
        for occurrence in occurrences:
            try:
                event_id = EventId(uid, self._original_start(occurrence, shifts))
            except PARSE_ERRORS as error:
                self._skip(series_id, texts, error)
                return
            if event_id in seen:
                if event_id not in broken:
                    log.warning("%s: two occurrences of %s are both %s", self.name, uid, event_id)
                continue
            seen.add(event_id)
            try:
                self.reading.events.append(self._event(event_id, occurrence, series_uid=uid))
            except PARSE_ERRORS as error:
                self._skip(event_id, texts, error)

    def _edited_occurrence(self, text: str) -> str | None:
        """Which occurrence an unreadable edit is of, when it edits that one alone.

        Its RECURRENCE-ID line is read on its own; None when it has none, when it
        edits this and all later occurrences, or when that line is broken too.
        """
        line = raw_line(text, "RECURRENCE-ID")
        if line is None or "THISANDFUTURE" in line.split(":", 1)[0].upper():
            return None
        try:
            probe = self._parse(f"BEGIN:VEVENT\r\nUID:x\r\n{line}\r\nEND:VEVENT\r\n")
            return _stamp(probe.decoded("RECURRENCE-ID"), self.zone)
        except PARSE_ERRORS:
            return None

    def _standard(self, components: list[icalendar.Component]) -> list[icalendar.Component]:
        """Apply X-WR-TIMEZONE the way Google means it (UTC and floating times in that zone).

        It matters for recurring series: Google writes their DTSTART in UTC, and a
        weekly 10:00 meeting must stay at 10:00 local time across a DST change.
        """
        if self.x_wr_timezone is None:
            return components
        calendar = icalendar.Calendar()
        calendar.add("X-WR-TIMEZONE", self.x_wr_timezone.key)
        for component in components:
            calendar.add_component(component)
        try:
            standard = x_wr_timezone.to_standard(calendar, timezone=self.x_wr_timezone)
        except PARSE_ERRORS:
            # One broken value spoils the conversion; the times as written are
            # still right for every occurrence but across a DST change.
            return components
        return [part for part in standard.subcomponents if part.name == "VEVENT"]

    def _original_start(self, occurrence: icalendar.Component, shifts: dict[str, timedelta]) -> str:
        """The occurrence's start before any edit moved it, as ``EventId.occurrence``."""
        prop = occurrence.get("RECURRENCE-ID")
        if prop is None:
            return _stamp(occurrence.decoded("DTSTART"), self.zone)
        recurrence_id = _stamp(prop.dt, self.zone)
        shift = shifts.get(recurrence_id) if _this_and_future(prop) else None
        if not shift:
            return recurrence_id
        start = occurrence.decoded("DTSTART")
        if isinstance(start, datetime):
            return _stamp(_moment(start, self.zone) - shift, self.zone)
        return _stamp(start - shift, self.zone)

    # -- one component ------------------------------------------------------------

    def _parse(self, text: str) -> icalendar.Component:
        component = parse_component(text)
        if component.name != "VEVENT":
            raise Unreadable("it is not a VEVENT")
        for name, problem in getattr(component, "errors", ()):
            if name in _TIME_PROPERTIES:
                raise Unreadable.of_property(name, problem)
            if name is None:
                log.info("%s: a line of an event was not read: %s", self.name, clean(problem))
        self._resolve_tzids(component)
        return component

    def _resolve_tzids(self, component: icalendar.Component) -> None:
        """Give the times whose TZID icalendar left unresolved the zone ``tzid_zone`` finds.

        icalendar hands such a time back as a naive datetime, which would then be
        read in the calendar's zone. This runs before recurrence expansion and
        X-WR-TIMEZONE, so a series in "(UTC-05:00) Eastern Time (US & Canada)"
        follows US DST.
        """
        for name in _ZONED_PROPERTIES:
            values = component.get(name)
            for value in values if isinstance(values, list) else [values]:
                self._resolve_value(name, value)

    def _resolve_value(self, name: str, value: Any) -> None:
        params = getattr(value, "params", None)
        tzid = params.get("TZID") if params is not None else None
        if not isinstance(tzid, str) or not tzid:
            return
        # vDDDTypes holds one time in .dt; vDDDLists (EXDATE, RDATE) several in .dts.
        holders = value.dts if hasattr(value, "dts") and not hasattr(value, "dt") else [value]
        naive = [h for h in holders if isinstance(h.dt, datetime) and h.dt.tzinfo is None]
        if not naive:
            return
        found = tzid_zone(tzid)
        if found is None:
            if is_display_name(tzid):
                raise Unreadable(
                    f'its time zone "{clean(tzid)}" ({name}) is a Windows time-zone name '
                    "that names no known zone, so its time cannot be told; "
                    "pick a named time zone for the event in your calendar app"
                )
            self.fallbacks[tzid] = f"read in {self.zone}"
            return
        for holder in naive:
            holder.dt = holder.dt.replace(tzinfo=found)

    def _event(
        self, event_id: EventId, component: icalendar.Component, *, series_uid: str | None = None
    ) -> CalendarEvent:
        if "DTSTART" not in component:
            raise Unreadable("it has no start time (DTSTART)")
        for name in ("DTSTART", "DTEND", "DURATION"):
            if isinstance(component.get(name), list):
                words = PROPERTY_WORDS[name]
                raise Unreadable(f"it has more than one {words} ({name}), so its time is unclear")
        raw_start = component.decoded("DTSTART")
        all_day = not isinstance(raw_start, datetime)
        start = self._moment(raw_start)
        end = _end(component, raw_start, start, self)
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
                series_uid or event_id.series,
                _x_property(component, KEY_PROPERTY),
                _x_property(component, KIND_PROPERTY),
            ),
        )

    def _moment(self, value: Any) -> datetime:
        moment = _moment(value, self.zone)
        if self.x_wr_timezone is not None and _is_utc(moment.tzinfo):
            # Google writes UTC and means its calendar's zone (x-wr-timezone does this for series).
            return moment.astimezone(self.x_wr_timezone)
        return moment

    # -- reports -------------------------------------------------------------------

    def _skip(self, event_id: EventId, texts: list[str], error: BaseException) -> None:
        if not isinstance(error, Unreadable | Refused):
            log.debug("%s: %s not read", self.name, event_id, exc_info=error)
        self._report(event_id, texts, _sentence(explain(error)))

    def _report(self, event_id: EventId, texts: list[str], reason: str) -> None:
        whole_series = not event_id.occurrence and any(recurs(text) for text in texts)
        what = f"recurring event {event_id}" if whole_series else f"event {event_id}"
        # The tag is on the series' own event, which may not be the part that failed.
        own = next(
            (
                tag
                for text in texts
                if (
                    tag := own_tag_of(
                        event_id.series,
                        raw_value(text, KEY_PROPERTY),
                        raw_value(text, KIND_PROPERTY),
                    )
                )
                is not None
            ),
            None,
        )
        self.skipped.append(Skipped(clean(what), reason, event=event_id, own=own))

    def _label(self, number: int, text: str) -> str:
        summary = clean(raw_value(text, "SUMMARY") or "")
        if summary:
            return f'event "{summary}"'
        return f"event number {number} of {self.name}"


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return "It could not be read."
    text = text[0].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def _shifts(components: list[icalendar.Component], zone: tzinfo) -> dict[str, timedelta]:
    """How far each ``RANGE=THISANDFUTURE`` edit moved its occurrences, by its RECURRENCE-ID."""
    shifts: dict[str, timedelta] = {}
    for component in components:
        prop = component.get("RECURRENCE-ID")
        if prop is None or not _this_and_future(prop) or "DTSTART" not in component:
            continue
        start, original = component.decoded("DTSTART"), prop.dt
        if isinstance(start, datetime) or isinstance(original, datetime):
            shift = _moment(start, zone) - _moment(original, zone)
        else:
            shift = start - original
        shifts[_stamp(original, zone)] = shift
    return shifts


def _this_and_future(prop: Any) -> bool:
    params = getattr(prop, "params", None)
    value = params.get("RANGE", "") if params is not None else ""
    return isinstance(value, str) and value.strip().upper() == "THISANDFUTURE"


def _stamp(value: Any, zone: tzinfo) -> str:
    """A start as ``EventId.occurrence`` text: UTC for a time, ISO for a date."""
    if isinstance(value, datetime):
        return _moment(value, zone).astimezone(UTC).strftime(_UTC_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    raise Unreadable("its recurrence id is not a date or time")


def _is_utc(zone: tzinfo | None) -> bool:
    return zone is UTC or getattr(zone, "key", None) in ("UTC", "Etc/UTC")


def _sequence(component: icalendar.Component) -> int:
    try:
        return int(component.get("SEQUENCE", 0))
    except (TypeError, ValueError):
        return 0


def _end(
    component: icalendar.Component, raw_start: date, start: datetime, reader: _FileReader
) -> datetime:
    if "DTEND" in component:
        return reader._moment(component.decoded("DTEND"))
    duration = component.decoded("DURATION") if "DURATION" in component else None
    timed = isinstance(raw_start, datetime)
    if isinstance(duration, timedelta):
        # Aware arithmetic is wall-clock time in the event's zone, as RFC 5545
        # wants for a duration in days; a date plus a duration stays a date.
        return start + duration if timed else reader._moment(raw_start + duration)
    return start if timed else start + timedelta(days=1)


def _moment(value: Any, zone: tzinfo) -> datetime:
    """A DTSTART/DTEND value as an aware datetime; dates are midnight in ``zone``."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return value.replace(tzinfo=zone)
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=zone)
    raise Unreadable("its start or end is not a date or time")


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


def _x_property(component: icalendar.Component, name: str) -> str | None:
    value = component.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        value = value[0] if value else ""
    # icalendar hands unknown X- properties back as written; the writer escapes them as TEXT.
    raw = value.to_ical() if hasattr(value, "to_ical") else value
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return unescape_text(text)
