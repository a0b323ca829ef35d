"""The tone check: negative or pushy phrasing in what the user writes and what would be sent.

Two readers: the curated phrase list (``tone_phrases``), and VADER's sentiment
(a kept lexicon-and-rules library, made for short informal text) for negative
wording the list does not name. A finding names the phrase, where it came from
and the drafts it would reach; text is never changed. ``#tone-ok: PHRASE`` in the
notes acknowledges a phrase (the user means it): it is still counted, no
longer flagged.

Sentiment is not read on topics and corrections (``Discussed:``, ``Forgot:``,
``Correction:``): a team's "painful migration" or the candidate's own "mistake
about the numbers" is what those lines are for, and no complaint. The phrase list
still reads them.

A finding's ``log_line`` carries only the category and where: never the text
(DESIGN.md, no note text in logs).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from daemon.compose.tone_phrases import CATEGORIES, PHRASES

#: VADER's compound score (-1 to 1) at or below which a sentence reads negative.
NEGATIVE = -0.3
#: Labels whose lines are not read for sentiment (see the module docstring).
_NO_SENTIMENT_LABELS = re.compile(
    r"^\s*(?:[-*•]\s*)?(?:discussed(?: with [^:]{1,60})?|forgot|correction|company|role|"
    r"position|job|met|met with|interviewer|interviewers|interviewed with|interviewed by|"
    r"recruiter|recruiters|hr|decision makers?|hiring managers?|address|hear ?back(?: by)?|"
    r"decision by|decided)\s*:",
    re.IGNORECASE,
)
_ACK = re.compile(r"#tone-ok\b\s*:?\s*(?P<phrases>.*)$", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_PHRASE_LIMIT = 80


@dataclass(frozen=True)
class Finding:
    category: str
    #: The words as written (a matched phrase, or a negative sentence, shortened).
    phrase: str
    #: Where it came from: "notes line 7", "debrief line 3", "template thank_you.txt.j2
    #: line 12", or the draft itself when no line of the user's explains it.
    where: str
    #: The drafts and scripts it would reach: "the note to Sam Okafor", "the call script".
    reaches: tuple[str, ...] = ()
    acknowledged: bool = False

    @property
    def meaning(self) -> str:
        return CATEGORIES.get(self.category, self.category)

    def describe(self) -> str:
        """For the user (preview, status): the phrase, where, and what it reaches."""
        if self.reaches:
            reach = f"reaches {', '.join(self.reaches)}"
        elif self.where.startswith(("the note", "the call")):
            reach = "as it would be written"
        else:
            reach = "reaches no draft"
        return f'"{self.phrase}" {self.meaning} ({self.category}): {self.where}, {reach}'

    def log_line(self) -> str:
        """For the log: the category and where, never the words."""
        reach = f" -> {', '.join(self.reaches)}" if self.reaches else ""
        return f"tone: {self.category} phrasing in {self.where}{reach}"


@functools.cache
def _analyzer() -> Any:
    # Loaded once, on first use: reading the lexicon takes a moment.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def _plain(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'")


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _PHRASE_LIMIT else text[: _PHRASE_LIMIT - 1].rstrip() + "…"


def phrases_in(text: str, where: str) -> list[Finding]:
    """Findings of the phrase list in ``text``; one per matched phrase."""
    plain = _plain(text)
    found: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for category, pattern in PHRASES:
        for match in pattern.finditer(plain):
            phrase = _short(text[match.start() : match.end()])
            if (category, phrase.casefold()) not in seen:
                seen.add((category, phrase.casefold()))
                found.append(Finding(category, phrase, where))
    return found


def negative_sentences(text: str, where: str) -> list[Finding]:
    """Sentences of ``text`` that read negative to VADER."""
    found = []
    for sentence in _SENTENCE.split(_plain(text)):
        words = sentence.strip()
        if len(words) < 3:
            continue
        if _analyzer().polarity_scores(words)["compound"] <= NEGATIVE:
            found.append(Finding("negative", _short(words), where))
    return found


def check_line(line: str, where: str) -> list[Finding]:
    """One line the user wrote (notes, debrief, template): phrases, then sentiment."""
    if _ACK.search(line):
        return []
    found = phrases_in(line, where)
    if not _NO_SENTIMENT_LABELS.match(line) and not found:
        # A line already flagged by a phrase says enough; sentiment adds the rest.
        found += negative_sentences(_value(line), where)
    return found


def check_lines(lines: Iterable[tuple[int, str]], source: str) -> list[Finding]:
    """``(number, line)`` pairs of one source ("notes", "debrief", "template X")."""
    return [f for number, line in lines for f in check_line(line, f"{source} line {number}")]


def check_written(text: str, where: str) -> list[Finding]:
    """A rendered draft or call script: the phrase list (its user text is checked at the source)."""
    return phrases_in(text, where)


def acknowledged_phrases(lines: Iterable[str]) -> list[str]:
    """The phrases a ``#tone-ok: a, b`` line acknowledges (casefolded)."""
    phrases: list[str] = []
    for line in lines:
        match = _ACK.search(line)
        if match:
            phrases += [p.strip().casefold() for p in re.split(r"[,;]", match["phrases"])]
    return [p for p in phrases if p]


def acknowledge(findings: Sequence[Finding], phrases: Sequence[str]) -> list[Finding]:
    """Mark the findings whose phrase the user acknowledged (either contains the other)."""
    return [
        replace(f, acknowledged=True)
        if any(p in f.phrase.casefold() or f.phrase.casefold() in p for p in phrases)
        else f
        for f in findings
    ]


def reaching(finding: Finding, written: Sequence[tuple[str, str]]) -> Finding:
    """``finding`` with the drafts (``(name, text)``) that contain its phrase."""
    needle = _plain(finding.phrase.rstrip("…")).casefold()
    reaches = tuple(name for name, text in written if needle and needle in _plain(text).casefold())
    return replace(finding, reaches=reaches)


def _value(line: str) -> str:
    """The value of a ``Label: value`` line (the whole line when it has no label)."""
    label, colon, value = line.partition(":")
    return value if colon and len(label) <= 60 and value.strip() else line
