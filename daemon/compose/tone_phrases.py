"""The curated phrase list of the tone check (DESIGN.md, rule 4: never negative, never pushy).

Each entry is a category and a regular expression, matched case-insensitively,
on whole words, with typographic apostrophes read as ``'``. The categories
follow the advice: no complaints about the wait, no demands or deadlines, no
ultimatums, no guilt or blame, no competing offers used as pressure. Sentiment
(VADER) catches negative wording the list does not name.

Why a phrase is here, not what it matches, is the comment; every entry has a
test that it fires (``tests/unit/test_tone.py``). Entries stay narrow: a
finding the user must acknowledge with ``#tone-ok`` costs attention, so "by
Friday" alone (a project deadline in a topic) is not a finding, "let me know by
Friday" is.
"""

from __future__ import annotations

import re

#: Category -> what it says to the user.
CATEGORIES: dict[str, str] = {
    "wait": "complains about the wait",
    "demand": "makes a demand",
    "deadline": "sets them a deadline",
    "ultimatum": "reads as an ultimatum",
    "guilt": "blames them or asks for guilt",
    "pressure": "uses another offer as pressure",
    "negative": "reads as negative",
}

_NOT = r"(?:n't| not)"
_ANSWER = r"(?:answer|decision|response|reply|update|feedback)"

_PHRASES: tuple[tuple[str, str], ...] = (
    # Complaints about the wait: the employer knows how long it has been.
    ("wait", rf"\bstill (?:have{_NOT}|has{_NOT}|had{_NOT}|not|no(?:t)?) (?:yet )?heard\b"),
    ("wait", rf"\b(?:have{_NOT}|has{_NOT}|did{_NOT}|had{_NOT}) (?:yet )?(?:heard|hear) back\b"),
    ("wait", rf"\bno {_ANSWER}s? (?:yet|so far|at all)\b"),
    ("wait", rf"\bstill (?:waiting|no {_ANSWER}|no word|no news)\b"),
    ("wait", r"\b(?:been|kept|keep) (?:me )?waiting\b"),
    ("wait", r"\bwaiting (?:for|on) (?:weeks|days|months|ages|so long|too long)\b"),
    (
        "wait",
        r"\b(?:it has|it's|it has now) been (?:over |more than |almost )?"
        r"(?:a|two|three|four|several|many|\d+) (?:days?|weeks?|months?)\b",
    ),
    ("wait", r"\bradio silence\b"),
    ("wait", r"\bghost(?:ed|ing)\b"),
    ("wait", r"\bnever (?:heard|got) back\b"),
    ("wait", r"\bfollowing up (?:again|once more|yet again)\b"),
    ("wait", r"\bas I (?:already )?(?:mentioned|said|wrote|asked) (?:before|earlier|previously)\b"),
    ("wait", rf"\bwhy (?:have{_NOT}|has{_NOT}|haven't) (?:you|I|anyone)\b"),
    ("wait", r"\b(?:taking|taken|takes) (?:so|too|this|very) long\b"),
    # Demands: the candidate asks, never requires.
    ("demand", r"\bASAP\b"),
    ("demand", r"\bas soon as (?:possible|you can)\b"),
    # "Where I could help right away" is an offer; "reply right away" is a demand.
    (
        "demand",
        r"\b(?:respond|reply|answer|decide|get back to me|let me know|hear from you|call me)\b"
        r"[^.!?\n]{0,20}?\b(?:immediately|right away|urgently|at once)\b",
    ),
    ("demand", r"\burgent(?:ly)?\b"),
    ("demand", rf"\bI (?:need|want|expect|demand|require|must have) (?:an? |your )?{_ANSWER}\b"),
    ("demand", rf"\b(?:need|want|expect|require) (?:an? |your )?{_ANSWER}\b"),
    ("demand", r"\bI (?:need|want|have) to know\b"),
    ("demand", r"\bplease (?:respond|reply|answer|get back to me)\b"),
    ("demand", r"\byou (?:must|need to|have to|should have)\b"),
    ("demand", r"\bI (?:expect|insist)\b"),
    # Deadlines set for the employer (not deadlines of the work discussed).
    (
        "deadline",
        r"\b(?:respond|reply|answer|decide|let me know|get back to me|hear from you|"
        r"hear back|an? (?:answer|decision|response|reply))\b[^.!?\n]{0,25}?"
        # Not the notes' own label ("Hear back by: Dec 4"): that is the user's record.
        r"\b(?:by|before|no later than|within)\b(?!\s*:)",
    ),
    ("deadline", r"\bno later than\b"),
    ("deadline", rf"\b(?:my|a) deadline (?:is|for (?:a|an|your|the) {_ANSWER})\b"),
    ("deadline", r"\bby (?:the )?end of (?:the |this )?(?:day|week)\b"),
    ("deadline", r"\bby (?:EOD|COB|tonight)\b"),
    # Ultimatums.
    ("ultimatum", r"\bor else\b"),
    ("ultimatum", r"\b(?:last|final) chance\b"),
    ("ultimatum", rf"\bif I (?:do{_NOT}|don't) hear\b"),
    (
        "ultimatum",
        rf"\bif (?:you|I) (?:do{_NOT}|don't|can{_NOT}|cannot|can't)\b[^.!?\n]{{0,40}}"
        r"\bI(?:'ll| will| would|'d| have to| must)\b",
    ),
    (
        "ultimatum",
        r"\bI(?:'ll| will| would|'d)? (?:have to |need to )?(?:withdraw|move on|go elsewhere|"
        r"look elsewhere|accept (?:the|another|their) offer|take (?:the|another) (?:offer|job))\b",
    ),
    ("ultimatum", r"\bwithdraw my (?:application|candidacy)\b"),
    ("ultimatum", r"\botherwise I(?:'ll| will| would| have to)\b"),
    # Guilt and blame.
    ("guilt", r"\bI took (?:a day off|time off|the day off|a half day|leave)\b"),
    ("guilt", r"\bI (?:cancell?ed|rearranged|turned down|gave up) (?:my|a|another|other)\b"),
    ("guilt", r"\bafter all (?:the|my) (?:time|effort|work|trouble)\b"),
    ("guilt", r"\byou owe\b|\bI deserve\b|\bthe least you could\b"),
    ("guilt", r"\bwast(?:ed|ing|e of) (?:my|of my) time\b"),
    # Words of complaint, whatever the sentence around them.
    (
        "negative",
        r"\b(?:disappoint(?:ed|ing)|frustrat(?:ed|ing|ion)|annoy(?:ed|ing)|unprofessional|"
        r"disrespectful|rude|insulting|unacceptable|ridiculous|upset)\b",
    ),
    # Competing offers as pressure.
    (
        "pressure",
        r"\b(?:another|other|competing|a better|an? exploding|several) (?:job )?offers?\b",
    ),
    ("pressure", r"\b(?:an?|the) offer from\b"),
    ("pressure", r"\b(?:other|several|many) (?:companies|employers|opportunities|processes)\b"),
    ("pressure", r"\binterviewing (?:elsewhere|with others|with other)\b"),
    ("pressure", r"\b(?:final|late|last) stages? (?:with|at|elsewhere)\b"),
)

#: The compiled list: (category, pattern).
PHRASES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (category, re.compile(pattern, re.IGNORECASE)) for category, pattern in _PHRASES
)
