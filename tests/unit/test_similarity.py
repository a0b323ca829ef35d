"""Every note its own: notes of a panel that read alike are flagged, with what to add for whom."""

from __future__ import annotations

from daemon.compose.similarity import Note, alike, body
from daemon.domain.model import Person

DANA = Person("Dana Lee", "dana@acme.example")
SAM = Person("Sam Okafor", "sam@acme.example", topics=("on-call load",))

SAME = """{greeting}

Thank you for meeting with me about the Staff Engineer role. I am excited about it.
I bring ten years of backend work.

Best regards,
Alex
+49 30 1234567
"""


def test_the_greeting_and_signature_are_not_the_body() -> None:
    text = body(SAME.format(greeting="Dear Dana,"))
    assert "dear" not in text and "alex" not in text and "regards" not in text
    assert text.startswith("thank you for meeting with me")


def test_near_identical_notes_are_flagged_naming_who_to_personalise() -> None:
    notes = [
        Note(DANA, SAME.format(greeting="Dear Dana,")),
        Note(SAM, SAME.format(greeting="Hi Sam,")),
    ]
    (pair,) = alike(notes, 85)
    assert pair.percent == 100
    prompt = pair.prompt()
    assert "Dana Lee and Sam Okafor" in prompt
    # Dana has no topics of her own: that is what to add; Sam has one already.
    assert "'Discussed with Dana:'" in prompt and "Discussed with Sam" not in prompt


def test_notes_that_differ_are_not_flagged() -> None:
    other = (
        "Dear Sam,\n\nOur talk about on-call load stayed with me; the rota idea could cut pages.\n"
    )
    notes = [Note(DANA, SAME.format(greeting="Dear Dana,")), Note(SAM, other)]
    assert alike(notes, 85) == []
