"""Replacing a file so that a crash leaves the old or the new version, never half of one.

The calls file can be the user's own calendar: losing it to a crash in the
middle of a write would lose their calendar. So every write goes to a
temporary file in the same directory, is flushed to disk, and then takes the
old file's place with ``os.replace`` (atomic on POSIX); the directory is
synced so the rename itself survives a power cut.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from daemon.store import locks

#: Mode of a calls file the service creates: it names the people the user calls.
NEW_FILE_MODE = 0o600


@dataclass(frozen=True)
class FileSnapshot:
    """A file's content and identity when read, to notice a writer that came in between."""

    data: bytes
    identity: tuple[int, int, int, int] | None

    @property
    def exists(self) -> bool:
        return self.identity is not None


def target_of(path: Path) -> Path:
    """The file a write really replaces: a symlink is followed, not replaced by a file."""
    return Path(os.path.realpath(path))


def snapshot(path: Path, max_bytes: int) -> FileSnapshot:
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if info.st_size > max_bytes:
                raise OSError(f"{info.st_size} bytes is more than the limit of {max_bytes}")
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        return FileSnapshot(b"", None)
    if len(data) > max_bytes:
        raise OSError(f"more than the limit of {max_bytes} bytes")
    return FileSnapshot(data, _identity(info))


def unchanged_since(path: Path, before: FileSnapshot) -> bool:
    """Whether ``path`` is still the file ``before`` was read from (another app may edit it)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return before.identity is None
    return _identity(info) == before.identity


def replace_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a synced temporary file and ``os.replace``."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = NEW_FILE_MODE
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), mode)
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)


def locked(path: Path, timeout: float = 10.0) -> contextlib.AbstractContextManager[None]:
    """Hold the lock for a read-modify-write of ``path`` among our own processes.

    The lock is a separate file: ``path`` itself is swapped by ``os.replace``, so
    a lock on its inode would not exclude a writer that opened the new one.
    Only this names the lock file; taking the lock is ``daemon.store.locks``'s job, so the
    two can move apart (a lock helper shared with the state store).
    """
    return locks.exclusive(path.with_name(f".{path.name}.lock"), timeout)


def _identity(info: os.stat_result) -> tuple[int, int, int, int]:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
