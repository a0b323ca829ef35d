"""The [coach] settings: defaults, values, and every problem named at once."""

from __future__ import annotations

from datetime import time
from pathlib import Path

from daemon.app.config import describe, parse_settings
from daemon.domain.errors import ConfigError

BASE = {
    "calendar": {"backend": "ics", "path": "calendar.ics"},
    "drafts": {"backend": "maildir", "path": "Drafts"},
}


def test_defaults_hold_the_advice_and_the_opt_ins_stay_off(tmp_path: Path) -> None:
    settings = parse_settings(BASE, base_dir=tmp_path, environ={"HOME": str(tmp_path)})
    coach = settings.coach
    assert (coach.tone_check, coach.similarity_check, coach.send_by_hours) == (True, True, 4)
    assert (coach.replies, coach.handwritten, coach.texts) == (False, False, True)
    assert coach.cards_dir == tmp_path / ".local/share/interview-followup/cards"
    lines = describe(settings)
    assert any(line.startswith("send-by:") and "4 h before" in line for line in lines)


def test_values_are_read_and_bad_ones_all_named(tmp_path: Path) -> None:
    data = {
        **BASE,
        "coach": {"handwritten": True, "handwritten_time": "08:30", "cards_dir": "cards"},
    }
    settings = parse_settings(data, base_dir=tmp_path, environ={"HOME": str(tmp_path)})
    assert settings.coach.handwritten_time == time(8, 30)
    assert settings.coach.cards_dir == tmp_path / "cards"
    bad = {**BASE, "coach": {"send_by_hours": 30, "replies": "yes", "tone_chek": True}}
    try:
        parse_settings(bad, base_dir=tmp_path, environ={"HOME": str(tmp_path)})
    except ConfigError as error:
        text = "\n".join(error.problems)
    else:
        raise AssertionError("bad [coach] values were accepted")
    assert "coach.send_by_hours" in text and "coach.replies" in text
    assert "coach.tone_chek: unknown key (did you mean tone_check?)" in text


def test_gmail_drafts_can_read_the_inbox_and_a_maildir_cannot() -> None:
    from daemon.domain.ports import Mailbox
    from integrations.google.gmail import GmailDraftStore
    from integrations.maildir.drafts import MaildirDraftStore

    assert issubclass(GmailDraftStore, Mailbox)
    assert not issubclass(MaildirDraftStore, Mailbox)
