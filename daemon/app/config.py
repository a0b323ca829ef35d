"""Read the TOML config file into typed, frozen ``Settings``.

One schema table (``SECTIONS``) says which keys exist and how each is checked; the
loader walks it, so a new key is one line there and ``config.example.toml`` (whose
coverage a test compares against the table). Every problem is collected with its key
path and reported at once: a user fixes the file in one pass, not one error per run.

Defaults live in ``daemon.domain.settings``; this module only fills in the ones that depend
on the environment (time zone, state file) or on other keys (``calendar.calls_path``).
Files are not required to exist here: the adapters check that when they run, so
``check-config`` works before the calendar or the Maildir has been created.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from daemon.domain.emails import AddressError, parse_address
from daemon.domain.errors import ConfigError
from daemon.domain.settings import (
    WEEKDAYS,
    CalendarSettings,
    DraftSettings,
    FollowupSettings,
    InterviewSettings,
    Profile,
    ServiceSettings,
    Settings,
    StateSettings,
)

APP_DIR = "interview-followup"
CONFIG_ENV = "FOLLOWUP_CONFIG"
STATE_FILE = "state.sqlite3"
#: ``webcal://`` is a calendar app's way of saying "subscribe over HTTP"; read as https.
URL_SCHEMES = ("http", "https", "webcal")
_LOCALTIME = Path("/etc/localtime")
_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
#: Unknown keys that look like credentials get their own message: secrets never go inline.
_SECRET_WORDS = ("password", "passwd", "secret", "token", "api_key", "apikey")


@dataclass(frozen=True)
class Backend:
    """A backend a section can name, and which keys of that section it cannot do without."""

    description: str
    requires: tuple[str, ...] = ()


# Adding a backend is one line here (plus its adapter; new keys go into SECTIONS).
# Backends that need a password will take a ``*_command`` key that prints it.
CALENDAR_BACKENDS: Mapping[str, Backend] = MappingProxyType(
    {"ics": Backend("an .ics file or http(s)/webcal subscription URL", requires=("path",))}
)
DRAFT_BACKENDS: Mapping[str, Backend] = MappingProxyType(
    {"maildir": Backend("a local Maildir folder", requires=("path",))}
)


# --- checks: one function per kind of value --------------------------------------------


class _Invalid(Exception):
    """A value failed its check: ``items`` are (key-path suffix, message) pairs."""

    def __init__(self, message: str = "", *, items: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.items = items if items is not None else [("", message)]


@dataclass(frozen=True)
class _Context:
    """What a check needs besides the value: relative paths and ``~`` depend on these."""

    base: Path
    environ: Mapping[str, str]


Check = Callable[[object, _Context], object]


def _show(value: object) -> str:
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


def _is_one_line(text: str) -> bool:
    # Control characters and line/paragraph separators only: str.isprintable() would
    # also refuse a no-break space or a zero-width joiner, which are fine in a name.
    return not any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in text)


def _line(value: object, ctx: _Context) -> str:
    # Names and phone numbers end up in mail headers and event titles: one line only.
    if not isinstance(value, str):
        raise _Invalid(f"expected a string (got {_show(value)})")
    if not _is_one_line(value):
        raise _Invalid(f"must be one line without control characters (got {_show(value)})")
    return value


def _text(value: object, ctx: _Context) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"expected a string (got {_show(value)})")
    return value


def _email(value: object, ctx: _Context) -> str:
    # The grammar drafts are built with (daemon.domain.emails): an address accepted here
    # is one every draft from or to it can carry.
    text = _line(value, ctx)
    try:
        return str(parse_address(text))
    except AddressError as exc:
        raise _Invalid(
            f"expected an email address like you@example.com; {exc.reason} (got {_show(value)})"
        ) from exc


def _zone(name: str) -> ZoneInfo | None:
    # A zone name is a file name under the tz database: "America" is a folder
    # (IsADirectoryError), 300 characters is too long (OSError), "../x" is refused
    # (ValueError), "Mars/Olympus" is not found (a KeyError). All mean "no such zone".
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _timezone(value: object, ctx: _Context) -> ZoneInfo:
    if not isinstance(value, str):
        raise _Invalid(f"expected an IANA time zone name like Europe/Berlin (got {_show(value)})")
    zone = _zone(value)
    if zone is None:
        raise _Invalid(
            f"unknown time zone {_show(value)} (expected an IANA name like Europe/Berlin)"
        )
    return zone


def _line_list(value: object, ctx: _Context) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Invalid(f"expected a list of strings (got {_show(value)})")
    items: list[tuple[str, str]] = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip() or not _is_one_line(item):
            items.append(
                (f"[{index}]", f"expected a non-empty one-line string (got {_show(item)})")
            )
    if items:
        raise _Invalid(items=items)
    return tuple(item.strip() for item in value)


def _integer(low: int, high: int | None = None) -> Check:
    span = f"from {low} to {high}" if high is not None else f"of {low} or more"

    def check(value: object, ctx: _Context) -> int:
        # bool is an int in Python, but `grace_minutes = true` is a mistake, not a 1.
        if isinstance(value, bool) or not isinstance(value, int):
            hint = ", without quotes" if isinstance(value, str) and value.strip().isdigit() else ""
            raise _Invalid(f"expected a whole number {span}{hint} (got {_show(value)})")
        if value < low or (high is not None and value > high):
            raise _Invalid(f"must be {span} (got {value})")
        return value

    return check


def _backend(table: Mapping[str, Backend]) -> Check:
    def check(value: object, ctx: _Context) -> str:
        if not isinstance(value, str) or value not in table:
            raise _Invalid(f"expected one of: {', '.join(table)} (got {_show(value)})")
        return value

    return check


def _day_number(name: str) -> int | None:
    """``date.weekday()`` of "tue" or "tuesday"; full names are accepted as a courtesy."""
    for names in (WEEKDAYS, _FULL_DAY_NAMES):
        if name in names:
            return names.index(name)
    return None


def _weekdays(value: object, ctx: _Context) -> tuple[int, ...]:
    example = 'a list of day names like ["tue", "wed", "thu"]'
    if not isinstance(value, list):
        raise _Invalid(f"expected {example} (got {_show(value)})")
    if not value:
        raise _Invalid(f"must name at least one day, {example} (got [])")
    days: list[int] = []
    items: list[tuple[str, str]] = []
    for index, item in enumerate(value):
        name = item.strip().lower() if isinstance(item, str) else ""
        day = _day_number(name)
        if day is not None:
            if day in days:
                items.append((f"[{index}]", f"{WEEKDAYS[day]} is listed twice (got {_show(item)})"))
            days.append(day)
            continue
        close = difflib.get_close_matches(name, WEEKDAYS + _FULL_DAY_NAMES, n=1)
        hint = f"did you mean {close[0][:3]}?" if close else f"use {', '.join(WEEKDAYS)}"
        items.append((f"[{index}]", f"unknown day {_show(item)} ({hint})"))
    if items:
        raise _Invalid(items=items)
    return tuple(sorted(days))


def _clock(value: object, ctx: _Context) -> time:
    # TOML has a local-time type (call_time = 10:00:00); a quoted "10:00" is as natural.
    if isinstance(value, time):
        if value.second or value.microsecond:
            raise _Invalid(f"expected whole minutes, like 10:30 (got {_show(value)})")
        return value
    match = _CLOCK.match(value) if isinstance(value, str) else None
    if match is None:
        raise _Invalid(f'expected a 24-hour time "HH:MM", like "10:00" (got {_show(value)})')
    return time(int(match[1]), int(match[2]))


def is_url(text: str) -> bool:
    """Whether a ``calendar.path`` value names a URL rather than a local file."""
    return bool(_URL.match(text))


def _home(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("HOME") or Path.home())


def _expand_user(text: str, environ: Mapping[str, str]) -> Path:
    """Expand ``~``; raises ``RuntimeError`` for an unknown ``~user``.

    HOME comes from the environ passed in (not os.environ), so tests and the service
    see the same home as the rest of their settings.
    """
    if text == "~" or text.startswith("~/"):
        return _home(environ) / text[2:]
    return Path(text).expanduser()  # ~otheruser, or nothing to expand


def _expand_or_keep(text: str, environ: Mapping[str, str]) -> Path:
    # For the config file's own path: an unknown ~user then shows up as "no file here".
    try:
        return _expand_user(text, environ)
    except RuntimeError:
        return Path(text)


def _local_path(value: object, ctx: _Context) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"expected a file or folder path (got {_show(value)})")
    if "\0" in value:
        raise _Invalid(f"must not contain a NUL character (got {_show(value)})")
    if is_url(value):
        raise _Invalid(f"expected a local path, not a URL (got {_show(value)})")
    try:
        path = _expand_user(value, ctx.environ)
    except RuntimeError:
        raise _Invalid(f"cannot expand {value.split('/')[0]} (got {_show(value)})") from None
    # Relative to the config file, not to wherever the service happened to start.
    return path if path.is_absolute() else ctx.base / path


def _source(value: object, ctx: _Context) -> str:
    """``calendar.path``: a local file (made absolute) or a URL (webcal read as https)."""
    if isinstance(value, str) and is_url(value):
        parts = urlsplit(value)
        if parts.scheme.lower() not in URL_SCHEMES:
            raise _Invalid(
                f"unsupported URL scheme {parts.scheme!r}, use {', '.join(URL_SCHEMES)}"
                f" or a local file path (got {_show(value)})"
            )
        if not parts.hostname:
            raise _Invalid(f"expected a URL with a host name (got {_show(value)})")
        if parts.scheme.lower() == "webcal":
            return "https" + value[len(parts.scheme) :]
        return value
    return str(_local_path(value, ctx))


# --- the schema ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Section:
    """One ``[section]``: the settings class it becomes and a check per key."""

    factory: type[Any]
    keys: Mapping[str, Check]
    backends: Mapping[str, Backend] | None = None


#: Keys outside any section.
TOP_LEVEL: Mapping[str, Check] = MappingProxyType({"templates_dir": _local_path})

SECTIONS: Mapping[str, _Section] = MappingProxyType(
    {
        "profile": _Section(
            Profile,
            {
                "name": _line,
                "email": _email,
                "phone": _line,
                "timezone": _timezone,
                "qualifications": _line_list,
                "signature": _text,
            },
        ),
        "calendar": _Section(
            CalendarSettings,
            {"backend": _backend(CALENDAR_BACKENDS), "path": _source, "calls_path": _local_path},
            CALENDAR_BACKENDS,
        ),
        "drafts": _Section(
            DraftSettings,
            {"backend": _backend(DRAFT_BACKENDS), "path": _local_path},
            DRAFT_BACKENDS,
        ),
        "state": _Section(StateSettings, {"path": _local_path}),
        "interviews": _Section(
            InterviewSettings,
            {
                "patterns": _line_list,
                "grace_minutes": _integer(0, 1440),
                "lookback_days": _integer(0),
            },
        ),
        "followup": _Section(
            FollowupSettings,
            {
                "default_wait_days": _integer(1, 90),
                "call_days": _weekdays,
                "call_time": _clock,
                "call_minutes": _integer(5, 240),
            },
        ),
        "service": _Section(ServiceSettings, {"interval_minutes": _integer(1, 1440)}),
    }
)


def known_keys() -> list[str]:
    """Every key path the config file accepts, e.g. ``followup.call_days``."""
    return [*TOP_LEVEL, *(f"{name}.{key}" for name, spec in SECTIONS.items() for key in spec.keys)]


def _unknown(path: str, name: str, known: list[str], kind: str) -> str:
    if any(word in name.lower() for word in _SECRET_WORDS) and not name.endswith("_command"):
        return (
            f"{path}: secrets never go in the config file (backends that need one"
            " will take a *_command key that prints it)"
        )
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}?" if close else f"valid: {', '.join(known)}"
    return f"{path}: unknown {kind} ({hint})"


# --- the environment -------------------------------------------------------------------


def _xdg_dir(environ: Mapping[str, str], variable: str, fallback: str) -> Path:
    # The XDG spec says relative values are invalid and must be ignored.
    value = environ.get(variable, "")
    if value and Path(value).is_absolute():
        return Path(value)
    return _home(environ) / fallback


def find_config(explicit: Path | None, environ: Mapping[str, str]) -> Path:
    """The config file to read: ``--config``, else ``$FOLLOWUP_CONFIG``, else the XDG path."""
    if explicit is not None:
        return _expand_or_keep(str(explicit), environ)
    if environ.get(CONFIG_ENV):
        return _expand_or_keep(environ[CONFIG_ENV], environ)
    return _xdg_dir(environ, "XDG_CONFIG_HOME", ".config") / APP_DIR / "config.toml"


def default_state_path(environ: Mapping[str, str]) -> Path:
    """Where the state store lives when ``state.path`` is not set.

    systemd's ``$STATE_DIRECTORY`` comes first: in a user unit it may differ from the
    XDG path (systemd 252 puts it under ~/.config), and the unit is what the user set up.
    """
    state_directory = environ.get("STATE_DIRECTORY", "").split(":")[0]
    if state_directory and Path(state_directory).is_absolute():
        return Path(state_directory) / STATE_FILE
    return _xdg_dir(environ, "XDG_STATE_HOME", ".local/state") / APP_DIR / STATE_FILE


def _zone_from_path(text: str) -> ZoneInfo | None:
    # ".../zoneinfo/Europe/Berlin" (maybe under posix/ or right/) -> "Europe/Berlin".
    _, found, name = text.lstrip(":").rpartition("zoneinfo/")
    candidates = [name] if found else [text.lstrip(":")]
    candidates += [c.partition("/")[2] for c in candidates if c.startswith(("posix/", "right/"))]
    for candidate in candidates:
        if candidate and (zone := _zone(candidate)) is not None:
            return zone
    return None


def system_timezone(environ: Mapping[str, str], localtime: Path = _LOCALTIME) -> ZoneInfo:
    """The zone to schedule in when ``profile.timezone`` is not set.

    ``$TZ`` (as the C library reads it, ``:Europe/Berlin`` too) when it names an IANA
    zone, else the zone ``/etc/localtime`` links to, else UTC. POSIX rule strings in
    ``$TZ`` (``CET-1CEST``) are not IANA zones and are skipped.
    """
    if environ.get("TZ") and (zone := _zone_from_path(environ["TZ"])) is not None:
        return zone
    try:
        target = str(localtime.readlink())
    except (OSError, ValueError):  # not a link, absent, or not allowed
        return ZoneInfo("UTC")
    return _zone_from_path(target) or ZoneInfo("UTC")


# --- loading ---------------------------------------------------------------------------


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            [f"{path}: no config file here; run `followup init` to write a starter one"]
        ) from None
    except OSError as error:
        raise ConfigError([f"{path}: cannot read ({error.strerror or error})"]) from error
    try:
        text = raw.decode("utf-8-sig")  # tolerate the BOM some Windows editors write
    except UnicodeDecodeError as error:
        raise ConfigError([f"{path}: not UTF-8 text (bad byte at offset {error.start})"]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([_syntax_problem(path, text, error)]) from error


def _syntax_problem(path: Path, text: str, error: tomllib.TOMLDecodeError) -> str:
    # Python 3.11's tomllib has the position only in the message: "... (at line 3, column 9)".
    message = str(error)
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if match:
        where = f"line {match[1]}, column {match[2]}"
        message = message[: match.start()]
    elif message.endswith("(at end of document)"):
        where = f"end of file (line {text.count(chr(10)) + 1})"
        message = message.removesuffix("(at end of document)").rstrip()
    else:
        where = "unknown position"
    return f"{path}: TOML syntax error at {where}: {message}"


def _check_table(
    prefix: str, table: Mapping[str, object], keys: Mapping[str, Check], ctx: _Context
) -> tuple[dict[str, Any], list[str], set[str]]:
    """Check every key of one table: (parsed values, problems, keys that were invalid)."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    invalid: set[str] = set()
    for name, value in table.items():
        path = f"{prefix}{name}"
        if name not in keys:
            problems.append(_unknown(path, name, list(keys), "key"))
            continue
        try:
            values[name] = keys[name](value, ctx)
        except _Invalid as error:
            invalid.add(name)
            problems.extend(f"{path}{suffix}: {message}" for suffix, message in error.items)
    return values, problems, invalid


def parse_settings(
    data: Mapping[str, object],
    *,
    base_dir: Path,
    environ: Mapping[str, str],
    source: Path | None = None,
) -> Settings:
    """Turn parsed TOML into ``Settings``, or raise ``ConfigError`` with every problem.

    ``base_dir`` is where relative paths point (the config file's folder).
    """
    ctx = _Context(base=base_dir, environ=environ)
    problems: list[str] = []
    top: dict[str, object] = {}
    for name, value in data.items():
        if name in SECTIONS:
            if not isinstance(value, dict):
                problems.append(f"{name}: expected a table [{name}] (got {_show(value)})")
        elif name in TOP_LEVEL:
            top[name] = value
        else:
            kind = "section" if isinstance(value, dict) else "key"
            problems.append(_unknown(name, name, [*SECTIONS, *TOP_LEVEL], kind))
    top_values, top_problems, _ = _check_table("", top, TOP_LEVEL, ctx)
    problems += top_problems

    sections: dict[str, dict[str, Any]] = {}
    invalid: dict[str, set[str]] = {}
    for name, spec in SECTIONS.items():
        raw = data.get(name)
        table = raw if isinstance(raw, dict) else {}
        sections[name], section_problems, invalid[name] = _check_table(
            f"{name}.", table, spec.keys, ctx
        )
        problems += section_problems
        if spec.backends is not None and "backend" not in invalid[name]:
            backend_name = sections[name].get("backend", spec.factory().backend)
            backend = spec.backends[backend_name]
            problems += [
                f"{name}.{key}: required by backend {backend_name!r} ({backend.description})"
                for key in backend.requires
                if key not in table
            ]

    problems += _fill_derived(sections, invalid, environ)
    if problems:
        raise ConfigError(problems)
    parts = {name: SECTIONS[name].factory(**values) for name, values in sections.items()}
    return Settings(**parts, **top_values, source=source)


def _fill_derived(
    sections: dict[str, dict[str, Any]], invalid: dict[str, set[str]], environ: Mapping[str, str]
) -> list[str]:
    """Defaults that depend on the environment or on other keys; problems between keys."""
    problems: list[str] = []
    sections["profile"].setdefault("timezone", system_timezone(environ))
    sections["state"].setdefault("path", default_state_path(environ))
    calendar = sections["calendar"]
    path = calendar.get("path")  # absent when missing or invalid: reported already
    if "calls_path" not in calendar and "calls_path" not in invalid["calendar"] and path:
        # The service writes calls into a local file; a subscription URL is read-only.
        if is_url(path):
            problems.append(
                "calendar.calls_path: required when calendar.path is a URL"
                " (a local .ics file where follow-up calls are written)"
            )
        else:
            calendar["calls_path"] = Path(path)
    return problems


def load_settings(path: Path, environ: Mapping[str, str] = os.environ) -> Settings:
    """Read and check the config file; raise ``ConfigError`` listing every problem."""
    path = _expand_or_keep(str(path), environ).absolute()
    return parse_settings(_read(path), base_dir=path.parent, environ=environ, source=path)


# --- the starter config and check-config output ---------------------------------------


def _toml_string(text: str) -> str:
    """A TOML basic string: escapes what TOML forbids raw (controls, DEL, quote, backslash)."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _optional(key: str, value: str, placeholder: str) -> str:
    # Left unset, a key is written commented out, so no placeholder ends up in a note.
    return f"{key} = {_toml_string(value)}" if value else f"# {key} = {_toml_string(placeholder)}"


def starter_config(
    *,
    name: str = "",
    email: str = "",
    timezone: str = "",
    calendar_path: str = "calendar.ics",
    drafts_path: str = "Drafts",
) -> str:
    """The text ``followup init`` writes: commented, and valid as written.

    Relative paths in it are relative to the folder it is written to. Raises
    ``ConfigError`` if a given value would make it invalid (e.g. a malformed email).
    """
    calls = 'calls_path = "calls.ics"' if is_url(calendar_path) else '# calls_path = "calls.ics"'
    text = f"""\
# interview-followup settings, written by `followup init`.
#
# Edit the lines marked EDIT, then run `followup check-config`.
# config.example.toml, shipped with interview-followup, describes every setting;
# everything not written here has a sensible default.
# Relative paths are relative to the folder of this file; ~ is your home folder.

[profile]
# EDIT: your name and email address, as your notes are signed.
{_optional("name", name, "Your Name")}
{_optional("email", email, "you@example.com")}
# phone = "+1 555 0100"
# Your IANA time zone; follow-up calls are scheduled in it.
# Left out, the system's time zone is used.
{_optional("timezone", timezone, "Europe/Berlin")}
# EDIT: what makes you a fit for the jobs you apply for; each note restates them.
qualifications = [
    # "Eight years of backend development in Python",
    # "Led a team of five through a database migration",
]
# signature = \"\"\"
# Best regards,
# Your Name\"\"\"

[calendar]
backend = "ics"
# EDIT: the .ics file with your interviews, or its https:// subscription URL.
path = {_toml_string(calendar_path)}
# The local .ics file follow-up calls are written to.
# Defaults to path; required when path is a URL.
{calls}

[drafts]
backend = "maildir"
# EDIT: the Maildir folder your mail program shows as drafts.
# Notes are only ever saved here as drafts: nothing is sent without you.
path = {_toml_string(drafts_path)}
"""
    # Built by the same rules it will be loaded by: a starter that fails to load
    # would be the worst first impression.
    parse_settings(tomllib.loads(text), base_dir=Path("/"), environ={"TZ": "UTC", "HOME": "/"})
    return text


def describe(settings: Settings) -> list[str]:
    """Lines for ``followup check-config``: what the settings resolved to."""
    profile, calendar, drafts = settings.profile, settings.calendar, settings.drafts
    rules, interviews = settings.followup, settings.interviews
    days = ", ".join(WEEKDAYS[day].capitalize() for day in rules.call_days)
    patterns = ", ".join(repr(p) for p in interviews.patterns) or "(none)"
    signer = " ".join(filter(None, [profile.name, f"<{profile.email}>" if profile.email else ""]))
    return [
        f"config file:     {settings.source or '(none)'}",
        f"you:             {signer or '(no name or email set)'}",
        f"time zone:       {profile.timezone}",
        f"calendar:        {calendar.backend}, reading {calendar.path}",
        f"follow-up calls: written to {calendar.calls_path}",
        f"drafts:          {drafts.backend}, in {drafts.path}",
        f"state:           {settings.state.path}",
        f"templates:       {settings.templates_dir or 'bundled'}",
        f"interviews:      titles containing {patterns}, or tagged #interview",
        f"notes drafted:   {interviews.grace_minutes} min after an interview ends,"
        f" for interviews up to {interviews.lookback_days} days old",
        f"first call:      {rules.default_wait_days} days after the interview"
        " when no hear-back date is given",
        f"call slots:      {days} at {rules.call_time:%H:%M} for {rules.call_minutes} min"
        f" ({profile.timezone})",
        f"cycle:           every {settings.service.interval_minutes} min",
    ]
