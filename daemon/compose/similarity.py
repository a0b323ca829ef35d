"""Every note its own: notes of one panel that read alike beyond the greeting.

DESIGN.md, rule 2: "no two notes of a panel should read the same". Recipients
compare notes (they forward them, they sit in one room), so the check reads the
body only — the greeting and the signature differ by design — and compares
every pair with rapidfuzz's normalised Indel similarity (``fuzz.ratio``). A pair
at or above ``[coach] similarity_percent`` is flagged with a prompt saying what to
personalise for whom; nothing is changed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from rapidfuzz import fuzz

from daemon.domain.model import Person

_GREETING = re.compile(r"^\s*(?:dear|hi|hello|hey|good (?:morning|afternoon|evening))\b", re.I)
_SIGN_OFF = re.compile(
    r"^\s*(?:best|kind|warm|warmest)?\s*(?:regards|wishes)\b|^\s*(?:best|all the best|sincerely|"
    r"cheers|thanks|many thanks|thank you|yours(?: sincerely| truly)?|respectfully)\s*,\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Note:
    """One rendered note of a panel."""

    person: Person
    body: str


@dataclass(frozen=True)
class Alike:
    first: Person
    second: Person
    #: How alike the two bodies are, 0-100.
    percent: int

    def prompt(self) -> str:
        """What to personalise for whom, in the words of the notes syntax."""
        a, b = self.first, self.second
        head = f"the notes to {a.name} and {b.name} read {self.percent}% alike beyond the greeting"
        missing = [p for p in (a, b) if not p.topics]
        if missing:
            asks = " and ".join(
                f"a 'Discussed with {p.first_name or p.name}:' line (what you talked about"
                f" with {p.first_name or p.name})"
                for p in missing
            )
            return f"{head}: add {asks} to the interview's notes"
        return (
            f"{head}: add something only {a.first_name or a.name} said to their note,"
            f" and something only {b.first_name or b.name} said to theirs"
        )


def body(note: str) -> str:
    """The note without its greeting (first line) and its signature (from the sign-off on)."""
    lines = note.strip().splitlines()
    if lines and _GREETING.match(lines[0]):
        lines = lines[1:]
    for index in range(len(lines) - 1, -1, -1):
        if _SIGN_OFF.match(lines[index]):
            lines = lines[:index]
            break
    return " ".join(" ".join(lines).split()).casefold()


def alike(notes: Sequence[Note], percent: int) -> list[Alike]:
    """Every pair of notes at least ``percent`` alike, most alike first."""
    bodies = [(note.person, body(note.body)) for note in notes]
    pairs = []
    for (first, a), (second, b) in combinations(bodies, 2):
        score = round(fuzz.ratio(a, b))
        if score >= percent:
            pairs.append(Alike(first, second, score))
    return sorted(pairs, key=lambda pair: -pair.percent)
