"""Gmail drafts: created once by key, watched with one list page, found again when lost."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage

from daemon.compose.mime import build_message
from daemon.domain.ports import KEY_HEADER
from integrations.google.draft_record import DraftRecord
from integrations.google.gmail import GmailDraftStore
from tests.google_standin import GoogleStandIn

from .conftest import Google

KEYS = ("a1" * 16, "b2" * 16, "c3" * 16)


def note(key: str, to: str = "dana@acme.example") -> EmailMessage:
    return build_message(
        key=key,
        sender_name="Alex Rivera",
        sender_email="me@example.com",
        to_name="Dana Lee",
        to_email=to,
        subject="Thank you for today",
        body="Dear Dana,\n\nthank you for your time today.\n\nAlex",
        now=datetime(2026, 3, 10, 12, 0, tzinfo=UTC),
    )


def test_a_draft_is_created_with_its_key_and_its_id_returned(
    google: Google, standin: GoogleStandIn
) -> None:
    (result,) = google.drafts().create_drafts([(KEYS[0], note(KEYS[0]))])

    (draft,) = standin.drafts()
    assert result.ok and result.remote_id == draft.id
    stored = standin.draft_message(draft.id)
    assert stored[KEY_HEADER] == KEYS[0]
    assert stored["To"] == "Dana Lee <dana@acme.example>"
    assert "thank you for your time today" in stored.get_content()
    (create,) = [r for r in standin.requests if r.method_id == "gmail.users.drafts.create"]
    assert set(create.body["message"]) == {"raw"}  # JSON raw, no media upload


def test_a_second_create_with_the_same_key_adds_nothing_and_sends_nothing(
    google: Google, standin: GoogleStandIn
) -> None:
    store = google.drafts()
    (first,) = store.create_drafts([(KEYS[0], note(KEYS[0]))])
    standin.reset_counts()
    (again,) = google.drafts().create_drafts([(KEYS[0], note(KEYS[0]))])  # after a restart
    assert again.remote_id == first.remote_id
    assert len(standin.drafts()) == 1
    assert sum(standin.counts.values()) == 0


def test_watching_costs_one_list_page_and_nothing_when_no_draft_waits(
    google: Google, standin: GoogleStandIn
) -> None:
    store = google.drafts()
    store.create_drafts([(key, note(key)) for key in KEYS])
    standin.reset_counts()

    assert store.present(KEYS) == set(KEYS)
    assert standin.counts == {"gmail.users.drafts.list": 1}

    standin.reset_counts()
    assert store.present([]) == set()
    assert sum(standin.counts.values()) == 0


def test_a_sent_or_discarded_draft_is_gone_and_an_edited_one_stays(
    google: Google, standin: GoogleStandIn
) -> None:
    store = google.drafts()
    results = store.create_drafts([(key, note(key)) for key in KEYS])
    sent, discarded, edited = (r.remote_id for r in results)

    standin.ui_send_draft(sent)
    standin.ui_delete_draft(discarded)
    rewritten = note(KEYS[2])
    rewritten.set_content("Dear Dana, rewritten by me.")
    standin.ui_edit_draft(edited, rewritten)

    assert store.present(KEYS) == {KEYS[2]}


def test_drafts_are_found_by_their_header_when_the_record_is_lost(
    google: Google, standin: GoogleStandIn
) -> None:
    google.drafts().create_drafts([(key, note(key)) for key in KEYS])
    (google.folder / "gmail-drafts.json").unlink()
    standin.ui_send_draft(standin.drafts()[0].id)
    standin.deliver(note("ee" * 16, to="someone@else.example"), labels=("DRAFT",))

    store = google.drafts()
    assert store.present(KEYS) == set(KEYS[1:])


def test_a_create_that_was_sent_before_a_crash_is_found_not_repeated(
    google: Google, standin: GoogleStandIn
) -> None:
    # The record says a create went out, and the draft is there: the process died
    # between sending and recording the answer.
    standin.gmail.create_draft(note(KEYS[0]).as_bytes())
    record = DraftRecord(google.folder / "gmail-drafts.json")
    record.set(KEYS[0], "")
    record.save()

    (result,) = google.drafts().create_drafts([(KEYS[0], note(KEYS[0]))])

    (draft,) = standin.drafts()
    assert result.remote_id == draft.id


def test_a_pending_create_is_found_by_header_when_gmail_changed_the_message_id(
    google: Google, standin: GoogleStandIn
) -> None:
    standin.gmail.keeps_message_id = False
    standin.gmail.create_draft(note(KEYS[0]).as_bytes())
    standin.gmail.create_draft(note(KEYS[1]).as_bytes())
    record = DraftRecord(google.folder / "gmail-drafts.json")
    record.set(KEYS[0], "")
    record.save()

    (result,) = google.drafts().create_drafts([(KEYS[0], note(KEYS[0]))])

    assert len(standin.drafts()) == 2
    assert standin.draft_message(result.remote_id)[KEY_HEADER] == KEYS[0]


def test_a_pending_create_that_never_arrived_is_created(
    google: Google, standin: GoogleStandIn
) -> None:
    record = DraftRecord(google.folder / "gmail-drafts.json")
    record.set(KEYS[0], "")
    record.save()
    (result,) = google.drafts().create_drafts([(KEYS[0], note(KEYS[0]))])
    (draft,) = standin.drafts()
    assert result.remote_id == draft.id


def test_a_message_without_its_key_fails_alone(google: Google, standin: GoogleStandIn) -> None:
    results = google.drafts().create_drafts([(KEYS[0], note(KEYS[1])), (KEYS[2], note(KEYS[2]))])
    assert [r.ok for r in results] == [False, True]
    assert len(standin.drafts()) == 1


def test_without_a_state_folder_drafts_are_still_found_by_header(
    google: Google, standin: GoogleStandIn
) -> None:
    session = google.session()
    GmailDraftStore(session, DraftRecord(None)).create_drafts([(KEYS[0], note(KEYS[0]))])
    assert GmailDraftStore(session, DraftRecord(None)).present([KEYS[0]]) == {KEYS[0]}
