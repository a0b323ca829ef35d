"""The OAuth token file: where it lives, and writing it so it is never half there or readable.

The token JSON holds the refresh token and the client secret, so it is written
atomically (a temporary file renamed over it), mode 0600, in a folder of mode
0700, as JSON (never pickle). Free of Google's libraries: ``check-config`` reads it.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

APP_DIR = "interview-followup"
TOKEN_FILE = "google-token.json"  # noqa: S105 (a file name)


def default_token_path(environ: Mapping[str, str]) -> Path:
    """``$XDG_DATA_HOME/interview-followup/google-token.json`` (``~/.local/share`` by default)."""
    value = environ.get("XDG_DATA_HOME", "")
    # The XDG spec says relative values are invalid and must be ignored.
    base = Path(value) if value and Path(value).is_absolute() else None
    if base is None:
        home = Path(environ.get("HOME") or Path.home())
        base = home / ".local" / "share"
    return base / APP_DIR / TOKEN_FILE


def save_token(path: Path, token_json: str) -> None:
    """Replace the token file with ``token_json``: atomically, 0600, its folder 0700."""
    json.loads(token_json)  # never write something that will not load back
    folder = path.parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    # mkdir's mode is cut by the umask and ignored for a folder that existed.
    folder.chmod(0o700)
    descriptor, temporary = tempfile.mkstemp(prefix=".token-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(token_json)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise
    with contextlib.suppress(OSError):  # some file systems cannot fsync a folder
        folder_descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(folder_descriptor)
        finally:
            os.close(folder_descriptor)


def read_token(path: Path) -> dict[str, Any]:
    """The token file's JSON; raises ``OSError`` or ``ValueError`` when it is absent or bad."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data


def signature(path: Path) -> tuple[int, int, int] | None:
    """What changes when the token file is replaced (None when there is none)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_ino, status.st_mtime_ns, status.st_size)


def granted_scopes(data: Mapping[str, Any]) -> list[str]:
    scopes = data.get("scopes") or data.get("scope") or []
    if isinstance(scopes, str):
        scopes = scopes.split()
    return [s for s in scopes if isinstance(s, str)]
