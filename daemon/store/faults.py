"""What can go wrong with the state file, told so that the user knows what to do.

Two kinds of trouble, because they need opposite answers (``StateError.kind``). A state that cannot
be *written* (a full disk, a read-only file system, a failing device) is
waited out: nothing is lost, the next cycle after the cause is fixed finishes
the work. A state that is *damaged* (bytes overwritten, truncated, not a
database, another program's database) is refused and left exactly as it is:
replacing it by a fresh one would write every thank-you note again.

SQLite reports both through the same exception types; the error code tells
them apart (``sqlite_errorcode``, the primary code in its low byte).
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path
from typing import Literal

from daemon.domain.errors import BackendError

#: "unwritable": wait for the cause to go away; "refused": the file is kept as it is and the
#: user must act (damaged, another program's, newer than this program).
FaultKind = Literal["unwritable", "refused"]

_UNWRITABLE_CODES = {
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_PERM,
}
_DAMAGED_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_UNWRITABLE_ERRNOS = {
    errno.ENOSPC,
    errno.EDQUOT,
    errno.EFBIG,
    errno.EROFS,
    errno.EACCES,
    errno.EPERM,
}


class StateError(BackendError):
    """The state file cannot be used now; ``what_to_do`` is one instruction for the user."""

    def __init__(self, path: Path | None, problem: str, what_to_do: str, kind: FaultKind) -> None:
        self.path = path
        self.problem = f"state file {path or '(in memory)'}: {problem}"
        self.what_to_do = what_to_do
        self.kind: FaultKind = kind
        super().__init__(f"{self.problem} — {what_to_do}")


def unwritable_advice(path: Path | None) -> str:
    where = path.parent if path else "its folder"
    return (
        f"Make room on the disk holding {where}, or make it writable again (df -h, ls -ld):"
        " nothing was lost, and the next cycle after that finishes the work."
    )


def damaged_advice(path: Path | None) -> str:
    name = path.name if path else "the state file"
    backups = sorted(path.parent.glob(f"{name}.v*.bak")) if path else []
    backup = (
        f" ({backups[-1].name} beside it is a copy from before the last upgrade)" if backups else ""
    )
    return (
        f"Restore {name} from a backup{backup}, or move it aside (mv {name} {name}.damaged):"
        " a new state is then started and rebuilt from the service's events on the calendar"
        " and its drafts, and `followup status` lists what could not be rebuilt."
        " It is never replaced by itself, which would write every note again."
    )


def _primary(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_fault(error: sqlite3.Error) -> bool:
    """Whether ``error`` is about the file (full, read-only, damaged, busy), not a bug."""
    return _primary(error) in _UNWRITABLE_CODES | _DAMAGED_CODES | _BUSY_CODES


def state_error(path: Path | None, error: BaseException, doing: str = "") -> StateError:
    """The ``StateError`` for an exception met while opening, reading or writing the state."""
    what = f"{doing}: " if doing else ""
    if isinstance(error, StateError):
        return error
    if isinstance(error, sqlite3.Error):
        primary = _primary(error)
        name = getattr(error, "sqlite_errorname", "") or type(error).__name__
        detail = f"{what}{error} ({name})"
        if primary in _DAMAGED_CODES:
            return StateError(path, f"is damaged: {detail}", damaged_advice(path), "refused")
        if primary in _UNWRITABLE_CODES or primary is None:
            verb = "cannot be opened" if primary == sqlite3.SQLITE_CANTOPEN else "cannot be written"
            return StateError(path, f"{verb}: {detail}", unwritable_advice(path), "unwritable")
        if primary in _BUSY_CODES:
            return StateError(
                path,
                f"is busy: {detail}",
                "Another program has held it for a long time (an open sqlite3 shell?): close"
                " it; the next cycle tries again.",
                "unwritable",
            )
        return StateError(path, detail, unwritable_advice(path), "unwritable")
    if isinstance(error, OSError):
        reason = error.strerror or str(error)
        where = f" ({error.filename})" if error.filename else ""
        verb = "cannot be written" if error.errno in _UNWRITABLE_ERRNOS else "cannot be used"
        return StateError(
            path, f"{verb}: {what}{reason}{where}", unwritable_advice(path), "unwritable"
        )
    return StateError(path, f"{what}{error}", unwritable_advice(path), "unwritable")
