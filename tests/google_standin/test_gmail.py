"""Gmail drafts and messages through the real client: raw RFC 5322, ids, search, sending."""

from __future__ import annotations

import base64
from email.message import EmailMessage
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from tests.google_standin import GMAIL_COMPOSE, GMAIL_READONLY, GoogleStandIn
from tests.google_standin.builders import reason

METADATA = "https://www.googleapis.com/auth/gmail.metadata"


def note(to: str = "ann@acme.example", key: str = "k1", subject: str = "Thank you") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "me@example.com"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{key}@followup.example>"
    message["X-Followup-Key"] = key
    message.set_content("Thank you for the conversation today.")
    return message


def raw(message: EmailMessage) -> str:
    return base64.urlsafe_b64encode(message.as_bytes()).decode()


@pytest.fixture
def gmail(google_standin: GoogleStandIn) -> Any:
    creds = google_standin.credentials([GMAIL_COMPOSE, GMAIL_READONLY])
    return google_standin.gmail_service(creds).users()


def create(gmail: Any, message: EmailMessage) -> dict[str, Any]:
    return dict(
        gmail.drafts().create(userId="me", body={"message": {"raw": raw(message)}}).execute()
    )


def test_create_answers_the_draft_and_message_ids(
    gmail: Any, google_standin: GoogleStandIn
) -> None:
    created = create(gmail, note())
    assert created["id"].startswith("r")
    assert created["message"]["labelIds"] == ["DRAFT"]
    assert [d.id for d in google_standin.drafts()] == [created["id"]]
    stored = google_standin.draft_message(created["id"])
    assert stored["X-Followup-Key"] == "k1"
    assert stored.get_content().strip() == "Thank you for the conversation today."


def test_get_full_metadata_raw_and_minimal(gmail: Any) -> None:
    created = create(gmail, note())
    full = gmail.drafts().get(userId="me", id=created["id"]).execute()["message"]
    headers = {h["name"]: h["value"] for h in full["payload"]["headers"]}
    assert headers["Subject"] == "Thank you"
    assert full["payload"]["mimeType"] == "text/plain"
    decoded = base64.urlsafe_b64decode(full["payload"]["body"]["data"] + "==")
    assert decoded.decode().strip() == "Thank you for the conversation today."
    assert full["snippet"].startswith("Thank you for the conversation")

    metadata = gmail.drafts().get(userId="me", id=created["id"], format="metadata").execute()
    names = {h["name"] for h in metadata["message"]["payload"]["headers"]}
    assert "X-Followup-Key" in names
    assert "body" not in metadata["message"]["payload"]

    as_raw = gmail.drafts().get(userId="me", id=created["id"], format="raw").execute()
    parsed = base64.urlsafe_b64decode(as_raw["message"]["raw"] + "==")
    assert b"X-Followup-Key: k1" in parsed

    minimal = gmail.drafts().get(userId="me", id=created["id"], format="minimal").execute()
    assert "payload" not in minimal["message"]


def test_the_message_id_header_is_kept_unless_told_otherwise(
    gmail: Any, google_standin: GoogleStandIn
) -> None:
    first = create(gmail, note(key="kept"))
    assert google_standin.draft_message(first["id"])["Message-ID"] == "<kept@followup.example>"
    google_standin.gmail.keeps_message_id = False
    second = create(gmail, note(key="lost"))
    assert google_standin.draft_message(second["id"])["Message-ID"] != "<lost@followup.example>"


def test_list_drafts_and_search_by_message_id(gmail: Any) -> None:
    one = create(gmail, note(key="one"))
    two = create(gmail, note(key="two"))
    listed = gmail.drafts().list(userId="me").execute()
    assert {d["id"] for d in listed["drafts"]} == {one["id"], two["id"]}
    assert listed["resultSizeEstimate"] == 2
    found = gmail.drafts().list(userId="me", q="rfc822msgid:<two@followup.example>").execute()
    assert [d["id"] for d in found["drafts"]] == [two["id"]]
    bare = gmail.drafts().list(userId="me", q="rfc822msgid:two@followup.example").execute()
    assert [d["id"] for d in bare["drafts"]] == [two["id"]]


def test_an_empty_list_has_no_drafts_key(gmail: Any) -> None:
    assert gmail.drafts().list(userId="me").execute() == {"resultSizeEstimate": 0}


def test_draft_pages(gmail: Any) -> None:
    ids = {create(gmail, note(key=f"k{n}"))["id"] for n in range(3)}
    first = gmail.drafts().list(userId="me", maxResults=2).execute()
    second = gmail.drafts().list(userId="me", pageToken=first["nextPageToken"]).execute()
    assert "nextPageToken" not in second
    assert {d["id"] for d in first["drafts"] + second["drafts"]} == ids


def test_update_keeps_the_draft_id_and_changes_the_message_id(gmail: Any) -> None:
    created = create(gmail, note())
    updated = (
        gmail.drafts()
        .update(
            userId="me",
            id=created["id"],
            body={"message": {"raw": raw(note(subject="Thank you!"))}},
        )
        .execute()
    )
    assert updated["id"] == created["id"]
    assert updated["message"]["id"] != created["message"]["id"]
    assert updated["message"]["threadId"] == created["message"]["threadId"]
    with pytest.raises(HttpError) as old:
        gmail.messages().get(userId="me", id=created["message"]["id"]).execute()
    assert old.value.status_code == 404


def test_delete_removes_the_draft(gmail: Any) -> None:
    created = create(gmail, note())
    gmail.drafts().delete(userId="me", id=created["id"]).execute()
    with pytest.raises(HttpError) as gone:
        gmail.drafts().get(userId="me", id=created["id"]).execute()
    assert gone.value.status_code == 404
    assert reason(gone.value) == "notFound"


def test_the_user_sending_a_draft_removes_it_and_leaves_a_sent_message(
    gmail: Any, google_standin: GoogleStandIn
) -> None:
    created = create(gmail, note(key="sendme"))
    sent = google_standin.ui_send_draft(created["id"])
    with pytest.raises(HttpError) as gone:
        gmail.drafts().get(userId="me", id=created["id"]).execute()
    assert gone.value.status_code == 404
    assert "drafts" not in gmail.drafts().list(userId="me").execute()
    found = gmail.messages().list(userId="me", q="in:sent rfc822msgid:sendme@followup.example")
    assert [m["id"] for m in found.execute()["messages"]] == [sent.id]
    message = gmail.messages().get(userId="me", id=sent.id, format="minimal").execute()
    assert message["labelIds"] == ["SENT"]
    assert gmail.messages().list(userId="me", q="label:sent").execute()["resultSizeEstimate"] == 1


def test_drafts_send_through_the_api(gmail: Any, google_standin: GoogleStandIn) -> None:
    created = create(gmail, note())
    sent = gmail.drafts().send(userId="me", body={"id": created["id"]}).execute()
    assert sent["labelIds"] == ["SENT"]
    assert google_standin.drafts() == []
    assert [m.id for m in google_standin.messages("SENT")] == [sent["id"]]


def test_a_draft_without_recipients_cannot_be_sent(gmail: Any) -> None:
    message = note()
    del message["To"]
    created = create(gmail, message)
    with pytest.raises(HttpError) as refused:
        gmail.drafts().send(userId="me", body={"id": created["id"]}).execute()
    assert refused.value.status_code == 400


def test_the_user_deleting_or_editing_a_draft(gmail: Any, google_standin: GoogleStandIn) -> None:
    kept = create(gmail, note(key="kept"))
    dropped = create(gmail, note(key="dropped"))
    google_standin.ui_delete_draft(dropped["id"])
    edited = google_standin.ui_edit_draft(kept["id"], note(key="kept", subject="Edited"))
    assert edited.id == kept["id"] and edited.message_id != kept["message"]["id"]
    listed = gmail.drafts().list(userId="me").execute()["drafts"]
    assert [(d["id"], d["message"]["id"]) for d in listed] == [(kept["id"], edited.message_id)]


def test_message_metadata_with_chosen_headers(gmail: Any, google_standin: GoogleStandIn) -> None:
    created = create(gmail, note())
    message = (
        gmail.messages()
        .get(
            userId="me",
            id=created["message"]["id"],
            format="metadata",
            metadataHeaders=["x-followup-key", "Subject"],
        )
        .execute()
    )
    assert message["payload"]["headers"] == [
        {"name": "Subject", "value": "Thank you"},
        {"name": "X-Followup-Key", "value": "k1"},
    ]


def test_multipart_messages_have_parts(gmail: Any) -> None:
    message = note()
    message.add_alternative("<p>Thank you</p>", subtype="html")
    created = create(gmail, message)
    full = gmail.messages().get(userId="me", id=created["message"]["id"]).execute()
    assert full["payload"]["mimeType"] == "multipart/alternative"
    assert [p["mimeType"] for p in full["payload"]["parts"]] == ["text/plain", "text/html"]
    assert [p["partId"] for p in full["payload"]["parts"]] == ["0", "1"]


def test_a_reply_joins_the_thread(gmail: Any, google_standin: GoogleStandIn) -> None:
    created = create(gmail, note(key="orig"))
    google_standin.ui_send_draft(created["id"])
    reply = EmailMessage()
    reply["From"] = "ann@acme.example"
    reply["To"] = "me@example.com"
    reply["Subject"] = "Re: Thank you"
    reply["In-Reply-To"] = "<orig@followup.example>"
    reply.set_content("Likewise!")
    arrived = google_standin.deliver(reply)
    assert arrived.thread_id == created["message"]["threadId"]
    inbox = gmail.messages().list(userId="me", labelIds=["INBOX"]).execute()["messages"]
    assert [m["id"] for m in inbox] == [arrived.id]
    searched = gmail.messages().list(userId="me", q="from:ann@acme.example likewise").execute()
    assert [m["id"] for m in searched["messages"]] == [arrived.id]
    assert "messages" not in gmail.messages().list(userId="me", q="-from:ann in:inbox").execute()


def test_compose_alone_cannot_read_messages(google_standin: GoogleStandIn) -> None:
    gmail = google_standin.gmail_service(google_standin.credentials([GMAIL_COMPOSE])).users()
    gmail.drafts().list(userId="me").execute()
    with pytest.raises(HttpError) as refused:
        gmail.messages().list(userId="me").execute()
    assert refused.value.status_code == 403
    assert reason(refused.value) == "insufficientPermissions"


def test_the_metadata_scope_refuses_q_even_beside_broader_scopes(
    google_standin: GoogleStandIn,
) -> None:
    creds = google_standin.credentials([METADATA, GMAIL_READONLY])
    gmail = google_standin.gmail_service(creds).users()
    gmail.messages().list(userId="me").execute()
    with pytest.raises(HttpError) as refused:
        gmail.messages().list(userId="me", q="in:sent").execute()
    assert refused.value.status_code == 403


def test_another_users_mailbox_is_refused(gmail: Any) -> None:
    with pytest.raises(HttpError) as refused:
        gmail.drafts().list(userId="someone@else.example").execute()
    assert refused.value.status_code == 403
