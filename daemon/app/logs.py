"""Logging set-up: plain lines on stderr, which journald records with their level.

No timestamps of our own (the journal keeps its own, exact ones). Under
journald (``$JOURNAL_STREAM`` names our stderr) each line starts with a
``<N>`` syslog priority, which journald strips and stores as the entry's
level, so ``journalctl -p warning`` works.

What is logged never holds a token, a password, a mail body or note text:
the code logs descriptions (``planning.actions.describe``), not content. As a
second line of defence the formatter masks anything shaped like a credential
and cuts very long messages, so an exception that quotes a whole note cannot
pour it into the journal. Third-party libraries stay at WARNING even with
``-vv``: some log request bodies or headers at DEBUG.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Mapping
from typing import TextIO

#: The loggers of this project; every other logger stays at WARNING.
OWN_LOGGERS = ("daemon", "integrations", "followup")

#: A message longer than this is cut: no log line needs a whole document.
MAX_MESSAGE = 1000

_PRIORITY = {
    logging.DEBUG: 7,
    logging.INFO: 6,
    logging.WARNING: 4,
    logging.ERROR: 3,
    logging.CRITICAL: 2,
}

_SECRETS = [
    # "Authorization: Bearer ya29...", "Basic dXNlcjpwYXNz"
    (re.compile(r"(?i)\b(bearer|basic)\s+[\w.~+/=-]{8,}"), r"\1 ***"),
    # Google OAuth access and refresh tokens, wherever they appear.
    (re.compile(r"\bya29\.[\w.-]+"), "***"),
    (re.compile(r"\b1//[\w-]{20,}"), "***"),
    # password=..., "refresh_token": "...", client_secret: ...
    (
        re.compile(
            r"""(?ix)\b((?:access_|refresh_|id_)?token|password|passwd|secret|client_secret
                |api_key|apikey)(["']?\s*[:=]\s*["']?)[^\s"',;&}]+"""
        ),
        r"\1\2***",
    ),
    # user:password@host in URLs
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s/:@]+):[^\s/@]+@"), r"\1:***@"),
]


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class _Formatter(logging.Formatter):
    def __init__(self, *, journal: bool) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")
        self._journal = journal

    def formatMessage(self, record: logging.LogRecord) -> str:
        message = record.message
        if len(message) > MAX_MESSAGE:
            record.message = message[:MAX_MESSAGE] + f"… ({len(message) - MAX_MESSAGE} more)"
        try:
            return super().formatMessage(record)
        finally:
            record.message = message

    def format(self, record: logging.LogRecord) -> str:
        text = redact(super().format(record))
        if not self._journal:
            return text
        # Every line gets the priority: a traceback's lines are entries of their own.
        prefix = f"<{_PRIORITY.get(record.levelno, 6)}>"
        return "\n".join(prefix + line for line in text.splitlines())


def level_for(verbosity: int, default: int) -> int:
    """``-v`` one step more talkative than ``default``, ``-vv`` another, down to DEBUG."""
    return max(logging.DEBUG, default - 10 * verbosity)


def setup(
    verbosity: int = 0,
    *,
    default: int = logging.WARNING,
    stream: TextIO | None = None,
    environ: Mapping[str, str] = os.environ,
) -> None:
    """Configure logging for one command; calling it again replaces the earlier set-up."""
    stream = stream if stream is not None else sys.stderr
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_followup", False)]:
        root.removeHandler(handler)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_Formatter(journal=_is_journal(stream, environ)))
    handler._followup = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    level = level_for(verbosity, default)
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(level)


def _is_journal(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """True when ``stream`` is the journal stream systemd connected (not a redirect)."""
    device, _, inode = environ.get("JOURNAL_STREAM", "").partition(":")
    if not (device.isdigit() and inode.isdigit()):
        return False
    try:
        status = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return (status.st_dev, status.st_ino) == (int(device), int(inode))
