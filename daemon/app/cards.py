"""Printable cards for handwritten notes, written once their reminder is on the calendar.

The reminder names each card's file (``daemon.compose.cards.card_name``); this
writes them into ``[coach] cards_dir`` after a cycle. A card that exists is
left alone (the user may have edited it); one that is missing is written again.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from daemon.compose.cards import card_name, render_card
from daemon.compose.composer import Composer
from daemon.domain.model import OwnKind
from daemon.domain.settings import Settings
from daemon.reading.recipients import card_people, note_recipients
from daemon.store.records import OwnStatus
from daemon.store.state import StateStore

log = logging.getLogger(__name__)

_WRITTEN = (OwnStatus.PENDING, OwnStatus.CREATED)


def write_cards(store: StateStore, composer: Composer, settings: Settings) -> list[Path]:
    """Write the missing cards of every handwritten reminder; the paths written."""
    folder = settings.coach.cards_dir
    if folder is None:
        return []
    snapshot = store.snapshot()
    written: list[Path] = []
    for record in snapshot.own_of(OwnKind.HANDWRITTEN):
        interview_record = snapshot.interviews.get(record.interview_uid)
        if record.status not in _WRITTEN or interview_record is None:
            continue
        interview = interview_record.interview
        variants = {(p.name, p.email): n for n, p in enumerate(note_recipients(interview))}
        for person in card_people(interview):
            path = folder / card_name(interview, person, settings.profile)
            if path.exists():
                continue
            _subject, body = composer.compose_note(
                interview,
                person,
                settings.profile,
                variant=variants.get((person.name, person.email), 0),
                late=False,
            )
            html = render_card(interview, person, body, settings.profile, settings.templates_dir)
            _write(path, html)
            written.append(path)
            log.info("card for a handwritten note written to %s", path)
    return written


def _write(path: Path, text: str) -> None:
    """Atomically, readable by the user only: a card holds names and addresses."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.tmp")
    with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
        out.write(text)
    temporary.replace(path)
