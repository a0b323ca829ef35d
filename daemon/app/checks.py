"""Checks of configuration values: one function per kind of value.

Each check takes the raw TOML value and a ``CheckContext`` and returns the parsed
value, or raises ``Invalid`` with a message that says what was expected and what
was found. The core's sections and every backend's own settings use the same
checks, so a path or a time zone is checked one way wherever it appears.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from daemon.domain.emails import AddressError, parse_address
from daemon.domain.settings import WEEKDAYS
from daemon.domain.weekdays import FULL, weekday_number

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class Invalid(Exception):
    """A value failed its check: ``items`` are (key-path suffix, message) pairs."""

    def __init__(self, message: str = "", *, items: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.items = items if items is not None else [("", message)]


@dataclass(frozen=True)
class CheckContext:
    """What a check needs besides the value: relative paths and ``~`` depend on these."""

    base: Path
    environ: Mapping[str, str]


Check = Callable[[object, CheckContext], object]


def show(value: object) -> str:
    """The ``got X`` part of a message, short enough for one line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, str) and len(value) > 40:
        return f"{value[:37]!r}… ({len(value)} characters)"
    if isinstance(value, date | time):  # TOML dates and times; datetime is a date
        return value.isoformat()
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def is_one_line(text: str) -> bool:
    # Control characters and line/paragraph separators only: str.isprintable() would
    # also refuse a no-break space or a zero-width joiner, which are fine in a name.
    return not any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in text)


def line(value: object, ctx: CheckContext) -> str:
    # Names and phone numbers end up in mail headers and event titles: one line only.
    if not isinstance(value, str):
        raise Invalid(f"expected a string (got {show(value)})")
    if not is_one_line(value):
        raise Invalid(f"must be one line without control characters (got {show(value)})")
    return value


def text(value: object, ctx: CheckContext) -> str:
    if not isinstance(value, str):
        raise Invalid(f"expected a string (got {show(value)})")
    return value


def email(value: object, ctx: CheckContext) -> str:
    # The grammar drafts are built with (daemon.domain.emails): an address accepted here
    # is one every draft from or to it can carry.
    address = line(value, ctx)
    try:
        return str(parse_address(address))
    except AddressError as exc:
        raise Invalid(
            f"expected an email address like you@example.com; {exc.reason} (got {show(value)})"
        ) from exc


def find_zone(name: str) -> ZoneInfo | None:
    # A zone name is a file name under the tz database: "America" is a folder
    # (IsADirectoryError), 300 characters is too long (OSError), "../x" is refused
    # (ValueError), "Mars/Olympus" is not found (a KeyError). All mean "no such zone".
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def timezone(value: object, ctx: CheckContext) -> ZoneInfo:
    if not isinstance(value, str):
        raise Invalid(f"expected an IANA time zone name like Europe/Berlin (got {show(value)})")
    found = find_zone(value)
    if found is None:
        raise Invalid(f"unknown time zone {show(value)} (expected an IANA name like Europe/Berlin)")
    return found


def line_list(value: object, ctx: CheckContext) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise Invalid(f"expected a list of strings (got {show(value)})")
    items: list[tuple[str, str]] = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip() or not is_one_line(item):
            items.append((f"[{index}]", f"expected a non-empty one-line string (got {show(item)})"))
    if items:
        raise Invalid(items=items)
    return tuple(item.strip() for item in value)


def integer(low: int, high: int | None = None) -> Check:
    span = f"from {low} to {high}" if high is not None else f"of {low} or more"

    def check(value: object, ctx: CheckContext) -> int:
        # bool is an int in Python, but `grace_minutes = true` is a mistake, not a 1.
        if isinstance(value, bool) or not isinstance(value, int):
            hint = ", without quotes" if isinstance(value, str) and value.strip().isdigit() else ""
            raise Invalid(f"expected a whole number {span}{hint} (got {show(value)})")
        if value < low or (high is not None and value > high):
            raise Invalid(f"must be {span} (got {value})")
        return value

    return check


def weekdays(value: object, ctx: CheckContext) -> tuple[int, ...]:
    example = 'a list of day names like ["tue", "wed", "thu"]'
    if not isinstance(value, list):
        raise Invalid(f"expected {example} (got {show(value)})")
    if not value:
        raise Invalid(f"must name at least one day, {example} (got [])")
    days: list[int] = []
    items: list[tuple[str, str]] = []
    for index, item in enumerate(value):
        name = item.strip().lower() if isinstance(item, str) else ""
        day = weekday_number(name, informal=False)
        if day is not None:
            if day in days:
                items.append((f"[{index}]", f"{WEEKDAYS[day]} is listed twice (got {show(item)})"))
            days.append(day)
            continue
        close = difflib.get_close_matches(name, WEEKDAYS + FULL, n=1)
        hint = f"did you mean {close[0][:3]}?" if close else f"use {', '.join(WEEKDAYS)}"
        items.append((f"[{index}]", f"unknown day {show(item)} ({hint})"))
    if items:
        raise Invalid(items=items)
    return tuple(sorted(days))


def clock(value: object, ctx: CheckContext) -> time:
    # TOML has a local-time type (call_time = 10:00:00); a quoted "10:00" is as natural.
    if isinstance(value, time):
        if value.second or value.microsecond:
            raise Invalid(f"expected whole minutes, like 10:30 (got {show(value)})")
        return value
    match = _CLOCK.match(value) if isinstance(value, str) else None
    if match is None:
        raise Invalid(f'expected a 24-hour time "HH:MM", like "10:00" (got {show(value)})')
    return time(int(match[1]), int(match[2]))


def clock_span(value: object, ctx: CheckContext) -> tuple[time, time]:
    """``["09:00", "17:00"]``: a span of the day, the first time before the second."""
    if not isinstance(value, list) or len(value) != 2:
        raise Invalid(f'expected two times, like ["09:00", "17:00"] (got {show(value)})')
    opens, closes = clock(value[0], ctx), clock(value[1], ctx)
    if opens >= closes:
        raise Invalid(f"the first time must come before the second (got {show(value)})")
    return opens, closes


def is_url(text: str) -> bool:
    """Whether a value names a URL (``scheme://``) rather than a local path."""
    return bool(_URL.match(text))


def home(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("HOME") or Path.home())


def expand_user(text: str, environ: Mapping[str, str]) -> Path:
    """Expand ``~``; raises ``RuntimeError`` for an unknown ``~user``.

    HOME comes from the environ passed in (not os.environ), so tests and the service
    see the same home as the rest of their settings.
    """
    if text == "~" or text.startswith("~/"):
        return home(environ) / text[2:]
    return Path(text).expanduser()  # ~otheruser, or nothing to expand


def expand_or_keep(text: str, environ: Mapping[str, str]) -> Path:
    # For the config file's own path: an unknown ~user then shows up as "no file here".
    try:
        return expand_user(text, environ)
    except RuntimeError:
        return Path(text)


def local_path(value: object, ctx: CheckContext) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise Invalid(f"expected a file or folder path (got {show(value)})")
    if "\0" in value:
        raise Invalid(f"must not contain a NUL character (got {show(value)})")
    if is_url(value):
        raise Invalid(f"expected a local path, not a URL (got {show(value)})")
    try:
        path = expand_user(value, ctx.environ)
    except RuntimeError:
        raise Invalid(f"cannot expand {value.split('/')[0]} (got {show(value)})") from None
    # Relative to the config file, not to wherever the service happened to start.
    return path if path.is_absolute() else ctx.base / path


def one_of(choices: tuple[str, ...]) -> Check:
    def check(value: object, ctx: CheckContext) -> str:
        if not isinstance(value, str) or value not in choices:
            raise Invalid(f"expected one of: {', '.join(choices)} (got {show(value)})")
        return value

    return check


def boolean(value: object, ctx: CheckContext) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"expected true or false (got {show(value)})")
    return value
