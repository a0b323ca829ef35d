"""The draft-store contract run against every adapter, plus what only the memory fake adds."""

from __future__ import annotations

import ast
import mailbox
import subprocess
import sys
from pathlib import Path

import pytest

from daemon.compose.mime import message_bytes, parse_message, stored_keys
from daemon.domain.errors import BackendError
from integrations.maildir.drafts import MaildirDraftStore
from integrations.memory.drafts import MemoryDraftStore
from tests.contract.drafts_contract import DraftStoreContract, create, message

ROOT = Path(__file__).resolve().parents[2]

# --- memory --------------------------------------------------------------------


class MemoryUser:
    def __init__(self, store: MemoryDraftStore) -> None:
        self.store = store

    def send(self, key: str) -> None:
        self.store.user_send(key)

    def discard(self, key: str) -> None:
        self.store.user_discard(key)

    def edit(self, key: str, new_body: str) -> None:
        self.store.user_edit(key, new_body)

    def drafts(self) -> list[bytes]:
        return list(self.store.drafts().values())


class TestMemoryDraftStore(DraftStoreContract):
    @pytest.fixture
    def store(self) -> MemoryDraftStore:
        return MemoryDraftStore()

    @pytest.fixture
    def user(self, store: MemoryDraftStore) -> MemoryUser:
        return MemoryUser(store)


# --- maildir -----------------------------------------------------------------------


class MaildirUser:
    """A mail client on the Maildir (as mutt does it): files in, files out."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _files(self) -> list[Path]:
        return sorted(p for sub in ("cur", "new") for p in (self.path / sub).glob("[!.]*"))

    def _file(self, key: str) -> Path:
        (found,) = [f for f in self._files() if key in stored_keys(f.read_bytes())]
        return found

    def send(self, key: str) -> None:
        # The client sends it and files the copy in Sent: it leaves Drafts.
        self._file(key).unlink()

    def discard(self, key: str) -> None:
        self._file(key).unlink()

    def edit(self, key: str, new_body: str) -> None:
        # Clients write the edited draft as a new file and remove the old one.
        old = self._file(key)
        edited = parse_message(old.read_bytes())
        edited.set_content(new_body)
        draft = mailbox.MaildirMessage(message_bytes(edited))
        draft.set_subdir("cur")
        draft.set_flags("DS")
        mailbox.Maildir(self.path, create=False).add(draft)
        old.unlink()

    def drafts(self) -> list[bytes]:
        return [f.read_bytes() for f in self._files()]


class TestMaildirDraftStore(DraftStoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> MaildirDraftStore:
        return MaildirDraftStore(tmp_path / "Drafts")

    @pytest.fixture
    def user(self, store: MaildirDraftStore) -> MaildirUser:
        return MaildirUser(store.path)


# --- never sends -------------------------------------------------------------------

DRAFT_MODULES = {
    "daemon.compose.composer": ROOT / "daemon" / "compose" / "composer.py",
    "daemon.compose.mime": ROOT / "daemon" / "compose" / "mime.py",
    "integrations.maildir.drafts": ROOT / "integrations" / "maildir" / "drafts.py",
    "integrations.memory.drafts": ROOT / "integrations" / "memory" / "drafts.py",
}
SENDING_MODULES = {"smtplib", "smtpd", "aiosmtplib", "sendmail"}


@pytest.mark.parametrize("path", DRAFT_MODULES.values(), ids=DRAFT_MODULES.keys())
def test_draft_code_imports_nothing_that_sends(path: Path) -> None:
    imported: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & SENDING_MODULES
    assert "subprocess" not in imported  # no detour through a sendmail binary


def test_loading_the_draft_stores_loads_no_mail_sender() -> None:
    modules = ", ".join(DRAFT_MODULES)
    code = f"import sys, {modules}; print(sorted(set(sys.modules) & {SENDING_MODULES!r}))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


# --- what only the memory fake adds --------------------------------------------------


def test_memory_outage_is_a_backend_error() -> None:
    store = MemoryDraftStore()
    store.outage = True
    with pytest.raises(BackendError):
        create(store, "k1", message("k1"))
    with pytest.raises(BackendError):
        store.present(["k1"])
    assert store.drafts() == {}


def test_memory_lost_response_then_retry_finds_the_draft() -> None:
    store = MemoryDraftStore()
    store.lose_next_response = True
    with pytest.raises(BackendError):
        create(store, "k1", message("k1"))
    draft_id = create(store, "k1", message("k1"))
    assert store.writes == 1
    assert list(store.drafts()) == [draft_id]


def test_memory_user_actions() -> None:
    store = MemoryDraftStore()
    first = create(store, "k1", message("k1"))
    create(store, "k2", message("k2"))
    store.user_edit("k1", "Edited.\n")
    assert first in store.drafts()
    assert store.messages()[0].get_content() == "Edited.\n"
    store.user_send("k1")
    assert [stored_keys(raw) for raw in store.sent_folder] == [{"k1"}]
    with pytest.raises(LookupError):
        store.user_discard("k1")
