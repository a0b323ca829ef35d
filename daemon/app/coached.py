"""The engine with the coach around it: replies read before a cycle, cards and findings after.

The cycle itself (``daemon.engine.cycle``) knows nothing of this: replies are
observations recorded in the state store before it plans (a new one makes it
plan), cards are files written from what it recorded, and findings go to the log
when the notes they are about were just drafted — by category and place, never
the words.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from datetime import datetime

from daemon.app.cards import write_cards
from daemon.app.coach import review, template_lines, user_lines, written_for
from daemon.app.replies import RepliesReport, mailbox_of, watch_replies
from daemon.domain.errors import ConfigError
from daemon.engine.cycle import CycleReport, Engine
from daemon.planning.actions import CreateDraft

log = logging.getLogger(__name__)


@dataclass
class CoachedEngine:
    engine: Engine
    #: What the last cycle learnt from the inbox (``[coach] replies``).
    replies: RepliesReport = field(default_factory=RepliesReport)

    def cycle(self, now: datetime, *, dry_run: bool = False) -> CycleReport:
        engine = self.engine
        settings, store = engine.settings, engine.store
        if not dry_run:
            self.replies = watch_replies(
                store, mailbox_of(engine.draft_store, settings), settings, now
            )
        report = engine.cycle(now, dry_run=dry_run)
        report.problems.extend(self.replies.problems if not dry_run else [])
        if dry_run:
            return report
        try:
            # A reminder is only ever put by a cycle that planned: idle ones cost nothing here.
            if settings.coach.handwritten and not report.idle:
                write_cards(store, engine.composer, settings)
        except OSError as error:
            report.problems.append(f"cards: {error}")
        except ConfigError:
            pass  # a broken user template: the cycle reported it already
        # A broken user template: nothing could be composed to check (reported already).
        with contextlib.suppress(ConfigError):
            self._log_findings(report)
        return report

    def _log_findings(self, report: CycleReport) -> None:
        settings = self.engine.settings
        if not (settings.coach.tone_check or settings.coach.similarity_check):
            return
        drafted = {a.interview_uid for a in report.planned if isinstance(a, CreateDraft)}
        if not drafted or not report.drafts_created:
            return
        store, composer = self.engine.store, self.engine.composer
        events = {e.id: e for e in store.events.events()}
        own = store.ledger.own()
        templates = template_lines(settings.templates_dir)
        for uid in sorted(drafted):
            interview = report.interviews.get(uid)
            if interview is None:
                continue
            sources = [*user_lines(interview, events, own), *templates]
            found = review(interview, written_for(interview, composer, settings), settings, sources)
            for line in found.log_lines():
                log.warning("%s", line)
