"""Logging fit for journald: levels, no timestamps, no secrets, -v and -vv."""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path

import pytest

from daemon.app import logs


@pytest.fixture(autouse=True)
def restore_logging():
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_followup", False)]:
        root.removeHandler(handler)
    for name in logs.OWN_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET)


def test_lines_carry_the_level_and_no_timestamp():
    stream = io.StringIO()
    logs.setup(0, default=logging.INFO, stream=stream, environ={})
    logging.getLogger("daemon.app.service").info("cycle: nothing new")
    logging.getLogger("daemon.app.service").debug("hidden")
    assert stream.getvalue() == "INFO daemon.app.service: cycle: nothing new\n"


def test_under_journald_each_line_starts_with_its_syslog_priority(tmp_path: Path):
    with (tmp_path / "journal").open("w+") as stream:
        status = os.fstat(stream.fileno())
        journal = {"JOURNAL_STREAM": f"{status.st_dev}:{status.st_ino}"}
        logs.setup(0, stream=stream, environ=journal)
        log = logging.getLogger("daemon.app.service")
        log.warning("calendar: timed out")
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("cycle failed")
        stream.seek(0)
        lines = stream.read().splitlines()
    assert lines[0] == "<4>WARNING daemon.app.service: calendar: timed out"
    assert lines[1] == "<3>ERROR daemon.app.service: cycle failed"
    assert all(line.startswith("<3>") for line in lines[1:]) and len(lines) > 3


def test_a_stream_that_is_not_the_journal_gets_no_priorities(tmp_path: Path):
    stream = io.StringIO()
    logs.setup(0, stream=stream, environ={"JOURNAL_STREAM": "1:2"})
    logging.getLogger("daemon").warning("plain")
    assert stream.getvalue() == "WARNING daemon: plain\n"


def test_verbosity_is_for_our_loggers_only():
    stream = io.StringIO()
    logs.setup(2, stream=stream, environ={})
    logging.getLogger("integrations.ics").debug("ours")
    logging.getLogger("urllib3.connectionpool").debug("GET /calendar?token=abc")
    logging.getLogger("googleapiclient.discovery").info("URL being requested")
    assert stream.getvalue() == "DEBUG integrations.ics: ours\n"
    assert logs.level_for(1, logging.WARNING) == logging.INFO
    assert logs.level_for(5, logging.INFO) == logging.DEBUG


@pytest.mark.parametrize(
    ("message", "secret"),
    [
        ("Authorization: Bearer ya29.a0AfH6SMBx-secret-token", "a0AfH6SMBx"),
        ('{"refresh_token": "1//0gSecretRefreshTokenValue123"}', "SecretRefresh"),
        ("imap login password=hunter2hunter2 failed", "hunter2"),
        ("GET https://alex:s3cretpass@caldav.example/cal", "s3cretpass"),
        ("client_secret: GOCSPX-abcdefgh", "GOCSPX"),
    ],
)
def test_anything_shaped_like_a_credential_is_masked(message, secret):
    stream = io.StringIO()
    logs.setup(0, stream=stream, environ={})
    logging.getLogger("integrations.google").warning("%s", message)
    assert secret not in stream.getvalue() and "***" in stream.getvalue()


def test_a_huge_message_is_cut():
    stream = io.StringIO()
    logs.setup(0, stream=stream, environ={})
    logging.getLogger("daemon").warning("x" * 5000)
    assert len(stream.getvalue()) < logs.MAX_MESSAGE + 100
    assert "(4000 more)" in stream.getvalue()
