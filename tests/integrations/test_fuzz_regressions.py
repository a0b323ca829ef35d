"""Every input that ever broke the reading path, and the corpus, replayed (see tests/fuzz)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz.reading_path import read_bytes, read_structured

ROOT = Path(__file__).parents[1]
CRASHERS = sorted((ROOT / "fuzz" / "crashers").glob("*"))
#: Hand-written hostile inputs (header injection, control characters, dial-ins on a person's
#: line, deep HTML, TZIDs that are folders or lists): the fuzzer's seeds, replayed too.
HOSTILE = sorted((ROOT / "fuzz" / "seeds").glob("*"))
SEEDS = sorted((ROOT / "fixtures" / "invitations").glob("*.ics"))


def replay(data: bytes, tmp_path: Path) -> int:
    """As the fuzz target reads an input: a leading NUL byte marks a structured invitation."""
    if data[:1] == b"\x00":
        return read_structured(data[1:])
    return read_bytes(data, tmp_path)


@pytest.mark.parametrize(
    "path", [p for p in [*CRASHERS, *HOSTILE] if p.is_file()], ids=lambda p: p.name
)
def test_a_crasher_or_hostile_input_stays_harmless(path, tmp_path):
    replay(path.read_bytes(), tmp_path)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_the_seeds_read_to_the_end(path, tmp_path):
    read_bytes(path.read_bytes(), tmp_path)


def test_the_path_can_fail(tmp_path):
    # A draft to a mailbox would trip the path's checks: they are real assertions.
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n"
        "DTSTART:20261130T150000Z\r\nDTEND:20261130T160000Z\r\nSUMMARY:Interview\r\n"
        "ATTENDEE;CN=Dana Lee:mailto:dana.lee@acme.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert read_bytes(text.encode(), tmp_path) == 1
