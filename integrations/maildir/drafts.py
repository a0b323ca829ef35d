"""Drafts as files in a local Maildir: the embedded default, for people who want files only.

Each draft is one file in ``cur/`` with the Maildir flags ``D`` (draft: mutt and
Dovecot show it as a draft, Dovecot as ``\\Draft``) and ``S`` (seen: it is the
user's own text, not new mail to be announced as unread). Writes go through the
standard library's ``mailbox.Maildir``, which writes the file in ``tmp/``, syncs
it, and only then links it into ``cur/``: a reader never sees half a draft, and
after a crash a draft either exists whole or not at all.

The folder and its ``tmp``/``new``/``cur`` are created with mode 0700 and each
draft file is made 0600: notes are private. The adapter only ever adds files;
it cannot send mail.
"""

from __future__ import annotations

import contextlib
import mailbox
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from daemon.compose.mime import check_draft_key, message_bytes, stored_keys
from daemon.domain.errors import BackendError, ItemError
from daemon.domain.ports import WriteResult

#: Maildir flags of a new draft: D = draft, S = seen (not announced as unread mail).
DRAFT_FLAGS = "DS"

#: Headers beyond this are not read when looking for a key: ours are ~1 KiB.
_HEADER_LIMIT = 64 * 1024

_SUBFOLDERS = ("tmp", "new", "cur")


@dataclass(frozen=True)
class _Entry:
    """One message file as the scan sees it."""

    mailbox_key: str
    flags: str
    keys: frozenset[str]

    @property
    def is_draft(self) -> bool:
        # A message the user flagged as trashed (T) is on its way out: not a draft.
        return "D" in self.flags and "T" not in self.flags


class MaildirDraftStore:
    """A ``DraftStore`` on a Maildir folder; the folder is created by the first draft.

    Nothing is touched before the first call, so a missing or unwritable folder
    is a ``BackendError`` of one cycle (reported, retried next cycle), not a
    crash at start-up. No lock: the service runs as a single instance.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        # Message files never change content under the same name and inode (an
        # edit writes a new file), so their keys are read once: (name, inode) -> keys.
        self._seen: dict[tuple[str, int], frozenset[str]] = {}

    @property
    def path(self) -> Path:
        return self._path

    def create_drafts(self, drafts: Sequence[tuple[str, EmailMessage]]) -> list[WriteResult]:
        """Add each draft whose key is not in the folder yet; the folder is scanned once."""
        prepared: list[tuple[str, bytes | None, str]] = []
        for key, message in drafts:
            try:
                check_draft_key(key, message)
                prepared.append((key, message_bytes(message), ""))
            except (ItemError, ValueError) as error:
                prepared.append((key, None, str(error)))
        if all(raw is None for _, raw, _ in prepared):
            # Nothing to write: the folder is not even created.
            return [WriteResult(key, error=problem) for key, _, problem in prepared]
        box = self._open()
        existing = {k: entry.mailbox_key for entry in self._scan() for k in entry.keys}
        results: list[WriteResult] = []
        added = False
        for key, raw, problem in prepared:
            if raw is None:
                results.append(WriteResult(key, error=problem))
            elif key in existing:
                results.append(WriteResult(key, existing[key]))
            else:
                existing[key] = self._add(box, raw)
                results.append(WriteResult(key, existing[key]))
                added = True
        if added:
            try:
                # One sync for the batch: the new entries are durable before the
                # ledger says "created".
                _sync_folder(self._path / "cur")
            except OSError as exc:
                raise BackendError(f"maildir {self._path}: could not sync: {exc}") from exc
        return results

    def _add(self, box: mailbox.Maildir, raw: bytes) -> str:
        draft = mailbox.MaildirMessage(raw)
        draft.set_subdir("cur")
        draft.set_flags(DRAFT_FLAGS)
        try:
            mailbox_key = box.add(draft)
            file = self._path / "cur" / f"{mailbox_key}{box.colon}{draft.get_info()}"
            with contextlib.suppress(FileNotFoundError):  # a mail client already renamed it
                file.chmod(0o600)
        except (OSError, mailbox.Error) as exc:
            raise BackendError(f"maildir {self._path}: could not add a draft: {exc}") from exc
        return mailbox_key

    def present(self, keys: Iterable[str]) -> set[str]:
        wanted = set(keys)
        if not wanted:
            return set()
        found: set[str] = set()
        for entry in self._scan():
            if entry.is_draft:
                found |= entry.keys & wanted
        return found

    def sent(self, keys: Iterable[str]) -> set[str] | None:
        # Where a mail program keeps sent mail is its own choice: not known here.
        return None

    def _open(self) -> mailbox.Maildir:
        """The Maildir, its folders created if missing (only writing creates them)."""
        try:
            if not self._path.exists():
                self._path.parent.mkdir(parents=True, exist_ok=True)
            box = mailbox.Maildir(self._path, create=True)  # a new folder gets mode 0700
            # An existing empty folder gets no subfolders from mailbox: add them.
            for name in _SUBFOLDERS:
                (self._path / name).mkdir(mode=0o700, exist_ok=True)
        except (OSError, mailbox.Error) as exc:
            raise BackendError(f"maildir {self._path}: cannot open: {exc}") from exc
        return box

    def _scan(self) -> list[_Entry]:
        """Every message file in ``cur`` and ``new``; only the headers of unseen files are read.

        Listed straight from the folders (the Maildir layout is a standard) so the
        flags come from the file names, with no message parsed in full. A missing
        folder is an error, never "every draft was sent": it may be a drive that
        is not mounted.
        """
        colon = mailbox.Maildir.colon
        entries: list[_Entry] = []
        seen: dict[tuple[str, int], frozenset[str]] = {}
        try:
            for folder in ("cur", "new"):
                with os.scandir(self._path / folder) as files:
                    for file in files:
                        if file.name.startswith(".") or not file.is_file():
                            continue
                        mailbox_key, _, info = file.name.partition(colon)
                        cache_key = (mailbox_key, file.inode())
                        keys = self._seen.get(cache_key)
                        if keys is None:
                            keys = _read_keys(Path(file.path))
                            if keys is None:  # removed while we looked: it is gone
                                continue
                        seen[cache_key] = keys
                        flags = info[2:] if info.startswith("2,") else ""
                        entries.append(_Entry(mailbox_key, flags, keys))
        except OSError as exc:
            raise BackendError(f"maildir {self._path}: cannot read: {exc}") from exc
        self._seen = seen
        return entries


def _read_keys(file: Path) -> frozenset[str] | None:
    """The key header values of one message file; None if the file is gone."""
    lines: list[bytes] = []
    size = 0
    try:
        with file.open("rb") as stream:
            for line in stream:
                if line in (b"\n", b"\r\n") or size > _HEADER_LIMIT:
                    break
                lines.append(line)
                size += len(line)
    except FileNotFoundError:
        return None
    return frozenset(stored_keys(b"".join(lines)))


def _sync_folder(folder: Path) -> None:
    """Make the new directory entry durable before the ledger says "created"."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
