"""Turning the bytes of an .ics file into its components, one at a time.

The file is decoded once (UTF-8, or UTF-16/32 where a byte-order mark or the
byte pattern says so) and scanned for where its components begin and end;
each VTIMEZONE and VEVENT is then parsed by icalendar on its own, when the
reader asks for it, and dropped once read. So a 100,000-event calendar is
never held as 100,000 icalendar components at once, and one hostile line
(``DTSTART;TZID=A,B:...``, a VALARM with ``TRIGGER:PT-2H``) costs only the
component it stands in, never the file.

VALARMs are cut out before parsing: the service reads no alarm, and a broken
one (invalid ``TRIGGER``) would otherwise make icalendar refuse the whole
event around it. VEVENTs standing outside any VCALENDAR (between two of
them, as some concatenated exports have) are collected into a calendar of
their own and read too.

A file that is not iCalendar at all, or is cut short (a truncated download
parses "successfully" into fewer events), is a ``BackendError``: reading it
as "these events were deleted" would be wrong.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import icalendar

from daemon.domain.errors import BackendError
from integrations.ics.layout import unescape_text

#: What icalendar, recurring-ical-events and x-wr-timezone raise on hostile
#: input: fuzzing finds ValueError, AttributeError, KeyError, IndexError,
#: TypeError, OSError (from ZoneInfo), OverflowError, RecursionError and
#: assertions. Catching these (and not ``Exception``) keeps real bugs such as
#: NameError visible.
PARSE_ERRORS: tuple[type[Exception], ...] = (
    ValueError,
    TypeError,
    AttributeError,
    LookupError,
    OSError,
    ArithmeticError,
    RuntimeError,
    AssertionError,
)

#: Byte-order marks, longest first (UTF-32 LE's begins like UTF-16 LE's).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: Marks of encodings that are not read, so the message can name them.
_FOREIGN_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"+/v", "UTF-7"),
    (b"\xf7\x64\x4c", "UTF-1"),
    (b"\xdd\x73\x66\x73", "UTF-EBCDIC"),
    (b"\x0e\xfe\xff", "SCSU"),
    (b"\xfb\xee\x28", "BOCU-1"),
    (b"\x84\x31\x95\x33", "GB 18030"),
)
#: "BEGIN" in UTF-16 and UTF-32 without a byte-order mark.
_UNMARKED = (
    (b"B\x00\x00\x00E\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00B\x00\x00\x00E", "utf-32-be"),
    (b"B\x00E\x00", "utf-16-le"),
    (b"\x00B\x00E", "utf-16-be"),
)
#: Outlook writes ``DTSTART;TZID=tzone://Microsoft/Utc:2026...`` unquoted, so the
#: TZID's own colon ends the parameters early; such a TZID is quoted before parsing.
_UNQUOTED_MICROSOFT_TZID = re.compile(r'(;TZID=)(tzone://[^;:"\r\n]*)(?=:)', re.IGNORECASE)
#: A line that opens or closes a component. Folded lines start with a space, so
#: a BEGIN or END that starts a line is always one.
_MARK = re.compile(r"^(BEGIN|END)[ \t]*:[ \t]*([^\r\n]*?)[ \t]*\r?$", re.MULTILINE | re.IGNORECASE)
#: A rule, extra dates or a recurrence id, with a value: an empty ``RRULE:`` (as some
#: holiday feeds write on every event) is no recurrence.
_RECURS = re.compile(
    r"^(?:RRULE|RDATE|RECURRENCE-ID)[ \t]*[;:][^\r\n]*?[^\s:;]", re.MULTILINE | re.IGNORECASE
)
#: The properties of a VEVENT that the reader (and recurrence expansion) use. The
#: others (DTSTAMP, LOCATION, Outlook's X-ALT-DESC copy of the description in HTML,
#: X-MICROSOFT-CDO-*, ...) are cut before parsing: parsing is most of the cost of
#: reading a calendar, and a broken value in one of them loses nothing.
_USED = (
    "BEGIN|END|UID|DTSTART|DTEND|DURATION|RRULE|RDATE|EXDATE|EXRULE|RECURRENCE-ID|SEQUENCE|"
    "SUMMARY|DESCRIPTION|STATUS|ATTENDEE|ORGANIZER|X-INTERVIEW-FOLLOWUP-KEY|X-INTERVIEW-FOLLOWUP-KIND"
)
#: A content line (with its folded continuations) of any other property.
_UNUSED_LINE = re.compile(
    rf"^(?![ \t])(?!(?:{_USED})[ \t]*[;:])[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*(?:\r?\n|\Z)",
    re.MULTILINE | re.IGNORECASE,
)
#: The components a calendar is read from; any other (VTODO, VJOURNAL, ...) is not an event.
_READ = {"VEVENT", "VTIMEZONE"}
#: How much of a name or an error is kept in a report.
_REPORT_CHARS = 200


@dataclass(frozen=True)
class Span:
    """Where one component sits in the decoded text, and the VALARMs to leave out of it."""

    name: str
    start: int
    end: int
    alarms: tuple[tuple[int, int], ...] = ()


@dataclass
class CalendarText:
    """One VCALENDAR of a file: its own properties and where its components are."""

    #: The calendar's own properties (X-WR-TIMEZONE, ...) as a VCALENDAR of no components.
    shell: str
    timezones: list[Span] = field(default_factory=list)
    events: list[Span] = field(default_factory=list)
    #: The components found outside any VCALENDAR, gathered into this one.
    outside: bool = False


@dataclass
class Scanned:
    """A decoded file and its calendars."""

    text: str
    calendars: list[CalendarText]
    #: Sentences about the file as a whole (an encoding read with losses, ...).
    notes: list[str] = field(default_factory=list)

    def component_text(self, span: Span) -> str:
        """The text of ``span``; for an event, without its VALARMs and unused properties."""
        if span.name != "VEVENT":
            return self.text[span.start : span.end]
        if not span.alarms:
            return _UNUSED_LINE.sub("", self.text[span.start : span.end])
        parts, position = [], span.start
        for start, end in span.alarms:
            parts.append(self.text[position:start])
            position = end
        parts.append(self.text[position : span.end])
        return _UNUSED_LINE.sub("", "".join(parts))


def scan(data: bytes, name: str) -> Scanned:
    """Decode ``data`` (read from ``name``) and find its components.

    Raises ``BackendError`` if it is not a whole iCalendar file.
    """
    text, notes = decode(data, name)
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")  # classic Mac OS line ends
    if text.lstrip()[:15].upper() != "BEGIN:VCALENDAR":
        raise BackendError(
            f"{name}: not an iCalendar file (it does not begin with BEGIN:VCALENDAR)"
        )
    if "tzone://" in text.lower():
        text = _UNQUOTED_MICROSOFT_TZID.sub(r'\1"\2"', text)
    calendars = _find_components(text, name)
    return Scanned(text=text, calendars=calendars, notes=notes)


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """The text of ``data``, and what was lost on the way (nothing, for a UTF-8 file)."""
    for mark, foreign in _FOREIGN_BOMS:
        if data.startswith(mark):
            raise BackendError(
                f"{name}: the file is encoded in {foreign}, which is not read; "
                "save or export it as UTF-8"
            )
    marked = next(((mark, enc) for mark, enc in _BOMS if data.startswith(mark)), None)
    if marked is not None:
        data, encoding = data[len(marked[0]) :], marked[1]
    else:
        start = data.lstrip(b" \t\r\n")[:8]
        encoding = next((enc for mark, enc in _UNMARKED if start.startswith(mark)), "utf-8")
    if encoding == "utf-8":
        try:
            return data.decode("utf-8"), []
        except UnicodeDecodeError:
            text = data.decode("utf-8", "replace")
            lost = text.count("\ufffd")
            return text, [
                f"is not valid UTF-8: {lost} character(s) could not be read and show as "
                "\ufffd; save or export the file as UTF-8"
            ]
    text = data.decode(encoding, "replace")
    lost = text.count("\ufffd")
    if lost:
        return text, [f"has {lost} character(s) that are not valid {encoding.upper()}"]
    return text, []


def _find_components(text: str, name: str) -> list[CalendarText]:
    # Each open component: (name, start, direct children, VALARMs).
    stack: list[tuple[str, int, list[Span], list[tuple[int, int]]]] = []
    calendars: list[CalendarText] = []
    outside = CalendarText(shell="", outside=True)
    for mark in _MARK.finditer(text):
        kind, component = mark.group(1).upper(), mark.group(2).upper()
        if kind == "BEGIN":
            stack.append((component, mark.start(), [], []))
            continue
        # An END that closes an outer component also closes any inner one left
        # open; an END that matches nothing open is ignored.
        if not any(entry[0] == component for entry in stack):
            continue
        while True:
            opened, start, children, alarms = stack.pop()
            if opened == component:
                break
        span = Span(opened, start, _line_end(text, mark.end()), tuple(alarms))
        parent = stack[-1] if stack else None
        if opened == "VCALENDAR":
            # A VCALENDAR inside another (seen in concatenated exports) is read as one more.
            calendars.append(_calendar(text, span, children, mark.start()))
        elif parent is None and opened in _READ:
            (outside.events if opened == "VEVENT" else outside.timezones).append(span)
        elif parent is not None and parent[0] == "VCALENDAR":
            parent[2].append(span)
        elif parent is not None and opened == "VALARM" and parent[0] == "VEVENT":
            parent[3].append((span.start, span.end))
    if stack:
        raise BackendError(
            f"{name}: incomplete iCalendar file (BEGIN:{stack[0][0]} is never closed; cut short?)"
        )
    if not calendars:
        raise BackendError(f"{name}: incomplete iCalendar file (no END:VCALENDAR; cut short?)")
    if outside.events or outside.timezones:
        calendars.append(outside)
    return calendars


def _calendar(text: str, span: Span, children: list[Span], closing: int) -> CalendarText:
    """A VCALENDAR's components, and its own properties: the lines between them."""
    calendar = CalendarText(shell="")
    first_break = text.find("\n", span.start, closing)
    position = closing if first_break == -1 else first_break + 1
    lines = []
    for child in children:
        if child.name == "VEVENT":
            calendar.events.append(child)
        elif child.name == "VTIMEZONE":
            calendar.timezones.append(child)
        lines.append(text[position : child.start])
        position = max(position, child.end)
    lines.append(text[position:closing])
    body = "".join(lines)
    if body and not body.endswith("\n"):
        body += "\r\n"
    calendar.shell = "BEGIN:VCALENDAR\r\n" + body + "END:VCALENDAR\r\n"
    return calendar


def _line_end(text: str, position: int) -> int:
    """The offset after the line break at or after ``position`` (the end of the text if none)."""
    if position < len(text) and text[position] == "\r":
        position += 1
    if position < len(text) and text[position] == "\n":
        position += 1
    return position


def parse_component(text: str) -> icalendar.Component:
    """One component's text parsed by icalendar; raises what icalendar raises.

    Parsing a VTIMEZONE caches it in icalendar's time-zone provider, so the
    events parsed after it resolve their TZID against it.
    """
    return icalendar.Component.from_ical(text)


def parse_shell(calendar: CalendarText) -> icalendar.Component:
    return icalendar.Calendar.from_ical(calendar.shell)


def recurs(text: str) -> bool:
    """Whether a VEVENT's text has a rule, extra dates or a recurrence id."""
    return _RECURS.search(text) is not None


_PROPERTY_PATTERNS: dict[str, re.Pattern[str]] = {}


def raw_line(text: str, name: str) -> str | None:
    """The first content line of property ``name`` in a component's text, unfolded."""
    pattern = _PROPERTY_PATTERNS.get(name)
    if pattern is None:
        pattern = re.compile(
            rf"^{re.escape(name)}[ \t]*[;:][^\r\n]*(?:\r?\n[ \t][^\r\n]*)*",
            re.MULTILINE | re.IGNORECASE,
        )
        _PROPERTY_PATTERNS[name] = pattern
    found = pattern.search(text)
    return None if found is None else re.sub(r"\r?\n[ \t]", "", found.group(0))


def raw_value(text: str, name: str) -> str | None:
    """The value of the first property ``name`` of a component's text, unfolded and unescaped.

    Read without icalendar, so an event icalendar refuses can still be named
    (and recognised as one the service wrote) in a report.
    """
    line = raw_line(text, name)
    if line is None:
        return None
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return unescape_text(line[index + 1 :])
    return None


def clean(text: str) -> str:
    """Text from the file made safe to show: one line, bounded, no control characters."""
    printable = "".join(char if char.isprintable() else " " for char in text[: 4 * _REPORT_CHARS])
    return " ".join(printable.split())[:_REPORT_CHARS]


def spans(calendar: CalendarText) -> Iterator[Span]:
    yield from calendar.timezones
    yield from calendar.events
