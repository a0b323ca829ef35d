"""The service over a state folder that becomes read-only, then writable again.

Run as ``python -m tests.e2e.readonly_state FOLDER MODE``; prints one JSON
object. With MODE ``mount`` it must run in a private mount namespace
(``unshare -rm``): the folder is bind-mounted read-only over itself, as a
file system remounted read-only after an error is, and root cannot write it
either. With MODE ``chmod`` (a user who is not root) the folder and its files
lose their write permission instead.

The real ``Service`` with the real engine (an .ics calendar, a Maildir), run
cycle by cycle with a clock this driver moves; ``followup once`` is run beside
it while the folder is read-only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from daemon.app.health import read_health, service_lines
from daemon.app.notify import Notifier
from daemon.app.service import Service
from tests.e2e.service_process import CONFIG, drafts, interview, write_calendar

ROOT = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self) -> None:
        self.wall = datetime.now(UTC)
        self.mono = 1000.0

    def now(self) -> datetime:
        return self.wall

    def local(self) -> datetime:
        return self.wall.replace(tzinfo=None)

    def monotonic(self) -> float:
        return self.mono

    def advance(self, delta: timedelta) -> None:
        self.wall += delta
        self.mono += delta.total_seconds()


def read_only(folder: Path, mode: str) -> None:
    if mode == "mount":
        subprocess.run(["mount", "--bind", "-o", "ro", folder, folder], check=True)
        return
    for path in folder.iterdir():
        path.chmod(0o400)
    folder.chmod(0o500)


def writable(folder: Path, mode: str) -> None:
    if mode == "mount":
        subprocess.run(["mount", "-o", "remount,bind,rw", folder], check=True)
        return
    folder.chmod(0o700)
    for path in folder.iterdir():
        path.chmod(0o600)


def main() -> None:
    folder, mode = Path(sys.argv[1]), sys.argv[2]
    state = folder / "state"
    state.mkdir()
    config = folder / "config.toml"
    config.write_text(CONFIG.replace('path = "state.sqlite3"', 'path = "state/state.sqlite3"'))
    # The interview ends in 30 minutes; its notes are due an hour after that.
    write_calendar(
        folder / "calendar.ics",
        interview("screen@test", "Acme", "Dana Lee", "dana@acme.example", hours_ago=-0.5),
    )
    environ = {"XDG_RUNTIME_DIR": str(folder / "runtime"), "HOME": str(folder)}
    clock = Clock()
    service = Service(
        config,
        environ=environ,
        notifier=Notifier(environ),
        now=clock.now,
        local_now=clock.local,
        monotonic=clock.monotonic,
    )
    outcome: dict[str, object] = {}
    assert service.start() is None
    settings = service.settings
    assert settings is not None

    read_only(state, mode)
    outcome["state_files"] = sorted(p.name for p in state.iterdir())
    clock.advance(timedelta(hours=2))  # the notes are due now
    service.run_now()
    need = service.health.needs.get("state")
    outcome["need"] = need.to_json() if need else None
    outcome["status_line"] = service.health.status_line(UTC)
    outcome["drafts_while_read_only"] = len(drafts(folder / "Drafts"))
    for _ in range(3):
        clock.advance(timedelta(minutes=5))
        service.run_now()
    outcome["still_needed"] = "state" in service.health.needs
    health = read_health(state / "state.sqlite3", environ)
    outcome["health_needs"] = health["needs_user"] if health else None
    outcome["status"] = service_lines(settings, environ=environ)
    once = subprocess.run(
        [sys.executable, "-m", "daemon", "--config", str(config), "once"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **environ},
        check=False,
    )
    outcome["once"] = {"code": once.returncode, "stderr": once.stderr, "stdout": once.stdout}
    outcome["drafts_after_once"] = len(drafts(folder / "Drafts"))

    writable(state, mode)
    clock.advance(timedelta(minutes=5))
    service.run_now()
    outcome["resolved"] = "state" not in service.health.needs
    outcome["summary_after"] = service.health.summary
    outcome["drafts_after"] = len(drafts(folder / "Drafts"))
    clock.advance(timedelta(minutes=5))
    service.run_now()
    outcome["drafts_later"] = len(drafts(folder / "Drafts"))
    outcome["calls_later"] = (folder / "calls.ics").read_text().count("KIND:call")
    service.shutdown()

    # Stopped cleanly (no -wal or -shm beside the file), then the folder goes read-only:
    # SQLite cannot even open the file to read it. That is no damage to repair.
    read_only(state, mode)
    outcome["closed_state_files"] = sorted(p.name for p in state.iterdir())
    once = subprocess.run(
        [sys.executable, "-m", "daemon", "--config", str(config), "once"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **environ},
        check=False,
    )
    outcome["once_closed"] = {"code": once.returncode, "stderr": once.stderr}
    writable(state, mode)
    print(json.dumps(outcome))


if __name__ == "__main__":
    main()
