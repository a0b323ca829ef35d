"""The service's health, where the user looks: the journal, ``STATUS=``, ``followup status``.

``followup run`` keeps a small JSON record beside the state file (replaced
atomically after every cycle) and holds a lock file there for as long as it
runs; ``followup status`` reads both, so it can tell a running service from
one that stopped or was killed. When the state directory cannot be written,
both fall back to the runtime directory ($XDG_RUNTIME_DIR), which is where a
read-only or full state directory is reported from.

A *needs-the-user* state is a problem that waiting cannot fix: authorization
revoked, a calendar unreachable for hours, a broken configuration, a state
directory that cannot be written. It is said once in the journal (and once on
the desktop), stays in ``STATUS=`` and in ``followup status`` until it is
resolved, and is cleared by the code that sees the cause go away.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from daemon.app.config import APP_DIR, default_state_path
from daemon.domain.settings import Settings

log = logging.getLogger(__name__)

UNIT = "interview-followup"
HEALTH_FORMAT = 1
#: Below this much free space the state directory counts as full.
MIN_FREE_BYTES = 1 << 20

_UNWRITABLE = {errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EDQUOT}
_SQLITE_UNWRITABLE = ("readonly", "read-only", "disk is full", "disk i/o error", "unable to open")


# --- the needs-the-user states -------------------------------------------------------


@dataclass(frozen=True)
class NeedsUser:
    #: What is stuck: "calendar", "drafts", "config", "state".
    source: str
    #: Which kind of trouble ("authorization", "unreachable", "broken", "unwritable"): a
    #: new kind for the same source is a new state, said again.
    kind: str
    #: One line, what is wrong; never note text or a secret.
    problem: str
    #: One sentence, an instruction.
    what_to_do: str
    since: datetime

    def line(self) -> str:
        return f"{self.source}: {self.problem} — {self.what_to_do}"

    def to_json(self) -> dict[str, str]:
        return {
            "source": self.source,
            "kind": self.kind,
            "problem": self.problem,
            "what_to_do": self.what_to_do,
            "since": self.since.isoformat(),
        }


@dataclass(frozen=True)
class LastError:
    at: datetime
    what: str
    what_to_do: str


#: Says a needs-the-user state outside the journal (the desktop); best effort.
Announce = Callable[[NeedsUser], None]


@dataclass
class Health:
    """What the loop knows about itself; written to the health file after every change."""

    state_path: Path | None
    environ: Mapping[str, str]
    started_at: datetime
    announce: Announce | None = None
    pid: int = field(default_factory=os.getpid)
    needs: dict[str, NeedsUser] = field(default_factory=dict)
    last_cycle_at: datetime | None = None
    last_success_at: datetime | None = None
    next_cycle_at: datetime | None = None
    last_error: LastError | None = None
    #: The last cycle in one line (what ``STATUS=`` says when nothing needs the user).
    summary: str = "starting"
    running: bool = True
    #: Cycles run since the start (benchmarks count them here).
    cycles: int = 0
    _announced: set[tuple[str, str]] = field(default_factory=set)

    def need(self, source: str, kind: str, problem: str, what_to_do: str, now: datetime) -> None:
        """Enter (or update) a needs-the-user state; said once per source and kind."""
        current = self.needs.get(source)
        since = current.since if current is not None and current.kind == kind else now
        state = NeedsUser(source, kind, problem, what_to_do, since)
        self.needs[source] = state
        if (source, kind) in self._announced:
            return
        self._announced = {k for k in self._announced if k[0] != source}
        self._announced.add((source, kind))
        log.error("needs you: %s", state.line())
        if self.announce is not None:
            try:
                self.announce(state)
            except Exception:  # a desktop notification is a courtesy, never a failure
                log.debug("desktop notification failed", exc_info=True)

    def resolved(self, source: str, kind: str | None = None) -> None:
        """The cause went away (the user fixed it): say so and forget the state."""
        current = self.needs.get(source)
        if current is None or (kind is not None and current.kind != kind):
            return
        del self.needs[source]
        self._announced = {k for k in self._announced if k[0] != source}
        log.warning("resolved: %s: %s", source, current.problem)

    def status_line(self, zone: tzinfo) -> str:
        """The one line for ``STATUS=``: what needs the user first, else the last cycle."""
        if self.needs:
            first, *rest = self.needs.values()
            more = f" (+{len(rest)} more: followup status)" if rest else ""
            return f"NEEDS YOU: {first.line()}{more}"
        when = f"; next cycle {_clock(self.next_cycle_at, zone)}" if self.next_cycle_at else ""
        return f"{self.summary}{when}"

    def to_json(self) -> dict[str, Any]:
        return {
            "format": HEALTH_FORMAT,
            "pid": self.pid,
            "running": self.running,
            "started_at": self.started_at.isoformat(),
            "updated_at": datetime.now(UTC).isoformat(),
            "last_cycle_at": _iso(self.last_cycle_at),
            "last_success_at": _iso(self.last_success_at),
            "next_cycle_at": _iso(self.next_cycle_at),
            "last_error": (
                {
                    "at": self.last_error.at.isoformat(),
                    "what": self.last_error.what,
                    "what_to_do": self.last_error.what_to_do,
                }
                if self.last_error
                else None
            ),
            "needs_user": [n.to_json() for n in self.needs.values()],
            "summary": self.summary,
            "cycles": self.cycles,
        }

    def save(self) -> None:
        """Replace the health file; never raises (a health file is not worth a failed cycle)."""
        if self.state_path is None:
            return
        data = json.dumps(self.to_json(), indent=1).encode()
        for path in health_paths(self.state_path, self.environ):
            try:
                _replace(path, data)
            except OSError as error:
                log.debug("health file %s: %s", path, error)
                continue
            # The newer of the two is read; a stale fallback would only confuse.
            for other in health_paths(self.state_path, self.environ):
                if other != path:
                    with contextlib.suppress(OSError):
                        other.unlink()
            return


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _clock(moment: datetime, zone: tzinfo) -> str:
    return f"{moment.astimezone(zone):%H:%M}"


def _replace(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise


# --- where the lock and the health file live ------------------------------------------


def _fallback(state_path: Path, environ: Mapping[str, str], suffix: str) -> list[Path]:
    """The runtime directory's twin of a file beside the state, if there is one.

    Only ``$XDG_RUNTIME_DIR``: it is the user's own (mode 0700, made by logind). A
    shared /tmp would let another user plant a symlink where the lock is written.
    """
    runtime = environ.get("XDG_RUNTIME_DIR", "")
    if not (runtime and Path(runtime).is_absolute()):
        return []
    digest = hashlib.sha256(str(state_path.absolute()).encode()).hexdigest()[:16]
    return [Path(runtime) / APP_DIR / f"{state_path.stem}-{digest}{suffix}"]


def lock_paths(state_path: Path, environ: Mapping[str, str]) -> list[Path]:
    beside = state_path.with_name(state_path.name + ".run.lock")
    return [beside, *_fallback(state_path, environ, ".run.lock")]


def health_paths(state_path: Path, environ: Mapping[str, str]) -> list[Path]:
    beside = state_path.with_name(state_path.name + ".health.json")
    return [beside, *_fallback(state_path, environ, ".health.json")]


# --- one instance per state file ---------------------------------------------------------


class AlreadyRunningError(Exception):
    def __init__(self, state_path: Path, pid: int | None) -> None:
        who = f" (pid {pid})" if pid else ""
        super().__init__(
            f"another `followup run`{who} is already running on {state_path}; "
            f"stop it first (systemctl --user stop {UNIT})"
        )


class InstanceLock:
    """Held for the life of ``followup run``: a second one on the same state is refused.

    Locks are ``flock`` locks, released by the kernel when the process dies, so
    a killed service never leaves a stale lock. Beside the state file when that
    directory can be written (or the lock file exists), and in the runtime
    directory too when it can be created there; every lock that can be taken
    is taken, so two processes meeting different conditions still collide.

    A small helper of its own until ``daemon/store/locks.py`` offers one.
    """

    def __init__(self, handles: list[int]) -> None:
        self._handles = handles

    @classmethod
    def acquire(cls, state_path: Path, environ: Mapping[str, str]) -> InstanceLock:
        handles: list[int] = []
        try:
            for path in lock_paths(state_path, environ):
                handle = _open_lock(path)
                if handle is None:
                    continue
                handles.append(handle)
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise AlreadyRunningError(state_path, _pid_in(handle)) from None
                with contextlib.suppress(OSError):
                    os.ftruncate(handle, 0)
                    os.pwrite(handle, f"{os.getpid()}\n".encode(), 0)
        except BaseException:
            for handle in handles:
                os.close(handle)
            raise
        if not handles:
            log.warning("no lock file for %s: a second instance would not be refused", state_path)
        return cls(handles)

    def release(self) -> None:
        for handle in self._handles:
            os.close(handle)
        self._handles = []


def _open_lock(path: Path) -> int | None:
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    for flags in (os.O_RDWR | os.O_CREAT, os.O_RDONLY):
        try:
            return os.open(path, flags | os.O_NOFOLLOW, 0o600)
        except OSError:
            continue
    return None


def _pid_in(handle: int) -> int | None:
    try:
        text = os.pread(handle, 32, 0).decode().strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def running_pid(state_path: Path, environ: Mapping[str, str]) -> int | None:
    """The pid of the ``followup run`` holding the lock (0 if unknown), or None."""
    for path in lock_paths(state_path, environ):
        try:
            handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return _pid_in(handle) or 0
        finally:
            os.close(handle)
    return None


# --- the state directory -------------------------------------------------------------------


def state_fault(error: BaseException, state_path: Path | None) -> str | None:
    """Why the state cannot be written, if that is what ``error`` says; else None."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sqlite3.DatabaseError):
            message = str(current)
            if any(word in message.lower() for word in _SQLITE_UNWRITABLE):
                return message
        if isinstance(current, OSError) and current.errno in _UNWRITABLE:
            filename = current.filename
            if filename is None or state_path is None or _inside(Path(filename), state_path.parent):
                return current.strerror or str(current)
        current = current.__cause__ or current.__context__
    return None


def _inside(path: Path, directory: Path) -> bool:
    try:
        path.absolute().relative_to(directory.absolute())
    except ValueError:
        return False
    return True


def probe_state_dir(state_path: Path, min_free: int = MIN_FREE_BYTES) -> str | None:
    """Why the state directory cannot take a cycle's writes now, or None if it can.

    Local only: cheap enough to run every tick while the state is stuck, so the
    service resumes within one interval of the disk having room again.
    """
    directory = state_path.parent
    if not directory.exists():
        try:
            directory.mkdir(parents=True, mode=0o700)
        except OSError as error:
            return f"cannot create {directory}: {error.strerror or error}"
    try:
        free = shutil.disk_usage(directory).free
    except OSError as error:
        return f"cannot check {directory}: {error.strerror or error}"
    if free < min_free:
        return f"the disk holding {directory} is full ({free // 1024} KiB free)"
    for path in (state_path, *(Path(f"{state_path}{s}") for s in ("-wal", "-shm"))):
        if path.exists() and not os.access(path, os.W_OK):
            return f"{path} is not writable"
    try:
        with tempfile.TemporaryFile(dir=directory) as probe:
            probe.write(b"\0" * 65536)
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as error:
        return f"cannot write in {directory}: {error.strerror or error}"
    return None


def state_what_to_do(state_path: Path) -> str:
    return (
        f"Make {state_path.parent} writable and give its disk some room"
        " (df -h, ls -ld); the service checks every cycle and resumes by itself."
    )


# --- followup status ------------------------------------------------------------------------


def read_health(state_path: Path, environ: Mapping[str, str]) -> dict[str, Any] | None:
    """The newest health record written for ``state_path``, if any."""
    found: list[dict[str, Any]] = []
    for path in health_paths(state_path, environ):
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("format") == HEALTH_FORMAT:
            found.append(data)
    return max(found, key=lambda d: str(d.get("updated_at", "")), default=None)


def service_health(
    settings: Settings, *, environ: Mapping[str, str] = os.environ
) -> dict[str, Any]:
    """``followup status --json --health``: is the service running, and its health record.

    ``health`` is the health file as the service wrote it (None before it ever ran);
    ``running`` comes from its lock, so a killed service reads as not running.
    """
    state_path = settings.state.path or default_state_path(environ)
    pid = running_pid(state_path, environ)
    return {
        "running": pid is not None,
        "pid": pid or None,
        "health": read_health(state_path, environ),
    }


def service_lines(
    settings: Settings,
    *,
    now: datetime | None = None,
    environ: Mapping[str, str] = os.environ,
) -> list[str]:
    """What ``followup status`` shows first: is the service running, and is it well."""
    state_path = settings.state.path or default_state_path(environ)
    zone = settings.profile.timezone
    now = now or datetime.now(UTC)
    pid = running_pid(state_path, environ)
    data = read_health(state_path, environ) or {}

    def when(key: str) -> str:
        return _when(data.get(key), now, zone)

    lines: list[str] = []
    if pid is not None:
        lines.append(f"service: running{f' (pid {pid})' if pid else ''}")
    elif not data:
        lines.append(
            "service: not running (never started on this state;"
            " `followup install-service` sets it up)"
        )
    elif data.get("running"):
        lines.append(
            f"service: not running — it ended without stopping (killed or crashed)"
            f" after {when('updated_at')}; `journalctl --user -u {UNIT}` says why"
        )
    else:
        lines.append(
            f"service: not running (stopped {when('updated_at')});"
            f" start it: systemctl --user start {UNIT}"
        )
    for need in data.get("needs_user") or []:
        lines.append(f"  NEEDS YOU: {need.get('source')}: {need.get('problem')}")
        lines.append(f"    since {_when(need.get('since'), now, zone)}: {need.get('what_to_do')}")
    if data:
        lines.append(f"  last successful cycle: {when('last_success_at')}")
        error = data.get("last_error")
        if isinstance(error, dict):
            lines.append(f"  last error ({_when(error.get('at'), now, zone)}): {error.get('what')}")
            lines.append(f"    what to do: {error.get('what_to_do')}")
        if pid is not None and data.get("next_cycle_at"):
            lines.append(f"  next cycle: {when('next_cycle_at')}")
    return lines


def _when(value: object, now: datetime, zone: tzinfo) -> str:
    if not isinstance(value, str):
        return "never"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return "unknown"
    local = moment.astimezone(zone)
    return f"{local:%a %Y-%m-%d %H:%M %Z} ({_ago(moment - now)})"


def _ago(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    future, seconds = seconds > 0, abs(seconds)
    if seconds < 60:
        amount = "under a minute"
    elif seconds < 3600:
        amount = f"{seconds // 60} min"
    elif seconds < 86400 * 2:
        amount = f"{seconds // 3600} h {seconds % 3600 // 60} min"
    else:
        amount = f"{seconds // 86400} days"
    return f"in {amount}" if future else f"{amount} ago"
