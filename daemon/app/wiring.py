"""The composition root: the one place that picks adapters for the settings.

The core modules never import ``integrations``; only this module (and the CLI
through it) does.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime

from daemon.app.config import default_state_path
from daemon.compose.composer import Composer
from daemon.domain.errors import ConfigError
from daemon.domain.ports import Calendar, DraftStore
from daemon.domain.settings import Settings
from daemon.engine.cycle import CrashPoint, Engine
from daemon.store.state import StateStore

Clock = Callable[[], datetime]


def build_calendar(settings: Settings, clock: Clock | None = None) -> Calendar:
    """``clock`` moves what the calendar takes as "now" (its recurrence window) for ``--now``."""
    match settings.calendar.backend:
        case "ics":
            from integrations.ics import IcsCalendar

            return IcsCalendar(
                settings.calendar.path,
                settings.calendar.calls_path,
                default_tz=settings.profile.timezone,
                now=clock,
            )
    raise ConfigError([f"calendar.backend: unknown backend {settings.calendar.backend!r}"])


def build_draft_store(settings: Settings) -> DraftStore:
    match settings.drafts.backend:
        case "maildir":
            from integrations.maildir import MaildirDraftStore

            if settings.drafts.path is None:
                raise ConfigError(["drafts.path: required"])
            return MaildirDraftStore(settings.drafts.path)
    raise ConfigError([f"drafts.backend: unknown backend {settings.drafts.backend!r}"])


def open_state(settings: Settings) -> StateStore:
    return StateStore.open(settings.state.path or default_state_path(os.environ))


def build_engine(
    settings: Settings,
    store: StateStore,
    crash_point: CrashPoint | None = None,
    clock: Clock | None = None,
) -> Engine:
    engine = Engine(
        settings=settings,
        calendar=build_calendar(settings, clock),
        draft_store=build_draft_store(settings),
        store=store,
        composer=Composer(settings.templates_dir),
    )
    if crash_point is not None:
        engine.crash_point = crash_point
    return engine
