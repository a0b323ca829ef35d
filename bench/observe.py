"""What a cycle does to the files, seen from outside through Linux inotify.

No tracing of the process: the kernel reports opens, reads, closes and renames
in the watched folders, and they are counted here.

* A **listing** of a folder (``os.scandir``, ``os.listdir``) is an open of the
  folder followed by a read of it (``IN_ACCESS`` on a directory); opening a folder
  only to sync it is not a listing.
* A **read** of a file is an open for reading closed again (``IN_CLOSE_NOWRITE``);
  whether the bytes were then parsed once or twice cannot be seen from outside.
* A **write** is a close after writing the file itself (``IN_CLOSE_WRITE``) or a
  file renamed onto its name (``IN_MOVED_TO``: the temporary-file-and-rename way).

The kernel queue holds 16,384 events by default; a reader thread drains it while
the command runs, and an overflow is reported instead of a wrong count.
"""

from __future__ import annotations

import ctypes
import os
import select
import struct
import threading
from collections import Counter
from pathlib import Path

IN_ACCESS = 0x001
IN_CLOSE_WRITE = 0x008
IN_CLOSE_NOWRITE = 0x010
IN_OPEN = 0x020
IN_MOVED_TO = 0x080
IN_CREATE = 0x100
IN_Q_OVERFLOW = 0x4000
IN_ISDIR = 0x40000000
_MASK = IN_ACCESS | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE | IN_OPEN | IN_MOVED_TO | IN_CREATE
_HEADER = struct.Struct("iIII")


class InotifyUnavailable(RuntimeError):
    pass


class Watch:
    """Counts file-system events in some folders while it is open (a context manager)."""

    def __init__(self, folders: list[Path]) -> None:
        self._folders = folders
        self._names: dict[int, Path] = {}
        self.events: Counter[tuple[str, str, str]] = Counter()
        self.overflowed = False
        self._listing: dict[int, bool] = {}
        self._stop_read, self._stop_write = os.pipe()
        libc = ctypes.CDLL(None, use_errno=True)
        self._fd = libc.inotify_init1(os.O_CLOEXEC | os.O_NONBLOCK)
        if self._fd < 0:
            raise InotifyUnavailable(os.strerror(ctypes.get_errno()))
        for folder in folders:
            wd = libc.inotify_add_watch(self._fd, os.fsencode(folder), _MASK)
            if wd < 0:
                raise InotifyUnavailable(f"{folder}: {os.strerror(ctypes.get_errno())}")
            self._names[wd] = folder
        self._thread = threading.Thread(target=self._drain, daemon=True)

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        os.write(self._stop_write, b"x")
        self._thread.join()
        for fd in (self._fd, self._stop_read, self._stop_write):
            os.close(fd)

    def _drain(self) -> None:
        while True:
            ready, _, _ = select.select([self._fd, self._stop_read], [], [])
            if self._fd in ready:
                self._read_all()
            if self._stop_read in ready:
                self._read_all()  # what came before the stop
                return

    def _read_all(self) -> None:
        while True:
            try:
                data = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                return
            at = 0
            while at < len(data):
                wd, mask, _cookie, length = _HEADER.unpack_from(data, at)
                name = data[at + _HEADER.size : at + _HEADER.size + length].rstrip(b"\0")
                at += _HEADER.size + length
                self._count(wd, mask, os.fsdecode(name))

    def _count(self, wd: int, mask: int, name: str) -> None:
        if mask & IN_Q_OVERFLOW:
            self.overflowed = True
            return
        folder = str(self._names.get(wd, "?"))
        if not name:  # the watched folder itself
            if mask & IN_OPEN:
                self._listing[wd] = False
            elif mask & IN_ACCESS:
                self._listing[wd] = True
            elif mask & IN_CLOSE_NOWRITE and self._listing.pop(wd, False):
                self.events[(folder, "", "listed")] += 1
            return
        for bit, what in (
            (IN_CLOSE_NOWRITE, "read"),
            (IN_CLOSE_WRITE, "written"),
            (IN_MOVED_TO, "renamed onto"),
            (IN_CREATE, "created"),
        ):
            if mask & bit:
                self.events[(folder, name, what)] += 1

    def count(self, folder: Path, name: str, what: str) -> int:
        return self.events[(str(folder), name, what)]

    def count_any(self, folder: Path, what: str) -> int:
        """Events of one kind on any file of ``folder``."""
        return sum(
            n for (f, name, w), n in self.events.items() if f == str(folder) and w == what and name
        )
