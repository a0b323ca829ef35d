"""One exclusive-lock helper for everything the service must not do twice at once.

Used for the state file (one cycle at a time across processes) and, through the
.ics adapter, for the calls file. The lock is a separate file beside the thing
it guards: a file that is swapped by ``os.replace`` cannot carry its own lock.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class LockTimeout(TimeoutError):
    """Another process held the lock for longer than we were willing to wait."""


@contextmanager
def exclusive(lock_path: Path, timeout: float, poll: float = 0.05) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``lock_path`` (created 0600) for the block.

    Raises ``LockTimeout`` after ``timeout`` seconds, and ``OSError`` when the
    lock file cannot be opened at all.
    """
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LockTimeout(f"{lock_path} is held by another process") from None
                time.sleep(poll)
        yield
    finally:
        os.close(descriptor)
