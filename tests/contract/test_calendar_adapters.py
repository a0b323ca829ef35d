"""The Calendar contract, run against every calendar adapter.

To add a backend: write a ``CalendarDriver`` for it in ``calendar_drivers``
and a ``Test...`` class here that returns it from the ``driver`` fixture.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .calendar_contract import CalendarContract, CalendarDriver
from .calendar_drivers import IcsDriver, MemoryDriver


class TestMemoryCalendar(CalendarContract):
    @pytest.fixture
    def driver(self) -> CalendarDriver:
        return MemoryDriver()


class TestIcsCalendarWithASeparateCallsFile(CalendarContract):
    @pytest.fixture
    def driver(self, tmp_path: Path) -> CalendarDriver:
        return IcsDriver(tmp_path, same_file=False)


class TestIcsCalendarWithCallsInTheUsersFile(CalendarContract):
    @pytest.fixture
    def driver(self, tmp_path: Path) -> CalendarDriver:
        return IcsDriver(tmp_path, same_file=True)
