"""Read the TOML config file into typed, frozen ``Settings``.

The core's own sections are one schema table (``SECTIONS``); the ``[calendar]`` and
``[drafts]`` sections and the providers' tables (``[google]``) are whatever the
backends in ``daemon.app.registry`` declare. The loader walks both, so a new core
key is one line in ``SECTIONS`` and a new backend brings its keys along; a test
compares both against ``config.example.toml``. Every problem is collected with its
key path and reported at once: a user fixes the file in one pass, not one error per run.

Defaults live in ``daemon.domain.settings`` and in the backends' declarations; this
module fills in the ones that depend on the environment (time zone, state file).
Files are not required to exist here: the adapters check that when they run, so
``check-config`` works before the calendar or the Maildir has been created.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from daemon.app import checks
from daemon.app.backends import Port, Setting
from daemon.app.checks import Check, CheckContext, Invalid
from daemon.app.countries import holiday_region, user_country
from daemon.app.registry import DEFAULTS, registry
from daemon.domain.errors import ConfigError
from daemon.domain.settings import (
    WEEKDAYS,
    BackendChoice,
    CoachSettings,
    DebriefSettings,
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
_LOCALTIME = Path("/etc/localtime")
#: Unknown keys that look like credentials get their own message: secrets never go inline.
_SECRET_WORDS = ("password", "passwd", "secret", "token", "api_key", "apikey")


# --- the schema ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Section:
    """One ``[section]`` of the core: the settings class it becomes and a check per key."""

    factory: type[Any]
    keys: Mapping[str, Check]


def _email_list(value: object, ctx: CheckContext) -> tuple[str, ...]:
    """A list of addresses, each checked like ``profile.email``."""
    items = checks.line_list(value, ctx)
    problems: list[tuple[str, str]] = []
    addresses: list[str] = []
    for index, item in enumerate(items):
        try:
            addresses.append(checks.email(item, ctx))
        except Invalid as error:
            problems.append((f"[{index}]", str(error)))
    if problems:
        raise Invalid(items=problems)
    return tuple(addresses)


def _address_patterns(value: object, ctx: CheckContext) -> tuple[str, ...]:
    """Shell-style address patterns (``*@ats.example.com``, ``talent-*@*``)."""
    items = checks.line_list(value, ctx)
    problems = [
        (f"[{index}]", f"expected an address pattern like *@ats.example.com (got {item!r})")
        for index, item in enumerate(items)
        if "@" not in item or any(char.isspace() for char in item)
    ]
    if problems:
        raise Invalid(items=problems)
    return tuple(item.casefold() for item in items)


#: Keys outside any section.
TOP_LEVEL: Mapping[str, Check] = MappingProxyType({"templates_dir": checks.local_path})

SECTIONS: Mapping[str, _Section] = MappingProxyType(
    {
        "profile": _Section(
            Profile,
            {
                "name": checks.line,
                "email": checks.email,
                "phone": checks.line,
                "timezone": checks.timezone,
                "qualifications": checks.line_list,
                "signature": checks.text,
                "aliases": _email_list,
            },
        ),
        "state": _Section(StateSettings, {"path": checks.local_path}),
        "interviews": _Section(
            InterviewSettings,
            {
                "patterns": checks.line_list,
                "grace_minutes": checks.integer(0, 1440),
                "lookback_days": checks.integer(0),
                "not_people": _address_patterns,
            },
        ),
        "followup": _Section(
            FollowupSettings,
            {
                "default_wait_days": checks.integer(1, 90),
                "call_days": checks.weekdays,
                "call_time": checks.clock,
                "call_minutes": checks.integer(5, 240),
                "holidays": holiday_region,
                "business_hours": checks.clock_span,
            },
        ),
        "debrief": _Section(
            DebriefSettings,
            {
                "enabled": checks.boolean,
                "minutes": checks.integer(5, 240),
                "reminder_minutes": checks.integer(0, 240),
            },
        ),
        "service": _Section(ServiceSettings, {"interval_minutes": checks.integer(1, 1440)}),
        "coach": _Section(
            CoachSettings,
            {
                "tone_check": checks.boolean,
                "similarity_check": checks.boolean,
                "similarity_percent": checks.integer(50, 100),
                "send_by_hours": checks.integer(0, 23),
                "replies": checks.boolean,
                "handwritten": checks.boolean,
                "handwritten_time": checks.clock,
                "cards_dir": checks.local_path,
                "texts": checks.boolean,
            },
        ),
    }
)


def known_keys() -> list[str]:
    """Every key path the config file accepts, e.g. ``followup.call_days``."""
    keys = [*TOP_LEVEL, *(f"{name}.{key}" for name, spec in SECTIONS.items() for key in spec.keys)]
    for port in Port:
        keys.append(f"{port.value}.backend")
        for backend in registry().for_port(port):
            keys += [
                f"{port.value}.{key}"
                for key in backend.settings
                if f"{port.value}.{key}" not in keys
            ]
    for provider in registry().providers.values():
        keys += [f"{provider.name}.{key}" for key in provider.settings]
    return keys


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
    return checks.home(environ) / fallback


def find_config(explicit: Path | None, environ: Mapping[str, str]) -> Path:
    """The config file to read: ``--config``, else ``$FOLLOWUP_CONFIG``, else the XDG path."""
    if explicit is not None:
        return checks.expand_or_keep(str(explicit), environ)
    if environ.get(CONFIG_ENV):
        return checks.expand_or_keep(environ[CONFIG_ENV], environ)
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


def default_cards_dir(environ: Mapping[str, str]) -> Path:
    """Where printable cards for handwritten notes go when ``coach.cards_dir`` is not set."""
    return _xdg_dir(environ, "XDG_DATA_HOME", ".local/share") / APP_DIR / "cards"


def _zone_from_path(text: str) -> ZoneInfo | None:
    # ".../zoneinfo/Europe/Berlin" (maybe under posix/ or right/) -> "Europe/Berlin".
    _, found, name = text.lstrip(":").rpartition("zoneinfo/")
    candidates = [name] if found else [text.lstrip(":")]
    candidates += [c.partition("/")[2] for c in candidates if c.startswith(("posix/", "right/"))]
    for candidate in candidates:
        if candidate and (zone := checks.find_zone(candidate)) is not None:
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
    prefix: str,
    table: Mapping[str, object],
    keys: Mapping[str, Check],
    ctx: CheckContext,
    valid: list[str] | None = None,
) -> tuple[dict[str, Any], list[str], set[str]]:
    """Check every key of one table: (parsed values, problems, keys that were invalid).

    ``valid`` is what an unknown key's message lists (default: ``keys``).
    """
    values: dict[str, Any] = {}
    problems: list[str] = []
    invalid: set[str] = set()
    for name, value in table.items():
        path = f"{prefix}{name}"
        if name not in keys:
            problems.append(_unknown(path, name, valid or list(keys), "key"))
            continue
        try:
            values[name] = keys[name](value, ctx)
        except Invalid as error:
            invalid.add(name)
            problems.extend(f"{path}{suffix}: {message}" for suffix, message in error.items)
    return values, problems, invalid


def _check_settings(
    prefix: str,
    table: Mapping[str, object],
    settings: Mapping[str, Setting],
    ctx: CheckContext,
    *,
    required_by: str,
    valid: list[str] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """A backend's or provider's table: each key checked, required keys present."""
    checks_by_key = {key: setting.check for key, setting in settings.items()}
    values, problems, _ = _check_table(prefix, table, checks_by_key, ctx, valid)
    problems += [
        f"{prefix}{key}: required by {required_by}"
        for key, setting in settings.items()
        if setting.required and key not in table
    ]
    return values, problems


def _port_section(
    port: Port, table: Mapping[str, object], ctx: CheckContext
) -> tuple[BackendChoice | None, str | None, list[str]]:
    """``[calendar]`` or ``[drafts]``: the backend named, and its own keys checked."""
    section = port.value
    name = table.get("backend", DEFAULTS[port])
    choices = [backend.name for backend in registry().for_port(port)]
    backend = registry().backend(port, name) if isinstance(name, str) else None
    if backend is None:
        return (
            None,
            None,
            [f"{section}.backend: expected one of: {', '.join(choices)} (got {checks.show(name)})"],
        )
    options = {key: value for key, value in table.items() if key != "backend"}
    values, problems = _check_settings(
        f"{section}.",
        options,
        backend.settings,
        ctx,
        required_by=f"backend {backend.name!r} ({backend.description})",
        valid=["backend", *backend.settings],
    )
    if not problems:
        problems += [f"{section}.{key}: {message}" for key, message in backend.finish(values, ctx)]
    return BackendChoice(backend.name, MappingProxyType(values)), backend.provider, problems


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
    ctx = CheckContext(base=base_dir, environ=environ)
    providers = registry().providers
    tables = [*SECTIONS, *(port.value for port in Port), *providers]
    # Problems are shown in the order the sections appear in config.example.toml.
    by_table: dict[str, list[str]] = {
        name: [] for name in ("profile", "calendar", "drafts", *SECTIONS, *providers)
    }
    problems: list[str] = []
    top: dict[str, object] = {}
    for name, value in data.items():
        if name in tables:
            if not isinstance(value, dict):
                problems.append(f"{name}: expected a table [{name}] (got {checks.show(value)})")
        elif name in TOP_LEVEL:
            top[name] = value
        else:
            kind = "section" if isinstance(value, dict) else "key"
            problems.append(_unknown(name, name, [*tables, *TOP_LEVEL], kind))
    top_values, top_problems, _ = _check_table("", top, TOP_LEVEL, ctx)
    problems += top_problems

    def table_of(name: str) -> Mapping[str, object]:
        raw = data.get(name)
        return raw if isinstance(raw, dict) else {}

    sections: dict[str, dict[str, Any]] = {}
    for name, spec in SECTIONS.items():
        sections[name], by_table[name], _ = _check_table(f"{name}.", table_of(name), spec.keys, ctx)

    choices: dict[str, BackendChoice] = {}
    used: set[str] = set()
    for port in Port:
        choice, provider_name, by_table[port.value] = _port_section(port, table_of(port.value), ctx)
        if choice is not None:
            choices[port.value] = choice
        if provider_name is not None:
            used.add(provider_name)

    provider_values: dict[str, Mapping[str, Any]] = {}
    for name, provider in providers.items():
        table = table_of(name)
        if not table and name not in used:
            continue
        values, provider_problems = _check_settings(
            f"{name}.", table, provider.settings, ctx, required_by=provider.description
        )
        if name not in used:
            # Checked so a typo shows, but nothing is required of an unused provider.
            provider_problems = [p for p in provider_problems if "required by" not in p]
        elif not provider_problems:
            provider_problems += [
                f"{name}.{key}: {message}" for key, message in provider.finish(values, ctx)
            ]
        by_table[name] = provider_problems
        provider_values[name] = MappingProxyType(values)

    sections["profile"].setdefault("timezone", system_timezone(environ))
    sections["state"].setdefault("path", default_state_path(environ))
    if "holidays" not in sections["followup"] and not by_table["profile"]:
        sections["followup"]["holidays"] = user_country(Profile(**sections["profile"]))
    sections["coach"].setdefault("cards_dir", default_cards_dir(environ))
    problems += [problem for table_problems in by_table.values() for problem in table_problems]
    if problems:
        raise ConfigError(problems)
    parts = {name: SECTIONS[name].factory(**values) for name, values in sections.items()}
    return Settings(
        **parts,
        calendar=choices["calendar"],
        drafts=choices["drafts"],
        providers=MappingProxyType(provider_values),
        **top_values,
        source=source,
    )


def load_settings(path: Path, environ: Mapping[str, str] = os.environ) -> Settings:
    """Read and check the config file; raise ``ConfigError`` listing every problem."""
    path = checks.expand_or_keep(str(path), environ).absolute()
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


def _starter_section(port: Port, given: Mapping[str, str]) -> str:
    """A port's section for ``init``, from its default backend's declaration."""
    backend = registry().backend(port, DEFAULTS[port])
    assert backend is not None, port
    lines = [f"[{port.value}]", f"backend = {_toml_string(backend.name)}"]
    for key, setting in backend.settings.items():
        value = given.get(key, "")
        lines.append(f"# {'EDIT: ' if setting.required else ''}{setting.doc}")
        if setting.required or value:
            lines.append(f"{key} = {_toml_string(value or setting.example)}")
        else:
            lines.append(f"# {key} = {_toml_string(setting.example)}")
    return "\n".join(lines) + "\n"


def starter_config(
    *,
    name: str = "",
    email: str = "",
    timezone: str = "",
    calendar: Mapping[str, str] | None = None,
    drafts: Mapping[str, str] | None = None,
) -> str:
    """The text ``followup init`` writes: commented, and valid as written.

    ``calendar`` and ``drafts`` give values for the default backends' keys. Relative
    paths in it are relative to the folder it is written to. Raises ``ConfigError``
    if a given value would make it invalid (e.g. a malformed email).
    """
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

{_starter_section(Port.CALENDAR, calendar or {})}
# Notes are only ever saved as drafts: nothing is sent without you.
{_starter_section(Port.DRAFTS, drafts or {})}"""
    # Built by the same rules it will be loaded by: a starter that fails to load
    # would be the worst first impression.
    parse_settings(tomllib.loads(text), base_dir=Path("/"), environ={"TZ": "UTC", "HOME": "/"})
    return text


def _backend_lines(port: Port, choice: BackendChoice) -> list[tuple[str, str]]:
    backend = registry().backend(port, choice.backend)
    if backend is None:
        return [(port.value, f"{choice.backend} (unknown backend)")]
    if backend.settings and not choice.options:
        return [(port.value, f"{choice.backend} (not configured)")]
    return backend.describe(choice.options) or [(port.value, choice.backend)]


def _coach_lines(settings: Settings) -> list[tuple[str, str]]:
    coach = settings.coach
    on = {True: "on", False: "off"}
    send_by = (
        f"{coach.send_by_hours} h before the 24-hour mark, while notes are unsent"
        if coach.send_by_hours
        else "off"
    )
    handwritten = (
        f"{coach.handwritten_time:%H:%M} the morning after, cards in {coach.cards_dir}"
        if coach.handwritten
        else "off"
    )
    return [
        ("tone check", on[coach.tone_check]),
        (
            "alike notes",
            f"flagged at {coach.similarity_percent}% alike" if coach.similarity_check else "off",
        ),
        ("send-by", send_by),
        ("replies", "read from the inbox" if coach.replies else "off"),
        ("handwritten", handwritten),
        ("texts", on[coach.texts]),
    ]


def describe(settings: Settings) -> list[str]:
    """Lines for ``followup check-config``: what the settings resolved to."""
    profile = settings.profile
    rules, interviews = settings.followup, settings.interviews
    days = ", ".join(WEEKDAYS[day].capitalize() for day in rules.call_days)
    patterns = ", ".join(repr(p) for p in interviews.patterns) or "(none)"
    signer = " ".join(filter(None, [profile.name, f"<{profile.email}>" if profile.email else ""]))
    if profile.aliases:
        signer += f" (also {', '.join(profile.aliases)})"
    pairs: list[tuple[str, str]] = [
        ("config file", str(settings.source or "(none)")),
        ("you", signer or "(no name or email set)"),
        ("time zone", str(profile.timezone)),
        *_backend_lines(Port.CALENDAR, settings.calendar),
        *_backend_lines(Port.DRAFTS, settings.drafts),
    ]
    for name, options in settings.providers.items():
        provider = registry().providers.get(name)
        if provider is not None:
            pairs += provider.describe(options)
    pairs += [
        ("state", str(settings.state.path)),
        ("templates", str(settings.templates_dir or "bundled")),
        ("interviews", f"titles containing {patterns}, or tagged #interview"),
        *(
            [("not people", ", ".join(interviews.not_people) + " (and the built-in list)")]
            if interviews.not_people
            else []
        ),
        (
            "notes drafted",
            f"{interviews.grace_minutes} min after an interview ends,"
            f" for interviews up to {interviews.lookback_days} days old",
        ),
        (
            "first call",
            f"{rules.default_wait_days} days after the interview when no hear-back date is given",
        ),
        (
            "call slots",
            f"{days} at {rules.call_time:%H:%M} for {rules.call_minutes} min ({profile.timezone})",
        ),
        *_debrief_lines(settings),
        ("cycle", f"every {settings.service.interval_minutes} min"),
        *_coach_lines(settings),
    ]
    return [f"{label + ':':<16} {value}" for label, value in pairs]


def _debrief_lines(settings: Settings) -> list[tuple[str, str]]:
    rules, debrief = settings.followup, settings.debrief
    opens, closes = rules.business_hours
    reminder = (
        f", a reminder {debrief.reminder_minutes} min before the interview ends"
        if debrief.reminder_minutes
        else ", no reminder"
    )
    return [
        (
            "holidays",
            f"no calls on public holidays in {rules.holidays}"
            if rules.holidays
            else "none skipped (set [followup] holidays)",
        ),
        ("business hours", f"{opens:%H:%M}-{closes:%H:%M}, yours and the employer's"),
        (
            "debrief",
            f"a notes form at each interview's end, {debrief.minutes} min{reminder}"
            if debrief.enabled
            else "off",
        ),
    ]
