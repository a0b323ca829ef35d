"""The contract every ``DraftStore`` adapter passes (memory, Maildir; IMAP and Gmail to come).

An adapter joins by subclassing ``DraftStoreContract`` in a ``test_*`` module and
overriding two fixtures:

- ``store``: a fresh, empty store of that kind;
- ``user``: a ``DraftUser`` for it, the person at the mail client, who can send,
  discard and edit drafts, and whose client shows what is stored.

For IMAP the user would ``UID STORE \\Deleted`` + ``EXPUNGE`` (and APPEND to Sent);
for the Gmail stand-in, ``drafts.send`` / ``drafts.delete`` on the fake server.
Everything the contract checks is seen through the user's eyes (the stored
bytes), never through the adapter's own bookkeeping.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Protocol

import pytest

from daemon.compose.mime import MESSAGE_HEADERS, build_message, parse_message, stored_keys
from daemon.domain.ports import DraftStore

NOW = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)


class DraftUser(Protocol):
    """The user at their mail client, for one store."""

    def send(self, key: str) -> None:
        """Send the draft with ``key``: it leaves the drafts folder."""

    def discard(self, key: str) -> None:
        """Delete the draft with ``key`` unsent."""

    def edit(self, key: str, new_body: str) -> None:
        """Rewrite the draft's text the way this backend's clients do."""

    def drafts(self) -> list[bytes]:
        """Every message in the drafts folder, as stored."""


def message(key: str, **overrides: str) -> EmailMessage:
    fields = {
        "sender_name": "Alex Rivera",
        "sender_email": "alex@example.com",
        "to_name": "Dana Lee",
        "to_email": "dana@acme.com",
        "subject": "Thank you — Staff Engineer interview",
        "body": "Dear Dana,\n\nThank you for your time today.\n",
    }
    fields.update(overrides)
    return build_message(key=key, now=NOW, **fields)


def keyed(user: DraftUser, key: str) -> list[EmailMessage]:
    """The stored drafts whose key header is exactly ``key``."""
    return [parse_message(raw) for raw in user.drafts() if stored_keys(raw) == {key}]


def create(store: DraftStore, key: str, draft: EmailMessage) -> str:
    """One draft through the batch port; its id."""
    (result,) = store.create_drafts([(key, draft)])
    assert result.ok and result.key == key, result
    return result.remote_id


class DraftStoreContract:
    @pytest.fixture
    def store(self) -> DraftStore:
        raise NotImplementedError("an adapter's test class provides a fresh store")

    @pytest.fixture
    def user(self, store: DraftStore) -> DraftUser:
        raise NotImplementedError("an adapter's test class provides the user for its store")

    # --- creating ---------------------------------------------------------------

    def test_a_created_draft_is_present(self, store: DraftStore, user: DraftUser) -> None:
        draft_id = create(store, "k1", message("k1"))
        assert isinstance(draft_id, str) and draft_id
        assert store.present(["k1"]) == {"k1"}
        assert len(keyed(user, "k1")) == 1

    def test_creating_twice_makes_one_draft_with_one_id(
        self, store: DraftStore, user: DraftUser
    ) -> None:
        first = create(store, "k1", message("k1"))
        second = create(store, "k1", message("k1", body="A retry after a lost answer.\n"))
        assert first == second
        assert len(user.drafts()) == 1
        assert (
            keyed(user, "k1")[0].get_content() == "Dear Dana,\n\nThank you for your time today.\n"
        )

    def test_two_keys_make_two_drafts(self, store: DraftStore, user: DraftUser) -> None:
        first = create(store, "k1", message("k1"))
        second = create(store, "k2", message("k2", to_email="sam@acme.com"))
        assert first != second
        assert len(user.drafts()) == 2
        assert store.present(["k1", "k2"]) == {"k1", "k2"}

    @pytest.mark.parametrize(("short", "long"), [("abc", "abcd"), ("k1", "k1.2"), ("a-b", "a-bc")])
    def test_a_key_that_is_a_prefix_of_another_is_not_confused_with_it(
        self, store: DraftStore, user: DraftUser, short: str, long: str
    ) -> None:
        long_id = create(store, long, message(long))
        assert store.present([short]) == set()
        short_id = create(store, short, message(short))
        assert short_id != long_id
        assert len(user.drafts()) == 2
        user.discard(long)
        assert store.present([short, long]) == {short}
        assert len(keyed(user, short)) == 1

    def test_a_message_that_does_not_carry_the_key_is_refused(
        self, store: DraftStore, user: DraftUser
    ) -> None:
        (result,) = store.create_drafts([("k1", message("k2"))])
        assert not result.ok and result.error
        assert user.drafts() == []

    def test_one_bad_draft_in_a_batch_leaves_the_others_written(
        self, store: DraftStore, user: DraftUser
    ) -> None:
        results = store.create_drafts(
            [("k1", message("k1")), ("k2", message("k3")), ("k3", message("k3"))]
        )
        assert [r.key for r in results] == ["k1", "k2", "k3"]
        assert [r.ok for r in results] == [True, False, True]
        assert store.present(["k1", "k2", "k3"]) == {"k1", "k3"}
        assert len(user.drafts()) == 2

    def test_a_batch_with_a_key_twice_makes_one_draft(
        self, store: DraftStore, user: DraftUser
    ) -> None:
        first, second = store.create_drafts([("k1", message("k1")), ("k1", message("k1"))])
        assert first.remote_id == second.remote_id
        assert len(user.drafts()) == 1

    # --- what the user does -------------------------------------------------------

    def test_present_answers_only_for_keys_asked_about(self, store: DraftStore) -> None:
        create(store, "k1", message("k1"))
        create(store, "k2", message("k2"))
        assert store.present([]) == set()
        assert store.present(["k2", "unknown"]) == {"k2"}
        assert store.present(key for key in ["k1"]) == {"k1"}  # any iterable

    def test_a_sent_draft_is_no_longer_present(self, store: DraftStore, user: DraftUser) -> None:
        create(store, "k1", message("k1"))
        create(store, "k2", message("k2"))
        user.send("k1")
        assert store.present(["k1", "k2"]) == {"k2"}

    def test_a_discarded_draft_is_no_longer_present(
        self, store: DraftStore, user: DraftUser
    ) -> None:
        create(store, "k1", message("k1"))
        create(store, "k2", message("k2"))
        user.discard("k2")
        assert store.present(["k1", "k2"]) == {"k1"}

    def test_an_edited_draft_is_the_users_and_is_not_written_again(
        self, store: DraftStore, user: DraftUser
    ) -> None:
        create(store, "k1", message("k1"))
        user.edit("k1", "Dear Dana,\n\nMy own words.\n")
        assert store.present(["k1"]) == {"k1"}
        create(store, "k1", message("k1"))
        (draft,) = keyed(user, "k1")
        assert len(user.drafts()) == 1
        assert draft.get_content() == "Dear Dana,\n\nMy own words.\n"

    # --- what is stored -----------------------------------------------------------

    def test_the_stored_message_round_trips(self, store: DraftStore, user: DraftUser) -> None:
        original = message(
            "k1",
            to_name="Zoë Ñúñez",
            to_email="zoe@acme.example",
            subject="Merci — Ingénieure logicielle 🎉",
            body="Chère Zoë,\n\nMerci beaucoup — à bientôt.\n",
        )
        create(store, "k1", original)
        (stored,) = keyed(user, "k1")
        assert sorted(stored.keys()) == sorted(MESSAGE_HEADERS)
        assert [a.addr_spec for a in stored["To"].addresses] == ["zoe@acme.example"]
        assert stored["To"].addresses[0].display_name == "Zoë Ñúñez"
        assert stored["From"].addresses[0].addr_spec == "alex@example.com"
        assert stored["Subject"] == "Merci — Ingénieure logicielle 🎉"
        assert stored["Message-ID"] == original["Message-ID"]
        assert stored["Date"].datetime == NOW
        assert stored.get_content_type() == "text/plain"
        assert stored.get_content() == "Chère Zoë,\n\nMerci beaucoup — à bientôt.\n"

    def test_hostile_text_stays_one_recipient_once_stored(
        self, store: DraftStore, user: DraftUser
    ) -> None:
        create(
            store,
            "k1",
            message(
                "k1",
                to_name="Eve <eve@evil.com>, Alice =?utf-8?q?=0D=0ABcc=3A_evil=40x=2Ecom?=",
                subject="Thanks =?utf-8?q?=0D=0ABcc=3A_evil=40x=2Ecom?= for your time",
            ),
        )
        (stored,) = keyed(user, "k1")
        assert sorted(stored.keys()) == sorted(MESSAGE_HEADERS)
        assert [a.addr_spec for a in stored["To"].addresses] == ["dana@acme.com"]

    def test_the_longest_key_is_found_again(self, store: DraftStore, user: DraftUser) -> None:
        key = "f" * 52
        first = create(store, key, message(key))
        assert create(store, key, message(key)) == first
        assert store.present([key]) == {key}
        assert len(user.drafts()) == 1
