"""The service loop meets a state file damaged while it runs: it asks the user, never repairs.

(The loop over a tiny engine, as in ``test_service_loop``.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from daemon.store.faults import StateError, damaged_advice
from tests.unit.test_service_loop import Harness


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    h = Harness(tmp_path)
    yield h
    h.close()


def test_damage_found_by_a_query_is_a_needs_the_user_state_not_a_bug(harness):
    path = harness.tmp / "state" / "state.sqlite3"
    harness.service.start()
    harness.backends.engine.fail_with = StateError(
        path, "is damaged: database disk image is malformed", damaged_advice(path), "refused"
    )
    harness.cycle()
    need = harness.service.health.needs["state"]
    assert need.kind == "unusable"
    assert need.problem == f"state file {path}: is damaged: database disk image is malformed"
    assert need.what_to_do.startswith("Restore state.sqlite3 from a backup")
    assert "never replaced by a fresh one" in need.what_to_do
    assert harness.service.health.last_error is None  # not reported as a bug
    assert harness.status().startswith("NEEDS YOU: state: state file ")
    # The next cycle opens the file again (here it opens: restored), and goes on.
    harness.cycle()
    assert len(harness.backends.engines) == 2 and harness.backends.engine.cycles == 1
    assert "state" not in harness.service.health.needs


def test_a_refused_state_at_start_says_what_the_error_says_to_do(harness):
    path = harness.tmp / "state" / "state.sqlite3"
    harness.backends.open_error = StateError(
        path, "has schema version 9, newer than this program's 3", "Upgrade it.", "refused"
    )
    harness.service.start()
    need = harness.service.health.needs["state"]
    assert need.kind == "unusable" and need.what_to_do.startswith("Upgrade it. ")
