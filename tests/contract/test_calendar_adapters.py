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
from daemon.domain.ports import PutOwn, RemoveOwn
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
    driver = MemoryDriver()
    driver.memory.available = False
    event = CalendarContract.own_event(driver)
    for attempt in (
        lambda: driver.memory.changes(None),
        lambda: driver.memory.write_own([PutOwn(event)]),
        lambda: driver.memory.write_own([RemoveOwn(event.kind, event.key)]),
    ):
        with pytest.raises(BackendError, match="unavailable"):
            attempt()
    assert driver.memory.own_created == 0


def test_the_memory_calendar_counts_created_own_events_once_per_key() -> None:
    driver = MemoryDriver()
    event = CalendarContract.own_event(driver)
    for _ in range(3):
        driver.memory.write_own([PutOwn(event), PutOwn(event)])
    assert driver.memory.own_created == 1
    assert driver.memory.batches == 3
    assert driver.memory.own(event.key) is not None


def test_the_memory_calendar_refuses_naive_times() -> None:
    driver = MemoryDriver()
    event = CalendarContract.own_event(driver)
    naive = replace(event, start=event.start.replace(tzinfo=None))
    (result,) = driver.memory.write_own([PutOwn(naive)])
    assert "naive" in result.error
    assert driver.memory.own_created == 0
    driver.memory.write_own([PutOwn(event)])
    with pytest.raises(ValueError, match="naive"):
        driver.memory.user_move(event.key, datetime(2025, 3, 20, 10))


def test_the_user_cannot_edit_an_own_event_that_is_not_there() -> None:
    with pytest.raises(KeyError):
        MemoryCalendar().user_delete("f" * 32)
