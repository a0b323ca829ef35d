"""A desktop notification when the service needs the user: best effort, optional.

Freedesktop notifications over the session D-Bus, sent with ``notify-send``
(libnotify) or, failing that, ``gdbus`` (GLib), whichever is installed: no
D-Bus library to depend on. Without a session bus (a server, lingering with
nobody logged in) there is nobody to show it to, and nothing happens. The
journal and ``followup status`` say the same in any case.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading
from collections.abc import Mapping
from pathlib import Path

from daemon.app.health import Announce, NeedsUser

log = logging.getLogger(__name__)

APP_NAME = "interview-followup"
#: A notification command that hangs is killed after this long.
TIMEOUT_SECONDS = 10.0
#: What systemd handed this process, not meant for the notification command.
_PRIVATE = ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID")


def has_session_bus(environ: Mapping[str, str]) -> bool:
    if environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return True
    runtime = environ.get("XDG_RUNTIME_DIR", "")
    return bool(runtime) and (Path(runtime) / "bus").is_socket()


def command(title: str, body: str, environ: Mapping[str, str]) -> list[str] | None:
    """The command that shows the notification, or None when none can."""
    path = environ.get("PATH", os.defpath)
    if notify_send := shutil.which("notify-send", path=path):
        return [notify_send, f"--app-name={APP_NAME}", "--urgency=normal", title, body]
    if gdbus := shutil.which("gdbus", path=path):
        return [
            gdbus,
            "call",
            "--session",
            "--dest=org.freedesktop.Notifications",
            "--object-path=/org/freedesktop/Notifications",
            "--method=org.freedesktop.Notifications.Notify",
            _gvariant(APP_NAME),
            "0",
            _gvariant("dialog-warning"),
            _gvariant(title),
            _gvariant(body),
            "[]",
            "{}",
            "-1",
        ]
    return None


def _gvariant(text: str) -> str:
    """A GVariant text-format string literal (what ``gdbus call`` parses its arguments as)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def announcer(environ: Mapping[str, str]) -> Announce | None:
    """A function that shows a needs-the-user state on the desktop, if there is one."""
    if not has_session_bus(environ):
        return None
    child_environ = {k: v for k, v in environ.items() if k not in _PRIVATE}

    def announce(state: NeedsUser) -> None:
        argv = command(f"interview-followup needs you: {state.source}", state.line(), environ)
        if argv is None:
            return
        try:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=child_environ,
                start_new_session=True,
            )
        except OSError as error:
            log.debug("desktop notification: %s", error)
            return
        # Waited for off the loop's thread: the loop must not stall on a desktop.
        threading.Thread(target=_reap, args=(process,), daemon=True).start()

    return announce


def _reap(process: subprocess.Popen[bytes]) -> None:
    try:
        process.wait(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
