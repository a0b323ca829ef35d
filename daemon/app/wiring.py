"""The composition root: the engine for a configuration, with the backends it names.

Backends are opened through ``daemon.app.registry``, the only module that
imports ``integrations``.
"""

from __future__ import annotations

import os

from daemon.app.backends import Clock
from daemon.app.config import default_state_path
from daemon.app.registry import open_backends
from daemon.compose.composer import Composer
from daemon.domain.settings import Settings
from daemon.engine.cycle import CrashPoint, Engine
from daemon.store.state import StateStore


def open_state(settings: Settings) -> StateStore:
    return StateStore.open(settings.state.path or default_state_path(os.environ))


def build_engine(
    settings: Settings,
    store: StateStore,
    crash_point: CrashPoint | None = None,
    clock: Clock | None = None,
) -> Engine:
    """``clock`` moves what the backends take as "now" (a calendar's window) for ``--now``."""
    backends = open_backends(settings, clock, store.path.parent if store.path else None)
    engine = Engine(
        settings=settings,
        calendar=backends.calendar,
        draft_store=backends.draft_store,
        store=store,
        composer=Composer(settings.templates_dir, coach=settings.coach),
    )
    if crash_point is not None:
        engine.crash_point = crash_point
    return engine
