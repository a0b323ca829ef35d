"""The systemd notification protocol (``sd_notify``), without a dependency.

A message is one datagram of ``KEY=value`` lines to the Unix socket named in
``$NOTIFY_SOCKET``; a name starting with ``@`` is in the abstract namespace.
Outside systemd the variable is unset and every call does nothing, so the
loop never has to ask whether it runs under systemd.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger(__name__)


class Notifier:
    """Sends ``READY=1``, ``STATUS=``, ``WATCHDOG=1`` and ``STOPPING=1`` to systemd."""

    def __init__(self, environ: Mapping[str, str], pid: int | None = None) -> None:
        self._address = _address(environ.get("NOTIFY_SOCKET", ""))
        self.watchdog_seconds = _watchdog_seconds(environ, os.getpid() if pid is None else pid)
        self._socket: socket.socket | None = None

    @property
    def enabled(self) -> bool:
        return self._address is not None

    def ready(self, status: str) -> None:
        self._datagram(f"READY=1\nSTATUS={one_line(status)}")

    def status(self, status: str) -> None:
        self._datagram(f"STATUS={one_line(status)}")

    def watchdog(self) -> None:
        if self.watchdog_seconds is not None:
            self._datagram("WATCHDOG=1")

    def stopping(self, status: str) -> None:
        self._datagram(f"STOPPING=1\nSTATUS={one_line(status)}")

    def _datagram(self, message: str) -> None:
        # Best effort, as libsystemd's sd_notify: a manager that went away must not
        # take the service with it, and one that stopped reading must not stall the
        # loop (non-blocking: a full queue drops the message; a missed ping shows up
        # as a watchdog restart, which is what a stuck manager deserves).
        if self._address is None:
            return
        try:
            if self._socket is None:
                self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                self._socket.setblocking(False)
            self._socket.sendto(message.encode("utf-8", "replace"), self._address)
        except OSError as error:
            log.debug("sd_notify to %r failed: %s", self._address, error)

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None


def one_line(text: str) -> str:
    """``STATUS=`` is one line: a newline would start a new (bogus) assignment."""
    return " ".join(text.split())


def _address(value: str) -> str | bytes | None:
    if not value:
        return None
    if value.startswith("@"):
        return b"\0" + value[1:].encode()
    if value.startswith("/"):
        return value
    # vsock addresses ("vsock:CID:PORT") and relative paths are not for a user service.
    log.debug("NOTIFY_SOCKET %r is not a Unix socket path: notifications off", value)
    return None


def _watchdog_seconds(environ: Mapping[str, str], pid: int) -> float | None:
    """The watchdog period asked for, if it is meant for this process."""
    usec = environ.get("WATCHDOG_USEC", "")
    target = environ.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    if target and (not target.isdigit() or int(target) != pid):
        return None  # inherited from a parent that is the one being watched
    return int(usec) / 1_000_000
