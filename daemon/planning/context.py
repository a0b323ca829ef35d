"""What a rule sees of one application when it plans."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from daemon.domain.model import Interview, OwnKind
from daemon.domain.settings import Settings
from daemon.store.records import OwnRecord, Snapshot


@dataclass(frozen=True)
class ApplicationContext:
    """One application as the rules see it, after the user's edits were observed."""

    application: str
    #: Its interviews that count, oldest first (by end).
    interviews: Sequence[Interview]
    #: The service's events of this application, every kind, with observations applied.
    own: Sequence[OwnRecord]
    decided: bool
    state: Snapshot
    now: datetime
    settings: Settings
    #: The times other events take on the calendar (start, end): a call never goes over them.
    busy: Sequence[tuple[datetime, datetime]] = ()

    def own_of(self, kind: OwnKind) -> list[OwnRecord]:
        return [record for record in self.own if record.kind is kind]
