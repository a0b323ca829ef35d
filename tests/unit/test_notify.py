"""sd_notify: datagrams to $NOTIFY_SOCKET, a path or an abstract name; silent outside systemd."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from daemon.app.notify import Notifier, one_line


def receive(sock: socket.socket) -> list[str]:
    sock.setblocking(False)
    found = []
    while True:
        try:
            found.append(sock.recv(4096).decode())
        except BlockingIOError:
            return found


def test_messages_reach_a_socket_path(tmp_path: Path):
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as manager:
        manager.bind(str(tmp_path / "notify"))
        notifier = Notifier({"NOTIFY_SOCKET": str(tmp_path / "notify"), "WATCHDOG_USEC": "2000000"})
        notifier.ready("first cycle\ndone")
        notifier.watchdog()
        notifier.status("all well")
        notifier.stopping("bye")
        notifier.close()
        assert receive(manager) == [
            "READY=1\nSTATUS=first cycle done",
            "WATCHDOG=1",
            "STATUS=all well",
            "STOPPING=1\nSTATUS=bye",
        ]
    assert notifier.watchdog_seconds == 2.0


def test_an_abstract_socket_name_starts_with_at(tmp_path: Path):
    name = f"followup-test-{os.getpid()}-{tmp_path.name}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as manager:
        manager.bind(b"\0" + name.encode())
        Notifier({"NOTIFY_SOCKET": f"@{name}"}).status("abstract")
        assert receive(manager) == ["STATUS=abstract"]


def test_the_watchdog_is_only_for_the_process_it_names():
    assert Notifier({"WATCHDOG_USEC": "1000", "WATCHDOG_PID": "1"}, pid=2).watchdog_seconds is None
    assert Notifier({"WATCHDOG_USEC": "1000", "WATCHDOG_PID": "2"}, pid=2).watchdog_seconds == 0.001
    assert Notifier({"WATCHDOG_USEC": "0"}).watchdog_seconds is None


def test_without_systemd_nothing_is_sent_and_nothing_fails(tmp_path: Path):
    notifier = Notifier({})
    assert not notifier.enabled
    notifier.ready("x")
    # A manager that went away (socket gone) does not take the service with it.
    gone = Notifier({"NOTIFY_SOCKET": str(tmp_path / "gone"), "WATCHDOG_USEC": "1000"})
    gone.watchdog()
    gone.status("still here")


def test_status_is_one_line():
    assert one_line("a\nb\r\n  c") == "a b c"
