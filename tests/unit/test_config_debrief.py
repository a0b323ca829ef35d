"""The debrief's settings and the call-time settings: checked, with clear messages."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from daemon.app.config import describe, load_settings
from daemon.domain.errors import ConfigError
from daemon.domain.settings import DebriefSettings, Settings

REQUIRED = '[calendar]\npath = "calendar.ics"\n[drafts]\npath = "Drafts"\n'


def load(tmp_path: Path, text: str, tz: str = "America/Chicago") -> Settings:
    path = tmp_path / "config.toml"
    path.write_text(REQUIRED + text, encoding="utf-8")
    return load_settings(path, {"HOME": str(tmp_path), "TZ": tz})


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    return caught.value.problems


def test_the_debrief_is_on_by_default(tmp_path: Path) -> None:
    settings = load(tmp_path, "")
    assert settings.debrief == DebriefSettings(enabled=True, minutes=15, reminder_minutes=10)
    assert any(line.startswith("debrief:") and "15 min" in line for line in describe(settings))


def test_the_debrief_can_be_tuned_or_turned_off(tmp_path: Path) -> None:
    text = "[debrief]\nenabled = false\nminutes = 30\nreminder_minutes = 0\n"
    settings = load(tmp_path, text)
    assert settings.debrief == DebriefSettings(enabled=False, minutes=30, reminder_minutes=0)
    assert "debrief:         off" in describe(settings)


def test_bad_debrief_values_are_named(tmp_path: Path) -> None:
    found = problems(tmp_path, '[debrief]\nenabled = "yes"\nminutes = 0\nreminder = 5\n')
    assert "debrief.enabled: expected true or false (got 'yes')" in found
    assert "debrief.minutes: must be from 5 to 240 (got 0)" in found
    assert any(p.startswith("debrief.reminder: unknown key (did you mean") for p in found)


@pytest.mark.parametrize(
    ("value", "region"),
    [('"US"', "US"), ('"us-ca"', "US-CA"), ('"DE-BE"', "DE-BE"), ("false", ""), ('""', "")],
)
def test_holidays_take_a_country_a_subdivision_or_false(
    tmp_path: Path, value: str, region: str
) -> None:
    assert load(tmp_path, f"[followup]\nholidays = {value}\n").followup.holidays == region


def test_unknown_holiday_regions_are_refused_with_the_reason(tmp_path: Path) -> None:
    (found,) = problems(tmp_path, '[followup]\nholidays = "Narnia"\n')
    assert found.startswith("followup.holidays: 'Narnia' is no country the holidays library knows")
    (found,) = problems(tmp_path, '[followup]\nholidays = "US-XX"\n')
    assert found.startswith("followup.holidays: US has no subdivision 'XX' (known: ")
    (found,) = problems(tmp_path, "[followup]\nholidays = true\n")
    assert "expected a country code" in found


def test_the_holidays_default_to_the_country_of_your_phone_then_your_zone(tmp_path: Path) -> None:
    phone = load(tmp_path, '[profile]\nphone = "+49 30 1234567"\n', tz="America/Chicago")
    assert phone.followup.holidays == "DE"
    zone = load(tmp_path, '[profile]\ntimezone = "Europe/Paris"\n')
    assert zone.followup.holidays == "FR"
    nowhere = load(tmp_path, "", tz="UTC")
    assert nowhere.followup.holidays == ""
    assert "holidays:        none skipped (set [followup] holidays)" in describe(nowhere)


def test_business_hours_are_a_span_of_the_day(tmp_path: Path) -> None:
    settings = load(tmp_path, '[followup]\nbusiness_hours = ["08:30", "18:00"]\n')
    assert settings.followup.business_hours == (time(8, 30), time(18, 0))
    (found,) = problems(tmp_path, '[followup]\nbusiness_hours = ["17:00", "09:00"]\n')
    assert found.startswith("followup.business_hours: the first time must come before the second")
    (found,) = problems(tmp_path, '[followup]\nbusiness_hours = "9-5"\n')
    assert found.startswith("followup.business_hours: expected two times")
