"""Replies from the employer (``[coach] replies = true``): read before a cycle plans.

A genuine reply — from one of the application's people or its domain, not an
automatic answer, not a bounce, not the user's own mail — is recorded; the calls
rule then keeps the next call at least a week after it (calling right after
someone wrote back reads as pushy). A reply never decides an application: only
the user does.

The inbox is asked at most every ``CHECK_EVERY`` (a reply changes a call days
ahead; asking every few minutes would only spend the mailbox's quota), and each
message is opened once: what was examined is remembered.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from daemon.domain.errors import BackendError
from daemon.domain.ports import DraftStore, Mailbox
from daemon.domain.settings import Settings
from daemon.reading.interviews import work_domains
from daemon.reading.replies import from_employer, judge, sender_address
from daemon.store.codec import from_utc_text, to_utc_text
from daemon.store.records import ReplyRecord
from daemon.store.state import StateStore

log = logging.getLogger(__name__)

CHECKPOINT = "coach.replies"
CHECK_EVERY = timedelta(minutes=30)


@dataclass(frozen=True)
class _Target:
    application: str
    since: datetime
    addresses: frozenset[str]
    domains: frozenset[str]


@dataclass
class RepliesReport:
    #: New genuine replies, for the user: "Acme: a reply from Dana Lee <dana@acme.example>".
    replies: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def mailbox_of(draft_store: DraftStore, settings: Settings) -> Mailbox | None:
    """The draft store's inbox, when the user opted in and the store has one."""
    if not settings.coach.replies or not isinstance(draft_store, Mailbox):
        return None
    return draft_store


def watch_replies(
    store: StateStore, mailbox: Mailbox | None, settings: Settings, now: datetime
) -> RepliesReport:
    report = RepliesReport()
    if mailbox is None:
        return report
    last = store.checkpoint(CHECKPOINT)
    if last is not None and timedelta(0) <= now - from_utc_text(last) < CHECK_EVERY:
        return report
    targets = _targets(store, settings, now)
    if targets:
        since = min(t.since for t in targets.values())
        addresses = {a for t in targets.values() for a in t.addresses}
        domains = {d for t in targets.values() for d in t.domains}
        try:
            messages = mailbox.messages_from(since, addresses, domains, store.examined_messages())
        except BackendError as error:
            report.problems.append(f"replies: {error}")
            return report
    else:
        messages = []
    own = [settings.profile.email]
    companies = store.companies()
    with store.transaction():
        for message in messages:
            name, address = sender_address(message)
            target = next(
                (
                    t
                    for t in targets.values()
                    if message.received >= t.since
                    and from_employer(address, t.addresses, t.domains)
                ),
                None,
            )
            verdict = judge(message, own)
            record = ReplyRecord(
                target.application if target else "",
                message.id,
                address,
                name,
                message.received,
            )
            genuine = verdict.genuine and target is not None
            store.record_message(record, genuine=genuine, now=now)
            if genuine and target is not None:
                company = companies.get(target.application, target.application)
                report.replies.append(f"{company}: a reply from {name or address}")
                log.info("replies: a reply in application %s postpones its next call", company)
        store.set_checkpoint(CHECKPOINT, to_utc_text(now))
    return report


def _targets(store: StateStore, settings: Settings, now: datetime) -> Mapping[str, _Target]:
    """Open applications whose latest interview has begun: who might write back, since when."""
    snapshot = store.snapshot()
    targets: dict[str, _Target] = {}
    by_application: dict[str, list[tuple[datetime, list[str]]]] = {}
    for record in snapshot.interviews.values():
        interview = record.interview
        if not record.active or interview.application in snapshot.decisions:
            continue
        emails = [p.email for p in interview.people if p.email]
        by_application.setdefault(interview.application, []).append((interview.start, emails))
    for application, rounds in by_application.items():
        since = max(start for start, _ in rounds)
        if since > now:
            continue
        emails = [e for _, group in rounds for e in group]
        addresses = frozenset(e.casefold() for e in emails)
        domains = frozenset(work_domains(emails, settings.profile.email))
        if addresses or domains:
            targets[application] = _Target(application, since, addresses, domains)
    return targets
