"""Adding and removing call events in the text of an .ics file.

The calls may live in the user's own calendar file, so an edit touches only
the lines of the call (and, once, the VTIMEZONE its TZID names): every other
line stays byte for byte as it was. Functions here are pure (bytes in, bytes
out); locking and atomic replacement are ``files``' job.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime
from types import MappingProxyType

import icalendar

from daemon.domain.ports import OwnEvent as CallEvent
from integrations.ics.calls import KEY_PROPERTY, call_component, check_key, key_of, zone_of
from integrations.ics.layout import Block, Layout, parse_layout, unescape_text

_NOTHING_INSERTED: Mapping[int, bytes] = MappingProxyType({})


class NotACalendarError(ValueError):
    """The text has no complete VCALENDAR: it must not be written into."""


def find_call(data: bytes, key: str) -> str | None:
    """The UID of the call event with ``key`` in ``data``, or None."""
    layout = _layout(data)
    for _calendar, event in _events(layout):
        if _key(event) == key:
            return unescape_text(event.value("UID") or "").strip()
    return None


def add_call(data: bytes, call: CallEvent, stamp: datetime) -> bytes:
    """``data`` with the call event added to its last calendar."""
    layout = _layout(data)
    calendar = layout.calendars()[-1]
    newline = layout.newline
    event_text = call_component(call, stamp).to_ical().replace(b"\r\n", newline)
    inserts: dict[int, bytes] = {calendar.end_first: event_text}

    zone = zone_of(call)
    if zone is not None and not _has_timezone(calendar, zone.key):
        timezone_text = _timezone_text(zone.key, call.start.year)
        if timezone_text:
            # Before the first component, as RFC 5545 examples and most writers do.
            position = calendar.children[0].first if calendar.children else calendar.end_first
            inserts[position] = timezone_text.replace(b"\r\n", newline) + inserts.get(position, b"")
    return _splice(layout, inserts=inserts)


def remove_call(data: bytes, key: str) -> bytes | None:
    """``data`` without the call event(s) with ``key``; None if there was none."""
    check_key(key)
    layout = _layout(data)
    doomed = [event for _calendar, event in _events(layout) if _key(event) == key]
    if not doomed:
        return None
    cut = {index for event in doomed for index in range(event.first, event.last + 1)}
    return _splice(layout, cut=cut)


def _layout(data: bytes) -> Layout:
    """The file's layout, if it is sound enough to edit by line."""
    layout = parse_layout(data)
    if not layout.calendars():
        raise NotACalendarError("no complete BEGIN:VCALENDAR … END:VCALENDAR")
    # Text spliced in after an unclosed BEGIN would land inside that component,
    # where no reader would see it: refuse, and say where the damage is.
    unclosed = layout.first_unclosed()
    if unclosed is not None:
        raise NotACalendarError(
            f"BEGIN:{unclosed.name} on line {unclosed.first + 1} is never closed"
        )
    return layout


def _events(layout: Layout) -> list[tuple[Block, Block]]:
    return [
        (calendar, child)
        for calendar in layout.calendars()
        for child in calendar.children
        if child.name == "VEVENT" and child.closed
    ]


def _key(event: Block) -> str | None:
    uid = unescape_text(event.value("UID") or "").strip()
    raw_key = event.value(KEY_PROPERTY)
    return key_of(uid, unescape_text(raw_key) if raw_key is not None else None)


def _has_timezone(calendar: Block, tzid: str) -> bool:
    return any(
        child.name == "VTIMEZONE" and (child.value("TZID") or "").strip() == tzid
        for child in calendar.children
    )


def _timezone_text(tzid: str, year: int) -> bytes:
    # Transitions from a year before the first call to well past the last one a
    # job search needs; later calls in the same zone reuse this VTIMEZONE.
    first, last = date(year - 1, 1, 1), date(year + 20, 1, 1)
    try:
        return bytes(icalendar.Timezone.from_tzid(tzid, first_date=first, last_date=last).to_ical())
    except ValueError:
        # Readers resolve an IANA TZID without a VTIMEZONE too; the event still works.
        return b""


def _splice(
    layout: Layout,
    *,
    inserts: Mapping[int, bytes] = _NOTHING_INSERTED,
    cut: Collection[int] = frozenset(),
) -> bytes:
    out: list[bytes] = []
    for index, line in enumerate(layout.lines):
        if index in inserts:
            out.append(inserts[index])
        if index not in cut:
            out.append(line)
    return b"".join(out)
