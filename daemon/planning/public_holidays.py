"""Public holidays of the user's country: no one is at their desk to take a call.

The ``holidays`` library computes each year's days from rules (no I/O); one
calendar per region is kept for the life of the process, as it fills in the
years it is asked about.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache

import holidays


def region_parts(region: str) -> tuple[str, str | None]:
    """``"US-CA"`` -> ``("US", "CA")``; ``"US"`` -> ``("US", None)``."""
    country, _, subdivision = region.strip().upper().partition("-")
    return country, subdivision or None


@lru_cache(maxsize=16)
def _calendar(region: str) -> holidays.HolidayBase:
    country, subdivision = region_parts(region)
    return holidays.country_holidays(country, subdiv=subdivision)


def holiday_check(region: str) -> Callable[[date], bool] | None:
    """Whether a day is a public holiday in ``region``; None when no region is set."""
    if not region:
        return None
    calendar = _calendar(region)
    return lambda day: day in calendar


def holiday_name(region: str, day: date) -> str:
    """The holiday's name, for messages and tests ("" when it is none)."""
    return str(_calendar(region).get(day) or "") if region else ""
