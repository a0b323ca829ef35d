"""The state folder read-only: the service says so, loses nothing, and resumes by itself.

``tests/e2e/readonly_state.py`` runs the real service loop (real engine, an
.ics calendar, a Maildir) while the state folder turns read-only and back. A
read-only bind mount in a private mount namespace (``unshare -rm``) makes it
truly read-only, for root too; a user who is not root gets the same through
file modes when namespaces are not available.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DRIVER = [sys.executable, "-m", "tests.e2e.readonly_state"]


def _namespaces_work(folder: Path) -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "mount", "--bind", str(folder), str(folder)],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


def run_driver(folder: Path) -> dict:
    if _namespaces_work(folder):
        command = ["unshare", "-rm", *DRIVER, str(folder), "mount"]
    elif os.geteuid() != 0:
        command = [*DRIVER, str(folder), "chmod"]
    else:
        pytest.skip("root without mount namespaces: nothing here can make a folder read-only")
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=180, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return run_driver(tmp_path_factory.mktemp("readonly"))


def test_a_read_only_state_is_a_needs_the_user_state_with_what_to_do(outcome):
    need = outcome["need"]
    assert need["source"] == "state" and need["kind"] == "unwritable"
    assert "cannot write the state" in need["problem"]
    assert "writable" in need["what_to_do"] and "resumes by itself" in need["what_to_do"]
    assert outcome["status_line"].startswith("NEEDS YOU: state: cannot write the state")
    assert outcome["still_needed"]
    # The health record could not be written beside the state: the runtime folder has it.
    assert [n["kind"] for n in outcome["health_needs"]] == ["unwritable"]
    assert any(line.startswith("  NEEDS YOU: state: ") for line in outcome["status"])


def test_nothing_is_written_while_the_state_cannot_record_it(outcome):
    assert outcome["drafts_while_read_only"] == 0
    assert outcome["drafts_after_once"] == 0
    once = outcome["once"]
    assert once["code"] == 1 and "Traceback" not in once["stderr"]
    assert "cannot be written" in once["stderr"] and "make it writable again" in once["stderr"]


def test_it_resumes_once_writable_and_does_the_work_once(outcome):
    assert outcome["resolved"]
    assert outcome["summary_after"].endswith("ok: 1 new drafts, 1 calls scheduled")
    assert outcome["drafts_after"] == outcome["drafts_later"] == 1
    assert outcome["calls_later"] == 1


def test_a_read_only_folder_is_not_taken_for_a_damaged_file(outcome):
    """SQLite cannot open a WAL database it cannot write beside: wait, do not repair."""
    assert outcome["closed_state_files"][0] == "state.sqlite3"
    assert not any(name.endswith(("-wal", "-shm")) for name in outcome["closed_state_files"])
    once = outcome["once_closed"]
    assert once["code"] == 1
    assert "cannot be opened: unable to open database file" in once["stderr"]
    assert "make it writable again" in once["stderr"] and "move it aside" not in once["stderr"]
