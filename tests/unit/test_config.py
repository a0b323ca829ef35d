"""The config loader: every key, its defaults, and the problems it reports."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import replace
from datetime import time
from pathlib import Path

import pytest

from daemon.app.backends import Port
from daemon.app.config import (
    SECTIONS,
    TOP_LEVEL,
    default_state_path,
    describe,
    find_config,
    known_keys,
    load_settings,
    starter_config,
    system_timezone,
)
from daemon.app.registry import registry
from daemon.domain.errors import ConfigError
from daemon.domain.settings import DEFAULT_PATTERNS, Settings

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "config.example.toml"

REQUIRED = """
[calendar]
path = "calendar.ics"
[drafts]
path = "Drafts"
"""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def environ(home: Path) -> dict[str, str]:
    # TZ pins the default zone: the machine's /etc/localtime must not leak into tests.
    return {"HOME": str(home), "TZ": "America/Chicago"}


def write(folder: Path, text: str, name: str = "config.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str, environ: dict[str, str]) -> Settings:
    return load_settings(write(tmp_path / "conf", text), environ)


def problems(tmp_path: Path, text: str, environ: dict[str, str]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text, environ)
    return caught.value.problems


# --- every key parsed ------------------------------------------------------------------


FULL = """
templates_dir = "templates"

[profile]
name = "Alex Example"
email = "alex@example.com"
phone = "+1 555 0100"
timezone = "Europe/Berlin"
qualifications = ["Python", " SQL "]
signature = "Best,\\nAlex"

[calendar]
backend = "ics"
path = "https://example.com/cal.ics"
calls_path = "calls.ics"

[drafts]
backend = "maildir"
path = "/mail/Drafts"

[state]
path = "state/db.sqlite3"

[interviews]
patterns = ["chat", "meet"]
grace_minutes = 0
lookback_days = 0

[followup]
default_wait_days = 90
call_days = ["FRI", "mon"]
call_time = "9:05"
call_minutes = 240

[service]
interval_minutes = 1440
"""


def test_every_key_is_parsed(tmp_path: Path, environ: dict[str, str]) -> None:
    settings = load(tmp_path, FULL, environ)
    folder = tmp_path / "conf"

    assert settings.source == folder / "config.toml"
    assert settings.templates_dir == folder / "templates"
    profile = settings.profile
    assert (profile.name, profile.email, profile.phone) == (
        "Alex Example",
        "alex@example.com",
        "+1 555 0100",
    )
    assert str(profile.timezone) == "Europe/Berlin"
    assert profile.qualifications == ("Python", "SQL")
    assert profile.signature == "Best,\nAlex"
    assert settings.calendar.backend == "ics"
    assert settings.calendar.options["path"] == "https://example.com/cal.ics"
    assert settings.calendar.options["calls_path"] == folder / "calls.ics"
    assert settings.drafts.backend == "maildir"
    assert settings.drafts.options["path"] == Path("/mail/Drafts")
    assert settings.state.path == folder / "state/db.sqlite3"
    assert settings.interviews.patterns == ("chat", "meet")
    assert settings.interviews.grace_minutes == 0
    assert settings.interviews.lookback_days == 0
    assert settings.followup.default_wait_days == 90
    assert settings.followup.call_days == (0, 4)  # sorted weekday numbers
    assert settings.followup.call_time == time(9, 5)
    assert settings.followup.call_minutes == 240
    assert settings.service.interval_minutes == 1440


def test_settings_are_frozen(tmp_path: Path, environ: dict[str, str]) -> None:
    settings = load(tmp_path, REQUIRED, environ)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.service.interval_minutes = 1  # type: ignore[misc]


def test_schema_covers_every_settings_field() -> None:
    # A field added to daemon.domain.settings without a config key (or the reverse) fails here.
    for name, section in SECTIONS.items():
        field_names = {f.name for f in dataclasses.fields(section.factory)}
        assert field_names == set(section.keys), name
    ports = {"calendar", "drafts", "providers"}
    top_fields = {f.name for f in dataclasses.fields(Settings)} - set(SECTIONS) - {"source"} - ports
    assert top_fields == set(TOP_LEVEL)


def test_backend_tables_hold_todays_backends() -> None:
    assert sorted(b.name for b in registry().for_port(Port.CALENDAR)) == ["google", "ics"]
    assert sorted(b.name for b in registry().for_port(Port.DRAFTS)) == ["gmail", "maildir"]


# --- defaults --------------------------------------------------------------------------


def test_defaults(tmp_path: Path, environ: dict[str, str], home: Path) -> None:
    settings = load(tmp_path, REQUIRED, environ)
    folder = tmp_path / "conf"
    defaults = Settings()

    assert settings.profile.name == settings.profile.email == ""
    assert str(settings.profile.timezone) == "America/Chicago"  # from $TZ
    assert settings.profile.qualifications == ()
    assert settings.calendar.options["path"] == str(folder / "calendar.ics")
    assert settings.calendar.options["calls_path"] == folder / "calendar.ics"  # calls go into path
    assert settings.state.path == home / ".local/state/interview-followup/state.sqlite3"
    assert settings.templates_dir is None
    assert settings.interviews.patterns == DEFAULT_PATTERNS
    assert settings.interviews == defaults.interviews
    # No phone number: the country of the time zone ($TZ) has the holidays.
    assert settings.followup == replace(defaults.followup, holidays="US")
    assert settings.debrief == defaults.debrief
    assert settings.followup.call_days == (1, 2, 3)
    assert settings.followup.call_time == time(10, 0)
    assert settings.service == defaults.service


def test_empty_patterns_means_tag_only(tmp_path: Path, environ: dict[str, str]) -> None:
    settings = load(tmp_path, REQUIRED + "[interviews]\npatterns = []\n", environ)
    assert settings.interviews.patterns == ()


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, "HOME/.local/state/interview-followup/state.sqlite3"),
        ({"XDG_STATE_HOME": "/xdg"}, "/xdg/interview-followup/state.sqlite3"),
        (
            {"XDG_STATE_HOME": "relative/ignored"},
            "HOME/.local/state/interview-followup/state.sqlite3",
        ),
        ({"XDG_STATE_HOME": "/xdg", "STATE_DIRECTORY": "/sd"}, "/sd/state.sqlite3"),
        ({"STATE_DIRECTORY": "/sd/one:/sd/two"}, "/sd/one/state.sqlite3"),
    ],
)
def test_default_state_path(home: Path, extra: dict[str, str], expected: str) -> None:
    environ = {"HOME": str(home), **extra}
    assert default_state_path(environ) == Path(expected.replace("HOME", str(home)))


def test_explicit_state_path_beats_state_directory(tmp_path: Path, environ: dict[str, str]) -> None:
    environ["STATE_DIRECTORY"] = "/sd"
    settings = load(tmp_path, REQUIRED + '[state]\npath = "/data/s.db"\n', environ)
    assert settings.state.path == Path("/data/s.db")


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        ("Asia/Tokyo", "Asia/Tokyo"),
        (":Asia/Tokyo", "Asia/Tokyo"),
        (":/usr/share/zoneinfo/Asia/Tokyo", "Asia/Tokyo"),
        ("CET-1CEST", "Europe/Lisbon"),  # a POSIX rule, not IANA: the link decides
        ("", "Europe/Lisbon"),
    ],
)
def test_system_timezone_from_tz_then_localtime(tmp_path: Path, tz: str, expected: str) -> None:
    localtime = tmp_path / "localtime"
    localtime.symlink_to("/usr/share/zoneinfo/Europe/Lisbon")
    assert str(system_timezone({"TZ": tz}, localtime)) == expected


def test_system_timezone_falls_back_to_utc(tmp_path: Path) -> None:
    copied = tmp_path / "localtime"
    copied.write_bytes(b"TZif")  # a copy, not a link: the name cannot be known
    assert str(system_timezone({}, copied)) == "UTC"
    assert str(system_timezone({}, tmp_path / "absent")) == "UTC"
    bad_link = tmp_path / "bad"
    bad_link.symlink_to("/usr/share/zoneinfo/Mars/Olympus")
    assert str(system_timezone({"TZ": "Nowhere/Land"}, bad_link)) == "UTC"


# --- unknown sections and keys ---------------------------------------------------------


def test_unknown_key_suggests_the_close_one(tmp_path: Path, environ: dict[str, str]) -> None:
    text = '[calendar]\npathh = "x.ics"\npath = "c.ics"\n[drafts]\npath = "D"\n'
    assert problems(tmp_path, text, environ) == ["calendar.pathh: unknown key (did you mean path?)"]


def test_unknown_key_without_a_close_match_lists_the_valid_ones(
    tmp_path: Path, environ: dict[str, str]
) -> None:
    found = problems(tmp_path, REQUIRED + "[service]\nfrobnicate = 1\n", environ)
    assert found == ["service.frobnicate: unknown key (valid: interval_minutes)"]


def test_unknown_section_and_top_level_key(tmp_path: Path, environ: dict[str, str]) -> None:
    text = REQUIRED + 'template_dir = "t"\n'  # after a table: TOML puts it in [drafts]
    assert problems(tmp_path, text, environ) == [
        "drafts.template_dir: unknown key (valid: backend, path)"
    ]
    text = 'template_dir = "t"\n' + REQUIRED + "[calender]\nx = 1\n[servce]\n"
    assert problems(tmp_path, text, environ) == [
        "template_dir: unknown key (did you mean templates_dir?)",
        "calender: unknown section (did you mean calendar?)",
        "servce: unknown section (did you mean service?)",
    ]


def test_nested_table_is_an_unknown_key(tmp_path: Path, environ: dict[str, str]) -> None:
    found = problems(tmp_path, REQUIRED + "[calendar.google]\nid = 1\n", environ)
    assert found == ["calendar.google: unknown key (valid: backend, path, calls_path)"]


@pytest.mark.parametrize("key", ["password", "imap_password", "api_token", "client_secret"])
def test_inline_secrets_are_refused(tmp_path: Path, environ: dict[str, str], key: str) -> None:
    found = problems(tmp_path, REQUIRED + f'{key} = "hunter2"\n', environ)
    assert len(found) == 1
    assert found[0].startswith(f"drafts.{key}: secrets never go in the config file")
    assert "*_command" in found[0]
    assert "hunter2" not in found[0]


# --- several problems at once, wrong types ---------------------------------------------


def test_every_problem_is_reported_at_once(tmp_path: Path, environ: dict[str, str]) -> None:
    text = """
[profile]
timezone = "Mars/Olympus"
email = "not an address"
[calendar]
backend = "outlook"
[drafts]
pth = "Drafts"
[interviews]
grace_minutes = "60"
patterns = ["interview", "", 3]
[followup]
call_days = ["tue", "tues", "Tue"]
call_time = "25:00"
"""
    assert problems(tmp_path, text, environ) == [
        "profile.timezone: unknown time zone 'Mars/Olympus' (expected an IANA name like"
        " Europe/Berlin)",
        "profile.email: expected an email address like you@example.com; it contains a space"
        " (got 'not an address')",
        "calendar.backend: expected one of: google, ics (got 'outlook')",
        "drafts.pth: unknown key (did you mean path?)",
        "drafts.path: required by backend 'maildir' (a local Maildir folder)",
        "interviews.grace_minutes: expected a whole number from 0 to 1440, without quotes"
        " (got '60')",
        "interviews.patterns[1]: expected a non-empty one-line string (got '')",
        "interviews.patterns[2]: expected a non-empty one-line string (got 3)",
        "followup.call_days[1]: unknown day 'tues' (did you mean tue?)",
        "followup.call_days[2]: tue is listed twice (got 'Tue')",
        'followup.call_time: expected a 24-hour time "HH:MM", like "10:00" (got \'25:00\')',
    ]


def test_required_keys(tmp_path: Path, environ: dict[str, str]) -> None:
    assert problems(tmp_path, "", environ) == [
        "calendar.path: required by backend 'ics'"
        " (an .ics file or http(s)/webcal subscription URL)",
        "drafts.path: required by backend 'maildir' (a local Maildir folder)",
    ]


@pytest.mark.parametrize(
    ("section", "key", "literal", "expected"),
    [
        (
            "interviews",
            "grace_minutes",
            '"sixty"',
            "expected a whole number from 0 to 1440 (got 'sixty')",
        ),
        (
            "interviews",
            "grace_minutes",
            "true",
            "expected a whole number from 0 to 1440 (got true)",
        ),
        (
            "interviews",
            "grace_minutes",
            "60.0",
            "expected a whole number from 0 to 1440 (got 60.0)",
        ),
        ("interviews", "grace_minutes", "-1", "must be from 0 to 1440 (got -1)"),
        ("interviews", "grace_minutes", "1441", "must be from 0 to 1440 (got 1441)"),
        ("interviews", "lookback_days", "-1", "must be of 0 or more (got -1)"),
        ("interviews", "patterns", '"interview"', "expected a list of strings (got 'interview')"),
        ("interviews", "patterns", '["a\\nb"]', None),
        ("followup", "default_wait_days", "0", "must be from 1 to 90 (got 0)"),
        ("followup", "default_wait_days", "91", "must be from 1 to 90 (got 91)"),
        ("followup", "call_minutes", "4", "must be from 5 to 240 (got 4)"),
        ("followup", "call_minutes", "false", "expected a whole number from 5 to 240 (got false)"),
        ("followup", "call_days", '"tue"', "expected a list of day names"),
        ("followup", "call_days", "[]", "must name at least one day"),
        ("followup", "call_days", "[2]", None),
        ("followup", "call_time", "1000", None),
        ("followup", "call_time", '"10:00 pm"', None),
        ("followup", "call_time", '"10.30"', None),
        ("followup", "call_time", "10:00:30", "expected whole minutes, like 10:30 (got 10:00:30)"),
        ("followup", "call_time", "2026-01-01T10:00:00", None),
        ("service", "interval_minutes", "0", "must be from 1 to 1440 (got 0)"),
        ("service", "interval_minutes", '"5"', "without quotes (got '5')"),
        ("profile", "name", "42", "expected a string (got 42)"),
        ("profile", "name", '"Alex\\nBcc: evil@example.com"', "must be one line"),
        ("profile", "phone", '["1"]', "expected a string (got ['1'])"),
        ("profile", "signature", "{ text = 'x' }", "expected a string (got a table)"),
        ("profile", "qualifications", '"Python"', "expected a list of strings"),
        ("profile", "email", '""', "expected an email address"),
        ("profile", "email", '"a@b"', "expected an email address"),
        ("profile", "email", '"Alex <a@example.com>"', "expected an email address"),
        ("profile", "timezone", "1", "expected an IANA time zone name"),
        ("drafts", "backend", '"imap"', "expected one of: gmail, maildir (got 'imap')"),
        ("drafts", "path", "[]", "expected a file or folder path (got [])"),
        ("drafts", "path", '""', "expected a file or folder path (got '')"),
        ("drafts", "path", '"https://example.com/d"', "expected a local path, not a URL"),
        ("calendar", "calls_path", '"webcal://example.com/c.ics"', "not a URL"),
        ("calendar", "path", '"ftp://example.com/c.ics"', "unsupported URL scheme 'ftp'"),
        ("calendar", "path", '"https:///c.ics"', "expected a URL with a host name"),
        ("state", "path", "3", "expected a file or folder path (got 3)"),
    ],
)
def test_wrong_values_name_their_key(
    tmp_path: Path,
    environ: dict[str, str],
    section: str,
    key: str,
    literal: str,
    expected: str | None,
) -> None:
    # Append to the required keys; [calendar]/[drafts] again would be a TOML error.
    base = {"calendar": {"path": '"c.ics"'}, "drafts": {"path": '"D"'}}
    base.setdefault(section, {})[key] = literal
    text = "".join(
        f"[{name}]\n" + "".join(f"{k} = {v}\n" for k, v in keys.items())
        for name, keys in base.items()
    )
    found = problems(tmp_path, text, environ)
    assert len(found) == 1, found
    assert found[0].startswith(f"{section}.{key}")
    if expected is not None:
        assert expected in found[0]


def test_a_section_that_is_not_a_table(tmp_path: Path, environ: dict[str, str]) -> None:
    found = problems(tmp_path, 'profile = "me"\n' + REQUIRED, environ)
    assert found == ["profile: expected a table [profile] (got 'me')"]


def test_templates_dir_as_a_table(tmp_path: Path, environ: dict[str, str]) -> None:
    found = problems(tmp_path, REQUIRED + "[templates_dir]\n", environ)
    assert found == ["templates_dir: expected a file or folder path (got a table)"]


# --- time zones ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "America",  # a folder of the tz database: IsADirectoryError
        "Mars/Olympus",  # not found
        "A" * 300,  # longer than a file name may be: OSError
        "../../etc/passwd",  # outside the database: ValueError
        "/etc/localtime",
        "",
        "Europe/Berlin/",
        "a\0b",
        "zone1970.tab",  # a data file of the database, not a zone
    ],
)
def test_bad_time_zones(tmp_path: Path, environ: dict[str, str], name: str) -> None:
    literal = toml_string(name)
    found = problems(tmp_path, REQUIRED + f"[profile]\ntimezone = {literal}\n", environ)
    assert len(found) == 1
    assert found[0].startswith("profile.timezone: unknown time zone '")
    assert len(found[0]) < 200  # a 300-character name is shortened


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace("\0", "\\u0000") + '"'


@pytest.mark.parametrize("name", ["UTC", "America/Argentina/Buenos_Aires", "Etc/GMT+5"])
def test_good_time_zones(tmp_path: Path, environ: dict[str, str], name: str) -> None:
    settings = load(tmp_path, REQUIRED + f'[profile]\ntimezone = "{name}"\n', environ)
    assert str(settings.profile.timezone) == name


# --- days and times --------------------------------------------------------------------


def test_call_days_any_case_full_names_sorted(tmp_path: Path, environ: dict[str, str]) -> None:
    text = REQUIRED + '[followup]\ncall_days = ["Sunday", "SAT", " mon "]\n'
    assert load(tmp_path, text, environ).followup.call_days == (0, 5, 6)


def test_call_time_as_toml_time(tmp_path: Path, environ: dict[str, str]) -> None:
    text = REQUIRED + "[followup]\ncall_time = 16:30:00\n"
    assert load(tmp_path, text, environ).followup.call_time == time(16, 30)


def test_call_time_midnight_and_last_minute(tmp_path: Path, environ: dict[str, str]) -> None:
    assert load(
        tmp_path, REQUIRED + '[followup]\ncall_time = "00:00"\n', environ
    ).followup.call_time == time(0, 0)
    assert load(
        tmp_path, REQUIRED + '[followup]\ncall_time = "23:59"\n', environ
    ).followup.call_time == time(23, 59)


# --- paths -----------------------------------------------------------------------------


def test_relative_paths_resolve_against_the_config_folder(
    tmp_path: Path, environ: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = """
templates_dir = "../templates"
[calendar]
path = "cal/interviews.ics"
calls_path = "cal/calls.ics"
[drafts]
path = "Drafts"
[state]
path = "state.sqlite3"
"""
    folder = tmp_path / "conf"
    write(folder, text)
    monkeypatch.chdir(tmp_path)  # the config is named relative to the working folder...
    settings = load_settings(Path("conf/config.toml"), environ)
    # ...but what is in it is relative to its own folder, as an absolute path.
    assert settings.source == folder / "config.toml"
    assert settings.templates_dir == folder / "../templates"
    assert settings.calendar.options["path"] == str(folder / "cal/interviews.ics")
    assert settings.calendar.options["calls_path"] == folder / "cal/calls.ics"
    assert settings.drafts.options["path"] == folder / "Drafts"
    assert settings.state.path == folder / "state.sqlite3"


def test_home_is_expanded(tmp_path: Path, environ: dict[str, str], home: Path) -> None:
    text = """
templates_dir = "~"
[calendar]
path = "~/cal.ics"
[drafts]
path = "~/Mail/Drafts"
[state]
path = "~/s.db"
"""
    settings = load(tmp_path, text, environ)
    assert settings.templates_dir == home
    assert settings.calendar.options["path"] == str(home / "cal.ics")
    assert settings.calendar.options["calls_path"] == home / "cal.ics"
    assert settings.drafts.options["path"] == home / "Mail/Drafts"
    assert settings.state.path == home / "s.db"


def test_unknown_user_home(tmp_path: Path, environ: dict[str, str]) -> None:
    text = REQUIRED + '[state]\npath = "~no-such-user-here/s.db"\n'
    assert problems(tmp_path, text, environ) == [
        "state.path: cannot expand ~no-such-user-here (got '~no-such-user-here/s.db')"
    ]


def test_url_calendar_keeps_the_url(tmp_path: Path, environ: dict[str, str]) -> None:
    text = '[calendar]\npath = "https://example.com/c.ics?key=1"\ncalls_path = "calls.ics"\n'
    settings = load(tmp_path, text + '[drafts]\npath = "D"\n', environ)
    assert settings.calendar.options["path"] == "https://example.com/c.ics?key=1"
    assert settings.calendar.options["calls_path"] == tmp_path / "conf/calls.ics"


@pytest.mark.parametrize("scheme", ["webcal", "webcals"])
def test_webcal_urls_are_accepted_as_the_reader_reads_them(
    tmp_path: Path, environ: dict[str, str], scheme: str
) -> None:
    # The config keeps the URL as written; the adapter fetches it as https (one
    # copy of the rule, in integrations/ics/urls.py and source.py).
    text = f'[calendar]\npath = "{scheme}://example.com/c.ics"\ncalls_path = "calls.ics"\n'
    settings = load(tmp_path, text + '[drafts]\npath = "D"\n', environ)
    assert settings.calendar.options["path"] == f"{scheme}://example.com/c.ics"


def test_url_calendar_needs_calls_path(tmp_path: Path, environ: dict[str, str]) -> None:
    text = '[calendar]\npath = "http://example.com/c.ics"\n[drafts]\npath = "D"\n'
    assert problems(tmp_path, text, environ) == [
        "calendar.calls_path: required when calendar.path is a URL"
        " (a local .ics file where follow-up calls are written)"
    ]


def test_files_need_not_exist(tmp_path: Path, environ: dict[str, str]) -> None:
    settings = load(tmp_path, REQUIRED, environ)
    assert settings.drafts.options["path"] is not None
    assert not settings.drafts.options["path"].exists()


# --- finding and reading the file ------------------------------------------------------


def test_find_config_order(home: Path) -> None:
    environ = {"HOME": str(home)}
    default = home / ".config/interview-followup/config.toml"
    assert find_config(None, environ) == default
    environ["XDG_CONFIG_HOME"] = "relative"  # the XDG spec says: ignore
    assert find_config(None, environ) == default
    environ["XDG_CONFIG_HOME"] = "/xdg"
    assert find_config(None, environ) == Path("/xdg/interview-followup/config.toml")
    environ["FOLLOWUP_CONFIG"] = ""  # set but empty: as if unset
    assert find_config(None, environ) == Path("/xdg/interview-followup/config.toml")
    environ["FOLLOWUP_CONFIG"] = "~/env.toml"
    assert find_config(None, environ) == home / "env.toml"
    assert find_config(Path("/explicit.toml"), environ) == Path("/explicit.toml")
    assert find_config(Path("~/mine.toml"), environ) == home / "mine.toml"


def test_missing_file_suggests_init(tmp_path: Path, environ: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path / "nope.toml", environ)
    [problem] = caught.value.problems
    assert str(tmp_path / "nope.toml") in problem
    assert "no config file" in problem
    assert "followup init" in problem


def test_a_folder_is_not_a_config_file(tmp_path: Path, environ: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path, environ)


def test_syntax_error_names_file_line_and_column(tmp_path: Path, environ: dict[str, str]) -> None:
    path = write(tmp_path, '[calendar]\npath = "c.ics"\ngrace = sixty\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ)
    assert caught.value.problems == [
        f"{path}: TOML syntax error at line 3, column 9: Invalid value"
    ]


def test_syntax_error_at_the_end(tmp_path: Path, environ: dict[str, str]) -> None:
    path = write(tmp_path, '[calendar]\npath = "c.ics"\npath = "d.ics"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ)
    [problem] = caught.value.problems
    assert problem.startswith(f"{path}: TOML syntax error at ")
    assert "Cannot overwrite a value" in problem


def test_not_utf8(tmp_path: Path, environ: dict[str, str]) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[profile]\nname = "J\xfcrgen"\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_settings(path, environ)


def test_byte_order_mark_is_tolerated(tmp_path: Path, environ: dict[str, str]) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf" + REQUIRED.encode())
    assert load_settings(path, environ).drafts.options["path"] == tmp_path / "Drafts"


# --- config.example.toml ---------------------------------------------------------------


def test_example_config_loads(environ: dict[str, str], home: Path) -> None:
    settings = load_settings(EXAMPLE, environ)  # no file it names exists here
    assert settings.calendar.options["path"] == str(home / "calendar.ics")
    assert settings.drafts.options["path"] == home / "Mail/Drafts"


def test_example_shows_defaults_where_it_sets_values(environ: dict[str, str]) -> None:
    # The example's uncommented tuning values are the defaults it documents.
    settings = load_settings(EXAMPLE, environ)
    defaults = Settings()
    # holidays is left to its run-time default (the user's country), like the time zone.
    defaults = replace(defaults, followup=replace(defaults.followup, holidays="US"))
    for section in ("interviews", "followup", "debrief", "service"):
        assert getattr(settings, section) == getattr(defaults, section), section


def documented_keys(text: str) -> dict[str, list[str]]:
    """Each key of the example, set or commented out, with the comment block above it."""
    keys: dict[str, list[str]] = {}
    section = ""
    comments: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if header := re.fullmatch(r"\[([a-z_]+)\]", stripped):
            section, comments = header[1] + ".", []
        elif key := re.fullmatch(r"#?\s*([a-z_]+)\s*=.*", stripped):
            keys[section + key[1]] = comments
            comments = []
        elif stripped.startswith("#"):
            comments.append(stripped)
        elif not stripped:
            comments = []
    return keys


def test_example_documents_every_key_and_only_those() -> None:
    keys = documented_keys(EXAMPLE.read_text(encoding="utf-8"))
    assert sorted(keys) == sorted(known_keys())
    for key, comments in keys.items():
        assert comments, f"{key} has no comment above it"
        doc = " ".join(comments).lower()
        assert "default" in doc or "required" in doc, (
            f"{key}: say its default or that it is required"
        )


def test_example_has_no_inline_secrets() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "*_command" in text
    for line in text.splitlines():
        assert not re.match(r"\s*[a-z_]*(password|secret|token)[a-z_]*\s*=", line), line


def test_documented_keys_parser_sees_a_missing_key() -> None:
    text = "[service]\n# How often.\n# Default: 5.\ninterval_minutes = 5\n"
    assert documented_keys(text) == {"service.interval_minutes": ["# How often.", "# Default: 5."]}
    assert documented_keys("[service]\n") == {}


# --- the starter config ----------------------------------------------------------------


def test_starter_config_loads(tmp_path: Path, environ: dict[str, str]) -> None:
    path = write(tmp_path / "new", starter_config())
    settings = load_settings(path, environ)
    assert settings.calendar.options["path"] == str(tmp_path / "new/calendar.ics")
    assert settings.calendar.options["calls_path"] == tmp_path / "new/calendar.ics"
    assert settings.drafts.options["path"] == tmp_path / "new/Drafts"
    assert settings.profile.name == settings.profile.email == ""  # no placeholder leaks
    assert str(settings.profile.timezone) == "America/Chicago"


def test_starter_config_with_values(tmp_path: Path, environ: dict[str, str]) -> None:
    name = 'Zoë "Z" O\'Neil \\ Jr.'
    text = starter_config(
        name=name,
        email="zoe@example.com",
        timezone="Asia/Kolkata",
        calendar={"path": "webcal://example.com/c.ics", "calls_path": "calls.ics"},
        drafts={"path": "~/Maildir/Drafts"},
    )
    settings = load_settings(write(tmp_path, text), environ)
    assert settings.profile.name == name
    assert settings.profile.email == "zoe@example.com"
    assert str(settings.profile.timezone) == "Asia/Kolkata"
    assert settings.calendar.options["path"] == "webcal://example.com/c.ics"
    assert settings.calendar.options["calls_path"] == tmp_path / "calls.ics"  # a URL needs one


def test_starter_config_refuses_what_would_not_load() -> None:
    with pytest.raises(ConfigError) as caught:
        starter_config(email="nope", timezone="America")
    assert [p.split(":")[0] for p in caught.value.problems] == ["profile.email", "profile.timezone"]


def test_starter_config_only_uses_known_keys() -> None:
    keys = documented_keys(starter_config())
    assert set(keys) <= set(known_keys())
    assert {"calendar.path", "drafts.path", "profile.timezone"} <= set(keys)


# --- describe --------------------------------------------------------------------------


def test_describe(tmp_path: Path, environ: dict[str, str]) -> None:
    settings = load(tmp_path, FULL, environ)
    lines = describe(settings)
    text = "\n".join(lines)
    assert str(tmp_path / "conf/config.toml") in text
    assert "Alex Example <alex@example.com>" in text
    assert "time zone:       Europe/Berlin" in lines
    assert "call slots:      Mon, Fri at 09:05 for 240 min (Europe/Berlin)" in lines
    assert "https://example.com/cal.ics" in text
    assert str(tmp_path / "conf/calls.ics") in text
    assert str(tmp_path / "conf/state/db.sqlite3") in text
    assert "cycle:           every 1440 min" in lines


def test_describe_defaults() -> None:
    lines = describe(Settings())
    assert "templates:       bundled" in lines
    assert "you:             (no name or email set)" in lines
