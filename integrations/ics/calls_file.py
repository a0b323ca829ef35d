"""The service's own events in the text of an .ics file: found, added, updated, removed.

The own events may live in the user's own calendar file, so an edit touches
only the lines of those events (and, once per zone, the VTIMEZONE a TZID
names): every other line stays byte for byte as it was. An update changes
only the properties it names, so what the user wrote into the event's notes
survives a change of time.

``OwnEventsText`` reads the file's layout once, takes a whole batch of
writes, and renders the new text once: the cost of a batch is one parse and
one render of the file, however many writes it holds. The same split of the
text into the user's part and the own events lets the reader re-use its
reading of the user's part when only own events changed. Nothing here does
I/O: locking and atomic replacement are ``files``' job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

import icalendar
from icalendar.prop import vText

from daemon.domain.ports import OwnEvent, OwnWrite, PutOwn, RemoveOwn, UpdateOwn, WriteResult
from integrations.ics.calls import (
    ALARM_UID_SUFFIX,
    KEY_PROPERTY,
    ZONE_PROPERTY,
    alarm_component,
    check_event,
    check_key,
    key_of,
    own_component,
    own_uid,
    zone_of,
)
from integrations.ics.layout import Block, Layout, parse_layout, unescape_text

#: Every own event names this somewhere (its UID or its key property): a file
#: without it has none, and is not split at all.
_MARKER = re.compile(rb"interview-followup", re.IGNORECASE)
#: The properties an update of each field replaces.
_FIELD_PROPERTIES = {
    "time": ("DTSTART", "DTEND", "DURATION"),
    "title": ("SUMMARY",),
    "description": ("DESCRIPTION",),
}


class NotACalendarError(ValueError):
    """The text has no complete VCALENDAR: it must not be written into."""


@dataclass(frozen=True)
class Split:
    """A calendar's text as the user's part and a calendar of the own events alone.

    ``user`` is the file without the own events' lines; ``own`` holds them,
    each calendar's own properties and time zones around them, so they read
    as they would in place. ``own`` is empty when there are none.
    """

    user: bytes
    own: bytes


def split_own(data: bytes) -> Split:
    """``data`` split into the user's part and the own events (see ``Split``).

    Only an optimisation for the reader: a file that cannot be edited by line
    (or has no own event) is all user part, and is read as it always was.
    """
    if not _MARKER.search(data):
        return Split(data, b"")
    try:
        return OwnEventsText(data).split()
    except NotACalendarError:
        return Split(data, b"")


@dataclass(eq=False)
class _Slot:
    """One own event: its current text, and where it sits in the file (None: added)."""

    key: str
    uid: str
    calendar: int
    #: None once removed.
    text: bytes | None
    origin: Block | None = None


@dataclass(frozen=True)
class _Piece:
    """Text that replaces lines ``start``..``end - 1`` of the file (``start == end``: inserted)."""

    start: int
    end: int
    text: bytes
    own: bool
    #: At one position, time zones go before events.
    order: int = 0


@dataclass
class _Zones:
    """The VTIMEZONEs of one calendar: the file's, and those added for own events."""

    known: set[str]
    added: dict[str, bytes] = field(default_factory=dict)


class OwnEventsText:
    """An .ics text, with a batch of own-event writes applied to it in memory.

    ``data`` empty means the file does not exist yet: ``empty`` is the calendar
    it starts as (and is only written if a write adds something).
    """

    def __init__(self, data: bytes, *, empty: bytes = b"") -> None:
        self._layout = _sound_layout(data if data.strip() or not empty else empty)
        self._calendars = self._layout.calendars()
        self.newline = self._layout.newline
        #: Whether any write changed the text.
        self.changed = False
        self._slots: list[_Slot] = []
        self._by_key: dict[str, list[_Slot]] = {}
        self._zones = [
            _Zones({(child.value("TZID") or "").strip() for child in _timezones(calendar)})
            for calendar in self._calendars
        ]
        for number, calendar in enumerate(self._calendars):
            for child in calendar.children:
                if child.name != "VEVENT" or not child.closed:
                    continue
                found = child.values("UID", KEY_PROPERTY)
                uid = unescape_text(found.get("UID", "")).strip()
                raw_key = found.get(KEY_PROPERTY)
                key = key_of(uid, unescape_text(raw_key) if raw_key is not None else None)
                if key is not None:
                    text = self._layout.text(child.first, child.last)
                    self._add_slot(_Slot(key, uid, number, text, child))

    # -- the writes -------------------------------------------------------------------

    def apply(self, write: OwnWrite, stamp: datetime) -> WriteResult:
        """Apply one write; one that cannot be done is an error result and changes nothing."""
        try:
            match write:
                case PutOwn(event=event):
                    return self._put(event, stamp)
                case UpdateOwn(event=event, fields=fields):
                    return self._update(event, fields, stamp)
                case RemoveOwn(key=key):
                    return self._remove(key)
        except ValueError as error:
            key = write.key if isinstance(write, RemoveOwn) else write.event.key
            return WriteResult(key, error=str(error))
        raise TypeError(f"not an own-event write: {write!r}")

    def find(self, key: str) -> str | None:
        """The UID of the own event with ``key``, or None."""
        slots = self._live(key)
        return slots[0].uid if slots else None

    def _put(self, event: OwnEvent, stamp: datetime) -> WriteResult:
        check_event(event)
        existing = self.find(event.key)
        if existing is not None:
            return WriteResult(event.key, existing)
        text = self._ical(own_component(event, stamp))
        last = len(self._calendars) - 1
        self._add_zone(last, event)
        self._add_slot(_Slot(event.key, own_uid(event.key), last, text))
        self.changed = True
        return WriteResult(event.key, own_uid(event.key))

    def _update(self, event: OwnEvent, fields: Iterable[str], stamp: datetime) -> WriteResult:
        check_event(event)
        fields = frozenset(fields)
        slots = self._live(event.key)
        if not slots:
            return WriteResult(event.key, missing=True)
        fresh = _property_lines(self._ical(own_component(event, stamp)))
        for slot in slots:
            assert slot.text is not None
            text = self._rewrite(slot.text, event, fields, fresh)
            if text != slot.text:
                slot.text = text
                self.changed = True
                if "time" in fields:
                    self._add_zone(slot.calendar, event)
        return WriteResult(event.key, slots[0].uid)

    def _remove(self, key: str) -> WriteResult:
        check_key(key)
        for slot in self._live(key):
            slot.text = None
            self.changed = True
        return WriteResult(key)

    def _rewrite(
        self, text: bytes, event: OwnEvent, fields: frozenset[str], fresh: Mapping[str, bytes]
    ) -> bytes:
        """``text`` (one VEVENT) with the properties of ``fields`` taken from ``fresh``."""
        names = [name for part in sorted(fields) for name in _FIELD_PROPERTIES.get(part, ())]
        edited = _replace_properties(text, {name: fresh.get(name, b"") for name in names})
        if "reminder" in fields:
            alarm = self._ical(alarm_component(event)) if event.reminder is not None else b""
            edited = _replace_alarm(edited, alarm)
        elif "title" in fields:
            # The service's popup shows the title: it follows it.
            edited = _retitle_alarms(edited, event.title, self.newline)
        if edited == text:
            return text
        # Changed: say so as a calendar app would, so readers take this version.
        return _replace_properties(edited, _revision(edited, fresh["DTSTAMP"], self.newline))

    # -- the result ---------------------------------------------------------------------

    def render(self) -> bytes:
        """The whole text with every write applied."""
        return b"".join(text for text, _own in self._assemble())

    def split(self) -> Split:
        """The text with every write applied, as the user's part and the own events."""
        user: list[bytes] = []
        for text, own in self._assemble():
            if not own:
                user.append(text)
        return Split(b"".join(user), self._own_calendars())

    def _assemble(self) -> Iterable[tuple[bytes, bool]]:
        """The pieces of the new text, in order, each marked as own or the user's."""
        lines = self._layout.lines
        cursor = 0
        for piece in sorted(self._pieces(), key=lambda p: (p.start, p.order)):
            if piece.start > cursor:
                yield b"".join(lines[cursor : piece.start]), False
            yield piece.text, piece.own
            cursor = max(cursor, piece.end)
        yield b"".join(lines[cursor:]), False

    def _pieces(self) -> Iterable[_Piece]:
        last = self._calendars[-1]
        for slot in self._slots:
            text = slot.text or b""
            if slot.origin is not None:
                yield _Piece(slot.origin.first, slot.origin.last + 1, text, True, 2)
            elif slot.text is not None:
                yield _Piece(last.end_first, last.end_first, text, True, 1)
        for calendar, zones in zip(self._calendars, self._zones, strict=True):
            for child in _timezones(calendar):
                if child.value(ZONE_PROPERTY) is not None:
                    text = self._layout.text(child.first, child.last)
                    yield _Piece(child.first, child.last + 1, text, True, 2)
            if zones.added:
                # Before the first component, as RFC 5545 examples and most writers do.
                position = calendar.children[0].first if calendar.children else calendar.end_first
                yield _Piece(position, position, b"".join(zones.added.values()), True, 0)

    def _own_calendars(self) -> bytes:
        out: list[bytes] = []
        for number, calendar in enumerate(self._calendars):
            events = [s.text for s in self._slots if s.calendar == number and s.text is not None]
            if not events:
                continue
            shell = [self._layout.text(first, last) for first, last in calendar.spans]
            zones = list(self._zones[number].added.values()) + [
                self._layout.text(child.first, child.last) for child in _timezones(calendar)
            ]
            out += [b"BEGIN:VCALENDAR\r\n", *shell, *zones, *events, b"END:VCALENDAR\r\n"]
        return b"".join(_terminated(part) for part in out)

    # -- helpers ----------------------------------------------------------------------

    def _add_slot(self, slot: _Slot) -> None:
        self._slots.append(slot)
        self._by_key.setdefault(slot.key, []).append(slot)

    def _live(self, key: str) -> list[_Slot]:
        return [slot for slot in self._by_key.get(key, ()) if slot.text is not None]

    def _add_zone(self, calendar: int, event: OwnEvent) -> None:
        zone = zone_of(event)
        zones = self._zones[calendar]
        if zone is None or zone.key in zones.known or zone.key in zones.added:
            return
        text = _timezone_text(zone.key, event.start.year)
        if text:
            zones.added[zone.key] = text.replace(b"\r\n", self.newline)

    def _ical(self, component: icalendar.cal.Component) -> bytes:
        return bytes(component.to_ical()).replace(b"\r\n", self.newline)


# -- editing one event's text ------------------------------------------------------------


def _sound_layout(data: bytes) -> Layout:
    """The text's layout, if it is sound enough to edit by line."""
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


def _property_lines(component_text: bytes) -> dict[str, bytes]:
    """The lines of each property of a component's text (the first component), by name."""
    layout = parse_layout(component_text)
    by_name: dict[str, bytes] = {}
    for line in layout.blocks[0].properties:
        by_name[line.name] = by_name.get(line.name, b"") + layout.text(line.first, line.last)
    return by_name


def _replace_properties(text: bytes, replacements: Mapping[str, bytes]) -> bytes:
    """``text`` (one component) with every property named in ``replacements`` replaced.

    A replacement takes the place of the first line of its name; a property the
    component did not have is added after its other properties.
    """
    if not replacements:
        return text
    layout = parse_layout(text)
    return _edit(layout, _property_edits(layout, layout.blocks[0], replacements))


def _property_edits(
    layout: Layout, block: Block, replacements: Mapping[str, bytes]
) -> list[tuple[int, int, bytes]]:
    edits: list[tuple[int, int, bytes]] = []
    placed: set[str] = set()
    for line in block.properties:
        if line.name in replacements:
            new = b"" if line.name in placed else replacements[line.name]
            placed.add(line.name)
            edits.append((line.first, line.last + 1, new))
    end = block.children[0].first if block.children else block.end_first
    missing = b"".join(text for name, text in replacements.items() if name not in placed)
    if missing:
        edits.append((end, end, missing))
    return edits


def _revision(text: bytes, dtstamp: bytes, newline: bytes) -> dict[str, bytes]:
    """DTSTAMP now, and SEQUENCE and LAST-MODIFIED moved on where the event has them."""
    layout = parse_layout(text)
    changes = {"DTSTAMP": dtstamp}
    block = layout.blocks[0]
    sequence = (block.value("SEQUENCE") or "").strip()
    if sequence.isdigit():
        changes["SEQUENCE"] = b"SEQUENCE:%d" % (int(sequence) + 1) + newline
    if block.value("LAST-MODIFIED") is not None:
        changes["LAST-MODIFIED"] = b"LAST-MODIFIED" + dtstamp.partition(b"DTSTAMP")[2]
    return changes


def _own_alarms(block: Block) -> list[Block]:
    return [
        child
        for child in block.children
        if child.name == "VALARM"
        and unescape_text(child.value("UID") or "").strip().endswith(ALARM_UID_SUFFIX)
    ]


def _replace_alarm(text: bytes, alarm: bytes) -> bytes:
    """``text`` with the service's alarm replaced by ``alarm`` (empty: none); the user's stay."""
    layout = parse_layout(text)
    event = layout.blocks[0]
    ours = _own_alarms(event)
    edits = [(child.first, child.last + 1, b"") for child in ours]
    position = ours[0].first if ours else event.end_first
    edits.append((position, position, alarm))
    return _edit(layout, edits)


def _retitle_alarms(text: bytes, title: str, newline: bytes) -> bytes:
    layout = parse_layout(text)
    alarm = icalendar.Alarm()
    alarm.add("DESCRIPTION", title)
    description = _property_lines(bytes(alarm.to_ical()).replace(b"\r\n", newline))
    edits = [
        edit
        for child in _own_alarms(layout.blocks[0])
        for edit in _property_edits(layout, child, {"DESCRIPTION": description["DESCRIPTION"]})
    ]
    return _edit(layout, edits)


def _edit(layout: Layout, edits: Iterable[tuple[int, int, bytes]]) -> bytes:
    """The layout's text with lines ``start``..``end - 1`` replaced for each edit."""
    out: list[bytes] = []
    cursor = 0
    for start, end, new in sorted(edits, key=lambda edit: (edit[0], edit[1])):
        out.append(layout.text(cursor, start - 1))
        out.append(new)
        cursor = max(cursor, end)
    out.append(layout.text(cursor, len(layout.lines) - 1))
    return b"".join(out)


def _timezones(calendar: Block) -> list[Block]:
    return [child for child in calendar.children if child.name == "VTIMEZONE" and child.closed]


def _timezone_text(tzid: str, year: int) -> bytes:
    # Transitions from a year before the first event to well past the last one a
    # job search needs; later events in the same zone reuse this VTIMEZONE.
    first, last = date(year - 1, 1, 1), date(year + 20, 1, 1)
    try:
        zone = icalendar.Timezone.from_tzid(tzid, first_date=first, last_date=last)
    except ValueError:
        # Readers resolve an IANA TZID without a VTIMEZONE too; the event still works.
        return b""
    zone.add(ZONE_PROPERTY, vText("added for own events"))
    return bytes(zone.to_ical())


def _terminated(text: bytes) -> bytes:
    return text if not text or text.endswith(b"\n") else text + b"\r\n"
