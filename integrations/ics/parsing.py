"""Turning the bytes of an .ics file into icalendar objects, one bad event at a time.

icalendar parses a whole file in one go, and one hostile line anywhere
(``DTSTART;TZID=America:...``, ``DTSTART;TZID=A,B:...``) makes that raise.
Here the whole-file parse is only the fast path: when it fails, the file is
cut into its components (``layout``) and each is parsed alone, so a bad event
is reported and the rest are read.

A file that is not iCalendar at all, or is cut short (a truncated download
parses "successfully" into fewer events), is a ``BackendError``: reading it
as "these events were deleted" would be wrong.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import icalendar
from icalendar.timezone import tzp

from daemon.domain.errors import BackendError
from integrations.ics.layout import Block, Layout, parse_layout, unescape_text

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

_BOM = b"\xef\xbb\xbf"
#: Outlook writes ``DTSTART;TZID=tzone://Microsoft/Utc:2026...`` unquoted, so the
#: TZID's own colon ends the parameters early; such a TZID is quoted before parsing.
_UNQUOTED_MICROSOFT_TZID = re.compile(rb'(;TZID=)(tzone://[^;:"\r\n]*)(?=:)', re.IGNORECASE)
#: How much of a name or an error is kept in a report.
_REPORT_CHARS = 200


@dataclass
class Parsed:
    calendars: list[icalendar.Calendar]
    #: (what, why) for each component that could not be parsed.
    skipped: list[tuple[str, str]] = field(default_factory=list)


def parse_calendar(data: bytes, name: str) -> Parsed:
    """Parse ``data`` (read from ``name``); raise ``BackendError`` if it is not iCalendar."""
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    if data.lstrip()[:15].upper() != b"BEGIN:VCALENDAR":
        raise BackendError(
            f"{name}: not an iCalendar file (it does not begin with BEGIN:VCALENDAR)"
        )
    data = _UNQUOTED_MICROSOFT_TZID.sub(rb'\1"\2"', data)
    layout = parse_layout(data)
    if not layout.calendars() or any(not block.closed for block in layout.blocks):
        raise BackendError(f"{name}: incomplete iCalendar file (no END:VCALENDAR; cut short?)")

    # Cached VTIMEZONE definitions are global in icalendar and keyed by TZID
    # alone; start each file afresh so an edited or foreign "Customized Time
    # Zone" never lends its offsets to this one.
    tzp.use_zoneinfo()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            calendars = icalendar.Calendar.from_ical(data.decode("utf-8", "replace"), multiple=True)
        except PARSE_ERRORS:
            return _parse_each(layout)
    return Parsed(calendars=list(calendars))


def describe_error(error: BaseException) -> str:
    """An exception as one short line of text, for ``EventChanges.skipped``."""
    if isinstance(error, OSError) and error.strerror:
        # ZoneInfo("America") → IsADirectoryError naming a file of the tz database.
        return clean(f"{type(error).__name__}: {error.strerror} (a TZID that is not a time zone?)")
    return clean(f"{type(error).__name__}: {error}")


def clean(text: str) -> str:
    """Text from the file made safe to show: one line, bounded, no control characters."""
    printable = "".join(char if char.isprintable() else " " for char in text)
    return " ".join(printable.split())[:_REPORT_CHARS]


def _parse_each(layout: Layout) -> Parsed:
    """The slow path: every component parsed on its own, bad ones reported."""
    parsed = Parsed(calendars=[])
    for block in layout.calendars():
        calendar = _parse_shell(layout, block, parsed.skipped)
        # Time zones first: icalendar resolves a TZID against the VTIMEZONEs it has seen.
        children = sorted(block.children, key=lambda child: child.name != "VTIMEZONE")
        for child in children:
            if child.name not in ("VTIMEZONE", "VEVENT") or not child.closed:
                continue
            component = _parse_component(layout, child, parsed.skipped)
            if component is not None:
                calendar.add_component(component)
        parsed.calendars.append(calendar)
    return parsed


def _parse_shell(
    layout: Layout, block: Block, skipped: list[tuple[str, str]]
) -> icalendar.Calendar:
    """The calendar's own properties (X-WR-TIMEZONE, ...), without its components."""
    lines = b"".join(layout.text(line.first, line.last) for line in block.properties)
    text = b"BEGIN:VCALENDAR\r\n" + _terminated(lines) + b"END:VCALENDAR\r\n"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return icalendar.Calendar.from_ical(text.decode("utf-8", "replace"))
    except PARSE_ERRORS as error:
        skipped.append(("calendar properties", describe_error(error)))
        return icalendar.Calendar()


def _parse_component(
    layout: Layout, block: Block, skipped: list[tuple[str, str]]
) -> icalendar.Component | None:
    text = b"BEGIN:VCALENDAR\r\n" + _terminated(layout.text(block.first, block.last))
    text += b"END:VCALENDAR\r\n"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wrapper = icalendar.Calendar.from_ical(text.decode("utf-8", "replace"))
        return wrapper.subcomponents[0]
    except PARSE_ERRORS as error:
        skipped.append((_name_of(block), describe_error(error)))
        return None


def _name_of(block: Block) -> str:
    """How a component is named in a report: its UID, else its summary, else its line."""
    if block.name == "VTIMEZONE":
        return clean(f"time zone {block.value('TZID') or '?'}")
    for prop in ("UID", "SUMMARY"):
        value = block.value(prop)
        if value and value.strip():
            return clean(unescape_text(value))
    return f"event at line {block.first + 1}"


def _terminated(text: bytes) -> bytes:
    return text if not text or text.endswith(b"\n") else text + b"\r\n"
