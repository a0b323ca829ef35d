"""The backend registry: which adapter packages exist, and opening the ones a config names.

This is the composition root's one door to ``integrations``: no other module of
the core imports an adapter (a test walks the packages to hold that). Adding a
backend is its folder in ``integrations/`` plus one line in ``PACKAGES``.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import cast

from daemon.app.backends import Backend, Clock, OpenContext, Port, Provider
from daemon.domain.errors import ConfigError
from daemon.domain.ports import Calendar, DraftStore
from daemon.domain.settings import BackendChoice, Settings

#: The adapter packages; each exports ``BACKENDS`` (and maybe ``PROVIDER``) from its __init__.
PACKAGES: tuple[str, ...] = (
    "integrations.google",
    "integrations.ics",
    "integrations.maildir",
)

#: With no account connected the service works on local files (DESIGN.md, Defaults).
DEFAULTS: Mapping[Port, str] = MappingProxyType({Port.CALENDAR: "ics", Port.DRAFTS: "maildir"})


@dataclass(frozen=True)
class Registry:
    backends: Mapping[tuple[Port, str], Backend]
    providers: Mapping[str, Provider]

    def for_port(self, port: Port) -> list[Backend]:
        return [backend for (p, _), backend in self.backends.items() if p is port]

    def backend(self, port: Port, name: str) -> Backend | None:
        return self.backends.get((port, name))


@functools.cache
def registry() -> Registry:
    """Every declared backend; importing a declaration loads no adapter library."""
    backends: dict[tuple[Port, str], Backend] = {}
    providers: dict[str, Provider] = {}
    for package in PACKAGES:
        module = importlib.import_module(package)
        provider = getattr(module, "PROVIDER", None)
        if provider is not None:
            providers[provider.name] = provider
        for backend in getattr(module, "BACKENDS", ()):
            if (backend.port, backend.name) in backends:
                raise RuntimeError(f"{package}: backend {backend.name!r} is declared twice")
            backends[(backend.port, backend.name)] = backend
    for backend in backends.values():
        if backend.provider is not None and backend.provider not in providers:
            raise RuntimeError(
                f"backend {backend.name!r} names unknown provider {backend.provider}"
            )
    return Registry(MappingProxyType(backends), MappingProxyType(providers))


@dataclass
class Backends:
    """The adapters a configuration names, opened once, sharing their providers' sessions."""

    calendar: Calendar
    draft_store: DraftStore


def open_backends(
    settings: Settings, clock: Clock | None = None, state_dir: Path | None = None
) -> Backends:
    """Open the configured calendar and draft store.

    Backends of one provider (Google Calendar and Gmail) get one shared session:
    one credential, refreshed once, instead of one per port.
    """
    sessions: dict[str, object] = {}

    def open_port(port: Port, choice: BackendChoice) -> object:
        backend = registry().backend(port, choice.backend)
        if backend is None:
            # Config checked the name already; a Settings built by hand may not have been.
            raise ConfigError([f"{port.value}.backend: unknown backend {choice.backend!r}"])
        session = None
        if backend.provider is not None:
            if backend.provider not in sessions:
                provider = registry().providers[backend.provider]
                options = settings.providers.get(provider.name, {})
                context = OpenContext(options, settings.profile.timezone, clock, None, state_dir)
                sessions[provider.name] = (
                    provider.open_session(context) if provider.open_session else None
                )
            session = sessions[backend.provider]
        return backend.open(
            OpenContext(choice.options, settings.profile.timezone, clock, session, state_dir)
        )

    return Backends(
        calendar=cast(Calendar, open_port(Port.CALENDAR, settings.calendar)),
        draft_store=cast(DraftStore, open_port(Port.DRAFTS, settings.drafts)),
    )
