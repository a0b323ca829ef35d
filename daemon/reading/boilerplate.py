"""Text that video-call tools, calendars and recruiting tools add to an invitation.

A Teams block ("Microsoft Teams meeting / Join on your computer ... / Or call in
(audio only) / +1 419-555-0142,,419227083# / Phone Conference ID: 419 227 083#"),
Zoom's "is inviting you to a scheduled Zoom meeting ... One tap mobile ... Dial by
your location", Google Meet's ruled block, Webex's "Meeting number (access code)",
Calendly's "Need to make changes to this event?", Google Calendar's invitation
footer and legal notices say nothing about the interview. They are recognised and
set aside before the notes are read (:func:`set_aside`): their lines become blank
(so line numbers in warnings still match the event), and every number in them —
dial-ins, meeting ids, passcodes — is kept in ``numbers``, so that no such number
is ever taken for a person's phone (:func:`is_dial_in`).

A block starts at a line only a tool writes and goes on while the lines look like
the tool's (numbers, links, rulers, the tool's phrases); the first line that reads
as a person's words ends it, so a note typed after a Zoom block is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

#: Lines that open a tool's block, and the tool they name.
_BLOCK_STARTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (tool, re.compile(regex, re.IGNORECASE))
    for tool, regex in (
        ("Zoom", r"is inviting you to a scheduled zoom meeting|^\W*join zoom meeting\b"),
        ("Zoom", r"^\W*(?:join\s+(?:from\s+)?(?:pc|mac|ios|android)|zoom\s+meeting\s+id)"),
        ("Microsoft Teams", r"^\W*microsoft teams(?: meeting| need help\?)?\W*$"),
        ("Microsoft Teams", r"^\W*join on your computer,? mobile app or room device"),
        ("Microsoft Teams", r"^\W*join microsoft teams meeting\b|^\W*join teams meeting\b"),
        ("Google Meet", r"^\W*(?:join with google meet|google meet joining info)\b"),
        ("Webex", r"do not delete or change any of the following text|when it'?s time, join"),
        ("Webex", r"^\W*(?:join (?:the )?webex meeting|meeting number \(access code\))"),
        ("GoTo Meeting", r"^\W*(?:please join my meeting from your computer|join my meeting)"),
        ("Calendly", r"^\W*need to make changes to this event\?"),
        ("Google Calendar", r"^\W*invitation from google calendar\b"),
        ("Google Calendar", r"you are receiving this (?:courtesy )?e-?mail"),
        ("Amazon Chime", r"^\W*(?:amazon chime|click to join the meeting:\s*https://chime)"),
        ("BlueJeans", r"^\W*(?:join (?:the )?bluejeans meeting|to join the meeting on bluejeans)"),
    )
)

#: Lines that belong to a tool wherever they stand.
_TOOL_LINE = re.compile(
    r"^\W*(?:"
    r"meeting\s+(?:id|number|password|passcode|link|options)\b|passcode\s*:|password\s*:"
    r"|pin\s*:|access\s+code\b|conference\s+id|phone\s+conference\s+id|webinar\s+id"
    r"|one\s+tap\s+mobile|dial\s+by\s+your\s+location|find\s+(?:your|a)\s+local\s+number"
    r"|join\s+by\s+(?:sip|h\.323|phone|skype|video\s+system)|join\s+(?:on|from)\s+the\s+web"
    r"|download\s+teams|or\s+call\s+in\b|call\s+in\s+\(audio\s+only\)|reset\s+(?:dial-in\s+)?pin"
    r"|learn\s+more\b|help\s*\||need\s+help\?|click\s+here\s+to\s+join|join\s+the\s+meeting\b"
    r"|join\s+meeting\b|join\s+with\s+a\s+video\s+conferencing\s+device|video\s+conferencing"
    r"\s+device|or\s+dial\b|more\s+phone\s+numbers|video\s+call\s+link|please\s+do\s+not\s+edit"
    r"|tap\s+to\s+join|call-in\s+(?:toll|number)|global\s+call-in|join\s+from\s+a\s+video"
    r"|you\s+can\s+also\s+dial|join\s+using\s+microsoft\s+lync|if\s+you\s+are\s+a\s+host"
    r"|some\s+mobile\s+devices\s+may\s+ask|international\s+numbers|toll[-\s]free"
    r"|cancel\s*:\s*https?://|reschedule\s*:\s*https?://|powered\s+by\s+calendly"
    r"|this\s+is\s+a\s+(?:google\s+meet|zoom|microsoft\s+teams)\s+web\s+conference"
    r"|you\s+can\s+join\s+this\s+meeting\s+from\s+your\s+computer|invitation\s+from\s+google"
    r"|forwarding\s+this\s+invitation|reply\s+for\s+\S+@|view\s+all\s+guest\s+info"
    r"|to\s+stop\s+receiving\s+future\s+updates|invitation\s+from\s+an\s+unknown"
    r"|join\s+zoom\s+meeting|dial\s*:|dial\s+in\s*:|or\s+join\s+by\s+phone|joining\s+instructions"
    r"|for\s+organizers\s*:|meeting\s+options\b|by\s+joining\s+this\s+meeting"
    r")",
    re.IGNORECASE,
)
#: Footers of recruiting tools and mail systems; a legal notice runs to the paragraph's end.
_FOOTER = re.compile(
    r"^\W*(?:powered\s+by\s+(?:greenhouse|lever|ashby|goodtime|modernloop|calendly|workday"
    r"|smartrecruiters|hirevue|gem)|(?:sent|scheduled|booked)\s+(?:via|with|using|through|by)\s+"
    r"(?:greenhouse|lever|ashby|goodtime|modernloop|calendly|workday|smartrecruiters|hirevue"
    r"|gem)\b|this\s+(?:interview|event|invitation|meeting)\s+was\s+(?:scheduled|sent|created)"
    r"\s+(?:via|with|using|through|by)\b|manage\s+your\s+(?:email|notification)\s+preferences"
    r"|unsubscribe\b|privacy\s+(?:policy|notice)\s*[:|]|©|\(c\)\s+\d{4}|sent\s+from\s+my\s+"
    r"(?:iphone|ipad|android|phone))",
    re.IGNORECASE,
)
_LEGAL = re.compile(
    r"^\W*(?:confidentiality\s+notice|disclaimer\s*:|this\s+(?:e-?mail|message|communication)"
    r"(?:\s+and\s+any\s+(?:attachments|files))?\s+(?:is|are|may\s+contain|contains|and)"
    r"|the\s+information\s+(?:contained\s+)?in\s+this\s+(?:e-?mail|message|communication)"
    r"|if\s+you\s+(?:are\s+not|have\s+received\s+this)\s+(?:the\s+intended|in\s+error)"
    r"|please\s+consider\s+the\s+environment|we\s+are\s+an\s+equal\s+opportunity\s+employer"
    r"|\w[\w\s,.&]{0,60}\s+is\s+(?:proud\s+to\s+be\s+)?an\s+equal\s+(?:opportunity|employment))",
    re.IGNORECASE,
)
_RULER = re.compile(r"^\s*(?:[-_=~*•·.]\s*){3,}\s*$|^\s*-::~[:~]*::-\s*$")
_MEET_RULER = re.compile(r"^\s*-::~[:~]*::-\s*$")
_URL_ONLY = re.compile(r"^\W*(?:<?https?://\S+>?\W*)+$|^\W*<?(?:www\.)?\S+\.\S+/\S*>?\W*$")
#: A dial-in row: numbers, separators, a country or city ("+1 646 931 3860 US (New York)").
_NUMBER_ROW = re.compile(r"^[\s\W\d]*\d[\d\s().,#*+\-‪‬]{5,}[\w\s(),.'/-]{0,60}$")
_DIAL_WORDS = re.compile(
    r"\b(?:dial(?:-|\s)?in|dial|call\s*in|conference\s+id|passcode|pass\s*code|meeting\s+id"
    r"|access\s+code|pin|participant\s+code|audio\s+only|bridge)\b",
    re.IGNORECASE,
)
#: Calendly's and some tools' label for the event type ("Event Name: Recruiter Screen").
_EVENT_NAME = re.compile(r"^\W*event\s+(?:name|type)\s*:\s*(?P<name>.+)$", re.IGNORECASE)
_DIGIT_RUN = re.compile(r"\d[\d\s().\-‪‬]*\d")


@dataclass(frozen=True)
class Boilerplate:
    """A description with the tools' text set aside."""

    #: The text a person wrote: the same lines, boilerplate lines left blank.
    text: str
    #: Every number of the boilerplate, as digits (dial-ins, meeting ids, passcodes).
    numbers: frozenset[str] = frozenset()
    #: The tools whose text was found ("Zoom", "Microsoft Teams", ...), first seen first.
    tools: tuple[str, ...] = ()
    #: How many lines were set aside.
    lines: int = 0
    #: The event type a scheduling page named ("Event Name: Recruiter Screen").
    event_name: str = ""
    #: The lines set aside, for tests and explanations (never logged).
    removed: tuple[str, ...] = field(default=(), repr=False)


def set_aside(text: str) -> Boilerplate:
    """``text`` with every tool's block, footer and legal notice blanked out."""
    lines = text.splitlines()
    kept: list[str] = []
    removed: list[str] = []
    numbers: set[str] = set()
    tools: list[str] = []
    event_name = ""
    in_block = in_meet = in_legal = False
    for line in lines:
        stripped = line.strip()
        if _MEET_RULER.match(line):
            in_meet = not in_meet
            _note(tools, "Google Meet")
            drop = True
        elif in_meet:
            drop = True
        else:
            tool = _block_start(stripped)
            if tool is not None:
                _note(tools, tool)
                in_block = True
            if in_legal and not stripped:
                in_legal = False
            if not in_legal and _LEGAL.match(stripped):
                in_legal = True
            named = _EVENT_NAME.match(stripped)
            if named and not event_name:
                event_name = named["name"].strip()
            drop = (
                tool is not None
                or bool(_RULER.match(line))
                or in_legal
                or named is not None
                or bool(_TOOL_LINE.match(stripped))
                or bool(_FOOTER.match(stripped))
                or (in_block and _continues_block(stripped))
            )
            if in_block and not drop:
                in_block = False
        if drop:
            if stripped:
                removed.append(stripped)
                numbers.update(_digit_runs(stripped))
            kept.append("")
        else:
            if _DIAL_WORDS.search(stripped):
                # "please dial in via Teams audio, 419227083#" on a person's line.
                numbers.update(_digit_runs(stripped))
            kept.append(line)
    return Boilerplate(
        text="\n".join(kept),
        numbers=frozenset(numbers),
        tools=tuple(tools),
        lines=len(removed),
        event_name=event_name,
        removed=tuple(removed),
    )


def _note(tools: list[str], tool: str) -> None:
    if tool not in tools:
        tools.append(tool)


def _block_start(line: str) -> str | None:
    for tool, regex in _BLOCK_STARTS:
        if regex.search(line):
            return tool
    return None


def _continues_block(line: str) -> bool:
    """Inside a tool's block: blank lines, rulers, links, dial-in rows, the tool's phrases."""
    if not line or _RULER.match(line) or _URL_ONLY.match(line):
        return True
    if _NUMBER_ROW.match(line) or _TOOL_LINE.match(line):
        return True
    return bool(_DIAL_WORDS.search(line)) or bool(re.search(r"@\S*(?:zoom|webex|lync)", line, re.I))


def _digit_runs(line: str) -> set[str]:
    runs = set()
    for piece in re.split(r"[,;#*]+", line):
        for match in _DIGIT_RUN.finditer(piece):
            digits = re.sub(r"\D", "", match.group())
            if len(digits) >= 6:
                runs.add(digits)
    return runs


def is_dial_in(phone: str, numbers: Iterable[str]) -> bool:
    """Whether ``phone`` is one of the boilerplate's numbers (or a part of one).

    Compared as digits, on the last seven or more: "+1 (419) 555-0142" is the
    Teams row "+1 419-555-0142,,419227083#", and "419227083" its conference id.
    """
    digits = re.sub(r"\D", "", phone.partition(";ext=")[0])
    if len(digits) < 6:
        return False
    for number in numbers:
        if digits == number or number in digits or digits in number:
            return True
        tail = min(len(digits), len(number), 10)
        if tail >= 7 and digits[-tail:] == number[-tail:]:
            return True
    return False
