"""The Calendar contract, run against every calendar adapter.

To add a backend: write a ``CalendarDriver`` for it in ``calendar_drivers``
and a ``Test...`` class here that returns it from the ``driver`` fixture.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from daemon.domain.errors import BackendError
from integrations.memory.calendar import MemoryCalendar

from .calendar_contract import CalendarContract, CalendarDriver
from .calendar_drivers import IcsDriver, MemoryDriver


class TestMemoryCalendar(CalendarContract):
    @pytest.fixture
    def driver(self) -> CalendarDriver:
        return MemoryDriver()


class TestMemoryCalendarIncremental(CalendarContract):
    """The memory fake answering with changes since the checkpoint, as Google does."""

    @pytest.fixture
    def driver(self) -> CalendarDriver:
        return MemoryDriver(incremental=True)


class TestIcsCalendarWithASeparateCallsFile(CalendarContract):
    @pytest.fixture
    def driver(self, tmp_path: Path) -> CalendarDriver:
        return IcsDriver(tmp_path, same_file=False)


class TestIcsCalendarWithCallsInTheUsersFile(CalendarContract):
    @pytest.fixture
    def driver(self, tmp_path: Path) -> CalendarDriver:
        return IcsDriver(tmp_path, same_file=True)


# -- what only the memory fake adds ------------------------------------------------


def test_the_memory_calendar_simulates_an_outage() -> None:
    calendar = MemoryCalendar()
    calendar.available = False
    call = CalendarContract.call(MemoryDriver())
    for attempt in (
        lambda: calendar.changes(None),
        lambda: calendar.put_call(call),
        lambda: calendar.remove_call(call.key),
    ):
        with pytest.raises(BackendError, match="unavailable"):
            attempt()
    assert calendar.calls_created == 0


def test_the_memory_calendar_counts_created_calls_once_per_key() -> None:
    driver = MemoryDriver()
    call = CalendarContract.call(driver)
    for _ in range(3):
        driver.memory.put_call(call)
    assert driver.memory.calls_created == 1
    assert driver.memory.call(call.key) is not None


def test_the_memory_calendar_refuses_naive_times() -> None:
    driver = MemoryDriver()
    call = CalendarContract.call(driver)
    naive = replace(call, start=call.start.replace(tzinfo=None))
    with pytest.raises(ValueError, match="naive"):
        driver.memory.put_call(naive)
    with pytest.raises(ValueError, match="naive"):
        driver.memory.user_move_call(call.key, datetime(2025, 3, 20, 10))


def test_the_user_cannot_edit_a_call_that_is_not_there() -> None:
    with pytest.raises(KeyError):
        MemoryCalendar().user_delete_call("f" * 32)
