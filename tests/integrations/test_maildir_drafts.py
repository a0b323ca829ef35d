"""What only the Maildir store does: folders, flags, file modes, and its errors.

The behaviour every draft store shares is in tests/contract/drafts_contract.py.
"""

from __future__ import annotations

import mailbox
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from daemon.compose.mime import build_message, message_bytes, parse_message
from daemon.domain.errors import BackendError
from integrations.maildir.drafts import MaildirDraftStore


def message(key: str) -> bytes:
    built = build_message(
        key=key,
        sender_name="Alex Rivera",
        sender_email="alex@example.com",
        to_name="Dana Lee",
        to_email="dana@acme.com",
        subject="Thank you — Staff Engineer interview",
        body="Dear Dana,\n\nThank you.\n",
        now=datetime(2026, 12, 1, 15, 30, tzinfo=UTC),
    )
    return message_bytes(built)


def create(store: MaildirDraftStore, key: str) -> str:
    (result,) = store.create_drafts([(key, parse_message(message(key)))])
    assert result.ok, result
    return result.remote_id


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def files(folder: Path) -> list[Path]:
    return sorted(p for sub in ("cur", "new") for p in (folder / sub).iterdir())


def test_the_folder_is_created_on_first_use_private(tmp_path: Path) -> None:
    folder = tmp_path / "state" / "followup" / "Drafts"
    store = MaildirDraftStore(folder)
    assert not folder.exists()  # constructing touches nothing
    create(store, "k1")
    assert mode(folder) == 0o700
    for sub in ("tmp", "new", "cur"):
        assert mode(folder / sub) == 0o700


def test_an_existing_empty_folder_gets_its_subfolders(tmp_path: Path) -> None:
    folder = tmp_path / "Drafts"
    folder.mkdir()
    create(MaildirDraftStore(folder), "k1")
    assert len(files(folder)) == 1


def test_a_draft_is_a_private_file_in_cur_flagged_draft_and_seen(tmp_path: Path) -> None:
    store = MaildirDraftStore(tmp_path / "Drafts")
    maildir_key = create(store, "k1")
    (file,) = files(tmp_path / "Drafts")
    assert file.parent.name == "cur"
    assert file.name == f"{maildir_key}:2,DS"
    assert mode(file) == 0o600
    assert not list((tmp_path / "Drafts" / "tmp").iterdir())  # written via tmp, then moved
    box = mailbox.Maildir(tmp_path / "Drafts", create=False)
    assert box.get_message(maildir_key).get_flags() == "DS"


def test_the_file_holds_the_message_byte_for_byte(tmp_path: Path) -> None:
    create(MaildirDraftStore(tmp_path / "Drafts"), "k1")
    (file,) = files(tmp_path / "Drafts")
    assert file.read_bytes() == message("k1")


@pytest.mark.parametrize(
    ("flags", "present"), [("DS", True), ("D", True), ("S", False), ("DST", False)]
)
def test_only_messages_flagged_draft_and_not_trashed_count_as_present(
    tmp_path: Path, flags: str, present: bool
) -> None:
    store = MaildirDraftStore(tmp_path / "Drafts")
    create(store, "k1")
    (file,) = files(tmp_path / "Drafts")
    renamed = file.with_name(file.name.split(":")[0] + f":2,{flags}")
    file.rename(renamed)
    assert store.present(["k1"]) == ({"k1"} if present else set())
    # whatever its flags, it is the user's now: never written a second time
    create(store, "k1")
    assert len(files(tmp_path / "Drafts")) == 1


def test_other_messages_in_the_folder_are_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "Drafts"
    box = mailbox.Maildir(folder, create=True)
    foreign = mailbox.MaildirMessage(b"Subject: my own draft\nX-Other: k1\n\nk1 in the body\n")
    foreign.set_subdir("cur")
    foreign.set_flags("DS")
    box.add(foreign)
    (folder / "cur" / ".hidden").write_bytes(b"X-Interview-Followup-Key: k1\n\n")
    (folder / "cur" / "a-folder").mkdir()
    store = MaildirDraftStore(folder)
    assert store.present(["k1"]) == set()
    create(store, "k1")
    assert store.present(["k1"]) == {"k1"}
    assert len([f for f in files(folder) if f.is_file() and f.name[0] != "."]) == 2


def test_a_path_that_cannot_be_a_folder_is_a_backend_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    store = MaildirDraftStore(blocker / "Drafts")
    with pytest.raises(BackendError, match="maildir"):
        create(store, "k1")
    with pytest.raises(BackendError):
        store.present(["k1"])


def test_a_missing_folder_is_an_error_to_read_until_a_draft_creates_it(tmp_path: Path) -> None:
    # Not "every draft was sent": the folder may be on a drive that is not mounted.
    folder = tmp_path / "Drafts"
    store = MaildirDraftStore(folder)
    with pytest.raises(BackendError, match="cannot read"):
        store.present(["k1"])
    assert not folder.exists()
    create(store, "k1")
    assert store.present(["k1"]) == {"k1"}
    for file in files(folder):
        file.unlink()
    for sub in ("tmp", "new", "cur"):
        (folder / sub).rmdir()
    folder.rmdir()
    with pytest.raises(BackendError):
        store.present(["k1"])
    create(store, "k2")
    assert store.present(["k1", "k2"]) == {"k2"}


def test_a_message_with_another_key_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    store = MaildirDraftStore(tmp_path / "Drafts")
    (result,) = store.create_drafts([("k1", parse_message(message("k2")))])
    assert (not result.ok and "k2" in result.error) or "key" in result.error
    assert not list((tmp_path / "Drafts").glob("*/*"))
