"""Every fault of issue 6, item 4, against the stand-in; each test fails without its handling.

Waits are recorded, not slept (``conftest.Sleeps``); jitter is pinned at its middle,
so an exponential wait of 2**k seconds is 0.75 * 2**k.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httplib2
import pytest

from daemon.domain.errors import BackendError, NeedsUserError
from daemon.domain.model import OwnKind
from daemon.domain.ports import OwnEvent, PutOwn
from integrations.google.draft_record import DraftRecord
from integrations.google.gmail import GmailDraftStore
from tests.google_standin import GoogleStandIn

from .conftest import ZONE, Google, write_token
from .test_gmail import note

KEY = "0123456789abcdef" * 2
LIST = "calendar.events.list"
INSERT = "calendar.events.insert"
CREATE = "gmail.users.drafts.create"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def call(key: str = KEY) -> OwnEvent:
    start = at("2026-03-17 10:00")
    return OwnEvent(OwnKind.CALL, key, start, start + timedelta(minutes=15), "Call Dana", "")


def empty_full_listings(standin: GoogleStandIn, times: int, calendar_id: str = "primary") -> None:
    """The next ``times`` full listings of ``calendar_id`` come back with no events at all."""
    original = standin.calendar.list_events
    wanted = standin.calendar.calendar(calendar_id)
    left = [times]

    def listing(cal: Any, query: Any) -> Any:
        answer = original(cal, query)
        full = query.get("syncToken") is None and query.get("pageToken") is None
        if full and cal is wanted and left[0] > 0:
            left[0] -= 1
            answer["items"] = []
        return answer

    standin.calendar.list_events = listing  # type: ignore[method-assign]


# --- rate limits ------------------------------------------------------------------------


def test_a_long_stretch_of_rate_limits_is_waited_out_honouring_retry_after(
    google: Google, standin: GoogleStandIn
) -> None:
    standin.seed_event("Interview", at("2026-03-11 10:00"))
    standin.faults.rate_limit(LIST, times=3, retry_after=7)
    standin.faults.rate_limit(LIST, times=1, status=403, reason="rateLimitExceeded")
    standin.faults.rate_limit(LIST, times=1, status=403, reason="userRateLimitExceeded")

    changes = google.calendar().changes(None)

    assert [e.title for e in changes.events] == ["Interview"]
    assert google.sleeps.waits == [7, 7, 7, 6.0, 12.0]
    assert standin.counts[LIST] == 6


def test_a_rate_limited_write_is_sent_again_it_was_refused_not_done(
    google: Google, standin: GoogleStandIn
) -> None:
    standin.faults.rate_limit(INSERT, times=2)
    standin.faults.rate_limit(CREATE, times=2, status=403, reason="userRateLimitExceeded")

    (event,) = google.calendar().write_own([PutOwn(call())])
    (draft,) = google.drafts().create_drafts([(KEY, note(KEY))])

    assert event.ok and draft.ok
    assert len(standin.events()) == 1 and len(standin.drafts()) == 1


def test_rate_limits_past_the_patience_fail_the_backend_for_this_cycle_only(
    google: Google, standin: GoogleStandIn
) -> None:
    standin.faults.rate_limit(LIST, times=None)
    calendar = google.calendar()
    with pytest.raises(BackendError, match="HTTP 429"):
        calendar.changes(None)
    assert len(google.sleeps.waits) == 6  # seven attempts

    standin.faults.clear()
    assert calendar.changes(None).complete


def test_a_plain_403_is_not_a_rate_limit_and_is_not_retried(
    google: Google, standin: GoogleStandIn
) -> None:
    standin.faults.fail(LIST, 403, reason="forbidden", message="Forbidden")
    with pytest.raises(BackendError, match="HTTP 403"):
        google.calendar().changes(None)
    assert google.sleeps.waits == [] and standin.counts[LIST] == 1


# --- server errors ----------------------------------------------------------------------


def test_a_burst_of_500s_and_503s_on_a_read_is_retried(
    google: Google, standin: GoogleStandIn
) -> None:
    standin.faults.fail(LIST, 500, times=2)
    standin.faults.fail(LIST, 503, times=2)
    assert google.calendar().changes(None).complete
    assert standin.counts[LIST] == 5


def test_a_503_on_an_insert_goes_through_the_key_and_makes_one_event(
    google: Google, standin: GoogleStandIn
) -> None:
    standin.faults.fail(INSERT, 503, times=2)
    (result,) = google.calendar().write_own([PutOwn(call())])
    assert result.ok and result.remote_id == "f" + KEY
    assert len(standin.events()) == 1
    assert standin.counts[INSERT] == 3


def test_a_503_on_a_draft_create_looks_for_the_draft_before_creating_again(
    google: Google, standin: GoogleStandIn
) -> None:
    standin.faults.fail(CREATE, 503, times=1)
    (result,) = google.drafts().create_drafts([(KEY, note(KEY))])
    (draft,) = standin.drafts()
    assert result.remote_id == draft.id
    assert standin.counts[CREATE] == 2
    assert standin.counts["gmail.users.drafts.list"] >= 1  # looked for it first


# --- a slow server ----------------------------------------------------------------------


def test_a_read_slower_than_the_timeout_is_tried_again(
    google: Google, standin: GoogleStandIn
) -> None:
    standin.faults.slow(LIST, 2.0, times=1)
    assert google.calendar(google.session(timeout=0.3)).changes(None).complete
    assert standin.counts[LIST] == 2


def test_an_insert_slower_than_the_timeout_is_found_by_its_key(
    google: Google, standin: GoogleStandIn
) -> None:
    standin.faults.slow(INSERT, 2.0, times=1)  # the event is stored, the answer comes late
    (result,) = google.calendar(google.session(timeout=0.3)).write_own([PutOwn(call())])
    assert result.ok and not result.missing
    assert len(standin.events()) == 1


# --- a connection dropped after the server acted ----------------------------------------


def test_an_insert_whose_answer_was_lost_makes_one_event(
    google: Google, standin: GoogleStandIn
) -> None:
    standin.faults.drop_after_acting(INSERT, times=1)
    (result,) = google.calendar().write_own([PutOwn(call())])
    assert result.ok and result.remote_id == "f" + KEY
    assert len(standin.events()) == 1


def test_a_draft_create_whose_answer_was_lost_makes_one_draft(
    google: Google, standin: GoogleStandIn
) -> None:
    standin.faults.drop_after_acting(CREATE, times=1)
    (result,) = google.drafts().create_drafts([(KEY, note(KEY))])
    (draft,) = standin.drafts()
    assert result.remote_id == draft.id
    assert standin.counts[CREATE] == 1  # not sent a second time


def test_why_plain_httplib2_would_make_two_drafts(google: Google, standin: GoogleStandIn) -> None:
    """httplib2 alone sends a dropped POST again by itself: the guard above is needed."""
    from integrations.google.retries import Backoff
    from integrations.google.session import GoogleSession

    session = GoogleSession(
        google.options(),
        backoff=Backoff(sleep=google.sleeps),
        http_factory=lambda timeout, token_uri: httplib2.Http(timeout=timeout),
    )
    standin.faults.drop_after_acting(CREATE, times=1)
    GmailDraftStore(session, DraftRecord(None)).create_drafts([(KEY, note(KEY))])
    assert len(standin.drafts()) == 2


# --- sync tokens ------------------------------------------------------------------------


def test_an_expired_sync_token_means_a_full_listing(google: Google, standin: GoogleStandIn) -> None:
    standin.seed_event("Interview", at("2026-03-11 10:00"))
    calendar = google.calendar()
    first = calendar.changes(None)
    standin.expire_sync_tokens()

    again = calendar.changes(first.checkpoint)

    assert again.complete and [e.title for e in again.events] == ["Interview"]


def test_a_full_listing_that_comes_back_empty_after_a_410_is_not_read_as_deletions(
    google: Google, standin: GoogleStandIn
) -> None:
    for day in range(3):
        standin.seed_event(f"Interview {day}", at("2026-03-11 10:00") + timedelta(days=day))
    calendar = google.calendar()
    first = calendar.changes(None)
    standin.expire_sync_tokens()
    empty_full_listings(standin, times=1)

    doubtful = calendar.changes(first.checkpoint)
    assert not doubtful.complete and doubtful.removed == () and doubtful.events == ()

    standin.reset_counts()
    back = calendar.changes(doubtful.checkpoint)
    assert back.complete and len(back.events) == 3
    assert standin.counts[LIST] == 1  # listed in full straight away, no second 410


def test_one_calendar_listing_empty_does_not_make_the_others_a_complete_listing(
    google: Google, standin: GoogleStandIn
) -> None:
    from tests.google_standin import CALENDAR_EVENTS, GMAIL_COMPOSE

    write_token(standin, google.token_path, (CALENDAR_EVENTS, GMAIL_COMPOSE))
    standin.add_calendar("work@group.calendar.google.com", owner=standin.user_email)
    standin.seed_event("Interview at home", at("2026-03-11 10:00"))
    standin.seed_event(
        "Interview at work", at("2026-03-12 10:00"), calendar_id="work@group.calendar.google.com"
    )
    calendar = google.calendar(calendar_ids=("primary", "work@group.calendar.google.com"))
    first = calendar.changes(None)
    standin.expire_sync_tokens()
    empty_full_listings(standin, times=1, calendar_id="work@group.calendar.google.com")

    doubtful = calendar.changes(first.checkpoint)

    # Complete, it would say "Interview at work" was deleted.
    assert not doubtful.complete
    assert [e.title for e in doubtful.events] == ["Interview at home"]


def test_a_calendar_that_stays_empty_is_believed_after_three_listings(
    google: Google, standin: GoogleStandIn
) -> None:
    standin.seed_event("Interview", at("2026-03-11 10:00"))
    calendar = google.calendar()
    checkpoint = calendar.changes(None).checkpoint
    standin.expire_sync_tokens()
    empty_full_listings(standin, times=3)
    answers = []
    for _ in range(3):
        changes = calendar.changes(checkpoint)
        answers.append(changes.complete)
        checkpoint = changes.checkpoint
    assert answers == [False, False, True]


def test_a_shrunken_full_listing_is_doubted_too(google: Google, standin: GoogleStandIn) -> None:
    for day in range(12):
        standin.seed_event(f"Event {day}", at("2026-03-11 10:00") + timedelta(days=day))
    calendar = google.calendar()
    first = calendar.changes(None)
    standin.expire_sync_tokens()
    original = standin.calendar.list_events

    def shrunken(cal: Any, query: Any) -> Any:
        answer = original(cal, query)
        answer["items"] = answer.get("items", [])[:2]
        return answer

    standin.calendar.list_events = shrunken  # type: ignore[method-assign]
    assert not calendar.changes(first.checkpoint).complete


# --- authorization ----------------------------------------------------------------------


def test_a_401_that_a_refresh_fixes_costs_one_refresh(
    google: Google, standin: GoogleStandIn
) -> None:
    calendar = google.calendar()
    first = calendar.changes(None)
    standin.expire_access_token()
    standin.reset_counts()

    assert not calendar.changes(first.checkpoint).complete

    assert standin.counts == {LIST: 2, "oauth2.token": 1}


def test_invalid_grant_mid_cycle_stops_calls_until_the_token_file_is_replaced(
    google: Google, standin: GoogleStandIn
) -> None:
    session = google.session()
    calendar, drafts = google.calendar(session), google.drafts(session)
    first = calendar.changes(None)
    standin.revoke_refresh_token()

    with pytest.raises(NeedsUserError) as caught:
        calendar.write_own([PutOwn(call())])
    assert "invalid_grant" in str(caught.value)
    assert caught.value.what_to_do == "run `followup auth google --client-secrets FILE`"

    standin.reset_counts()
    for attempt in (lambda: calendar.changes(first.checkpoint), lambda: drafts.present([KEY])):
        with pytest.raises(NeedsUserError):
            attempt()
    assert sum(standin.counts.values()) == 0  # no crash loop of refreshes

    write_token(standin, google.token_path)  # the user ran `followup auth google`
    assert not calendar.changes(first.checkpoint).complete
    (result,) = calendar.write_own([PutOwn(call())])
    assert result.ok and len(standin.events()) == 1
