"""Which Gmail draft holds which key: the adapter's own small ledger, beside the state file.

Gmail has no idempotency key and ``drafts.list`` returns only ids, so the
adapter remembers the draft id it got for each key. An entry with no id yet
means a create was (maybe) sent and its answer never arrived: before creating
again, the draft is looked for on the server by its key. The record only saves
requests; losing it loses nothing (drafts are then found by their key header).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

FILE_NAME = "gmail-drafts.json"


class DraftRecord:
    """key -> Gmail draft id ("" while a create's outcome is unknown), in a JSON file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._ids: dict[str, str] = self._load()

    def draft_of(self, key: str) -> str | None:
        """The draft id for ``key``; "" if a create may have happened; None if never tried."""
        return self._ids.get(key)

    def known_ids(self) -> set[str]:
        return {draft for draft in self._ids.values() if draft}

    def set(self, key: str, draft_id: str) -> None:
        self._ids[key] = draft_id

    def save(self) -> None:
        if self.path is None:
            return
        text = json.dumps({"version": 1, "drafts": self._ids}, indent=0, sort_keys=True)
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=".gmail-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                os.fchmod(handle.fileno(), 0o600)
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            Path(temporary).replace(self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                Path(temporary).unlink()
            raise

    def _load(self) -> dict[str, str]:
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            drafts = data["drafts"]
            return {str(k): str(v) for k, v in drafts.items() if isinstance(v, str)}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            # Not fatal: drafts are then found by their key header, at some requests' cost.
            log.warning("Gmail: ignoring unreadable %s (%s)", self.path, error)
            return {}
