"""The employer and the job of an interview, as a careful reader finds them.

The employer comes from the people's addresses first: an invitation whose
attendees all write from ``northwind.example`` is from Northwind, whatever the
title says ("Platform Engineer" is a job, not a company). The domain is named as
the invitation itself spells it ("Acme Robotics" for ``acmerobotics.com``, "IBM"
for ``ibm.com``); free mail, scheduling tools, rooms and the user's own domains
name no employer, and a staffing agency named after "via" is not the employer.
Without a usable domain the title names it ("Interview with Acme"), then the
text ("your interest in Acme").

The job comes from the title's usual shapes ("... for Staff Engineer",
"(Staff Engineer)", "JR1043377 Senior Data Analyst - Phone Interview",
"Onsite | Product Designer"), with requisition codes and agency phrases taken
out, then from the text ("for the Data Engineer position").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

from daemon.reading.mailboxes import is_tool_domain
from daemon.reading.notes import MAX_FIELD_CHARS
from daemon.reading.patterns import without_patterns
from daemon.reading.text import clean_line, email_domain


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_TAGS = re.compile(r"(?<![\w#])#\w+")
_PARENTHESISED = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")
#: "with", "at", "w/", "@", "<>" and a lower-case "x" ("Acme x Alex") join the
#: parts of a title; what stands on either side is a separate candidate.
_CONNECTOR = re.compile(
    r"(?:(?<!\S)(?:with|at|w/)\s+|\s*@\s*|\s*<>\s*|\s+(?-i:x)\s+)", re.IGNORECASE
)
_SEPARATOR = re.compile(r"\s+-+\s+|\s*[–—|:;,•]\s*|\s+/\s+")
#: Between the parts of a title that may hold a job: a comma stays inside
#: ("Data Scientist, Growth").
_JOB_SEPARATOR = re.compile(r"\s+-+\s+|\s*[–—|:;•]\s*|\s+/\s+|\s*<>\s*|\s+(?-i:x)\s+")
_FOR = re.compile(r"\s+for\s+", re.IGNORECASE)
_TIME_LIKE = re.compile(r"^\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?$", re.IGNORECASE)
#: Words around the employer's name in a title. Only trimmed from the ends,
#: so a name like "Bank of America" keeps its inner words.
_FILLER = _word_set(
    """a an the my our your 1st 2nd 3rd 4th 5th first second third fourth fifth next last
    final round call chat meeting video virtual technical coding behavioral behavioural
    hiring manager hr recruiter recruiting screen screening phone job initial intro
    introductory follow-up followup loop in-person culture fit take-home debrief session
    conversation discussion w/ with at for and & of to re fw fwd invitation updated
    tentative rescheduled zoom teams meet webex skype hangouts remote"""
)
#: Words that, in parentheses, are about the meeting rather than the job.
_MEETING_WORDS = _word_set(
    "zoom teams meet webex skype hangouts remote hybrid onsite on-site in-person"
)
#: Words about the meeting that stand around a job in a title ("Staff Engineer
#: onsite", "Round 2"); trimmed from a job's ends, never from inside it.
_JOB_TRIM = _word_set(
    """a an the round call chat meeting video virtual phone screen screening conversation
    discussion session intro introductory initial follow-up followup loop debrief 1st 2nd
    3rd 4th 5th first second third fourth final next zoom teams meet webex onsite on-site
    in-person remote with for at and & interview interviews interviewing stage part day
    role position opening opportunity"""
)
#: Meeting tools named in two words; cut before the filler words are trimmed,
#: so "Microsoft Teams interview" never leaves "Microsoft".
_MEETING_TOOL = re.compile(
    r"(?<!\w)(?:(?:microsoft|ms)\s+teams|google\s+(?:meet|hangouts)|zoom\s+meeting)(?!\w)",
    re.IGNORECASE,
)
#: Words of a job title: a title part holding one is a job ("Senior Data Analyst"),
#: and a company candidate ending in one is the employer only when nothing else is.
JOB_NOUNS = _word_set(
    """engineer engineers developer developers manager designer scientist analyst architect
    lead director intern internship consultant specialist administrator researcher
    programmer sre devops pm swe sde vp cto ceo cfo coo head officer associate
    representative accountant technician writer editor strategist marketer counsel
    attorney nurse teacher instructor planner producer owner controller auditor
    economist statistician advisor adviser coordinator generalist partner principal"""
)
#: Phrases in a title that sound like a job and never are one.
_NOT_A_JOB = re.compile(
    r"\bhiring\s+managers?\b|\bhr\s+manager\s+(?:call|chat|screen)|\bmeet\s+the\s+\w+",
    re.IGNORECASE,
)

#: Requisition numbers and job codes: "JR1043377", "R-20451", "Req #4471",
#: "(Req ID: 88123)", "Job ID 5521", "#4471", "[REQ-1102]".
_CODE = re.compile(
    r"[(\[]\s*(?:req(?:uisition)?|job|position|posting)?\.?\s*(?:id|no|number|code|#)?\.?\s*"
    r"[:#]?\s*[A-Za-z]{0,4}-?\d[\w-]*\s*[)\]]"
    r"|\b(?:req(?:uisition)?|job|position|posting)\.?\s*(?:id|no|number|code)?\.?\s*[:#]\s*"
    r"[A-Za-z]{0,4}-?\d[\w-]*"
    r"|\b(?:req(?:uisition)?|job\s+id)\s+[A-Za-z]{0,4}-?\d[\w-]*"
    r"|\b(?:JR|REQ|R|P|J)-?\d{3,}(?:-\d+)?\b"
    r"|(?<!\w)#\d{3,}\b",
    re.IGNORECASE,
)
#: "via Apex Talent", "through Apex Talent", "on behalf of Globex": an agency's words.
_AGENCY = re.compile(
    r"(?:^|(?<=[\s(\[]))(?i:via|through|thru|on\s+behalf\s+of|presented\s+by|represented\s+by)"
    r"\s+(?P<agency>[A-Z][^(\[|:;,–—\n]*?)(?=\s*(?:[)\]|:;,–—]|\s-\s|$))"
)


def strip_codes(text: str) -> str:
    """``text`` without requisition numbers and job codes."""
    return " ".join(_CODE.sub(" ", text).split()).strip(" -–—|:,;")


def agencies(*texts: str) -> list[str]:
    """Names that follow "via", "through" or "on behalf of": staffing agencies, tools."""
    found: list[str] = []
    for text in texts:
        for line in text.splitlines()[:200]:
            found += [m["agency"].strip() for m in _AGENCY.finditer(line)]
    return [name for name in found if name]


def clean_job(text: str) -> str:
    """A job as a person says it: no requisition code, no "via agency", no "role"."""
    job = _AGENCY.sub(" ", strip_codes(text))
    job = re.sub(r"\s+(?:role|position|opening)$", "", job.strip(), flags=re.IGNORECASE)
    job = re.sub(r"^(?:the|a|an)\s+", "", job, flags=re.IGNORECASE)
    return clean_line(job.strip(" .,;:'\"-–—()[]"), MAX_FIELD_CHARS)


# --- the employer ------------------------------------------------------------------


def company_from_title(
    title: str, patterns: Sequence[str], *, exclude: set[str], domains: Sequence[str] = ()
) -> str:
    """The employer in a title like "Interview with Acme" or "Acme – onsite interview".

    ``exclude`` holds names (casefolded) that are people, not employers;
    ``domains`` the attendees' work domains: a candidate that names one of
    them wins ("Onsite - Senior Engineer - Acme" with ``acme.com``). Else the
    first candidate that is not a meeting tool, a person, a time or a job.
    Parenthesised text is the employer only if nothing else is: it usually
    holds the job. A candidate that reads as a job is never the employer.
    """
    text = _MEETING_TOOL.sub(" ", _TAGS.sub(" ", strip_codes(title)))
    text = _AGENCY.sub(" ", text)
    bare = _PARENTHESISED.sub(" ", text)
    pieces = [_CONNECTOR.split(piece, 1)[0] for piece in _SEPARATOR.split(bare)]
    found: list[str] = []
    for candidate in [*_after_connectors(bare), *pieces, *_parenthesised(text)]:
        company = _trim(_FOR.split(candidate, 1)[0], patterns)
        if company and company.casefold() not in exclude and not _TIME_LIKE.match(company):
            found.append(company)
    wanted = {_compact(company_from_domain(domain)) for domain in domains} - {""}
    for company in found:
        if _compact(company) in wanted:
            return company
    # A job title is never the company ("Platform Engineer - Phone Interview").
    return next((company for company in found if not _sounds_like_job(company)), "")


def _sounds_like_job(text: str) -> bool:
    return bool(set(text.casefold().split()) & JOB_NOUNS)


def _compact(name: str) -> str:
    """A company name compared with a domain: "Acme Robotics" is ``acmerobotics.com``."""
    return application_key(name).replace(" ", "")


def work_domains(emails: Sequence[str], own: str | Iterable[str]) -> list[str]:
    """The domains of ``emails`` that can name an employer: not free mail, tools, own."""
    owned = {email_domain(own)} if isinstance(own, str) else {email_domain(e) for e in own}
    domains = [email_domain(email) for email in emails if email]
    return [domain for domain in domains if domain and domain not in owned and not generic(domain)]


def employer_domain(
    emails: Sequence[str], own: Iterable[str], *, not_employers: Iterable[str] = ()
) -> str:
    """The most common work domain among ``emails`` (first seen on a tie), or "".

    ``not_employers`` are names an invitation says it comes "via" (an agency):
    their domains count only when no other domain is there.
    """
    work = work_domains(emails, list(own))
    if not work:
        return ""
    agency_keys = {_compact(name) for name in not_employers} - {""}
    employers = [d for d in work if _compact(company_from_domain(d)) not in agency_keys]
    if not employers:
        return ""
    counts = Counter(employers)
    return max(employers, key=lambda domain: counts[domain])


def company_from_domains(emails: Sequence[str], own_email: str) -> str:
    """The employer from the most common work domain among the people's addresses."""
    domain = employer_domain(emails, [own_email])
    return company_from_domain(domain) if domain else ""


_CAPITALISED_RUN = re.compile(
    r"(?<![\w&])(?:[A-Z0-9][\w'’.&-]*)(?:\s+(?:&\s+|of\s+|and\s+|the\s+)?[A-Z0-9][\w'’.&-]*)*"
)


def domain_display_name(domain: str, texts: Sequence[str]) -> str:
    """How the invitation spells ``domain``'s name: "Acme Robotics" for ``acmerobotics.com``,
    "Stark Industries" for ``stark.example`` when the text says "Stark Industries".

    The first run of capitalised words (in the title, then the text) whose start,
    compared as an application key, is the domain's name; up to two capitalised
    words after it that are no meeting, role or job words ("Industries", not
    "Recruiting" or "Interview") belong to the name. Else the domain's name in words.
    """
    plain = company_from_domain(domain)
    wanted = _compact(plain)
    if not wanted:
        return ""
    for text in texts:
        for match in _CAPITALISED_RUN.finditer(text[:20000]):
            words = match.group().split()
            for start in range(len(words)):
                for end in range(len(words), start, -1):
                    phrase = " ".join(words[start:end]).strip(".,'’&-")
                    if phrase and _compact(phrase) == wanted and _compact(words[start]):
                        return clean_line(_extended(phrase, words[end:]), MAX_FIELD_CHARS)
    return plain


def _extended(name: str, following: Sequence[str]) -> str:
    """``name`` and the words after it that are still part of it ("Stark" "Industries")."""
    words = [name]
    for word in following[:2]:
        bare = word.strip(".,'’!?:;")
        if (
            not bare[:1].isupper()
            or bare != word.rstrip(".,!?:;")
            or bare.casefold() in _NOT_NAME_PARTS
            or bare.casefold() in JOB_NOUNS
        ):
            break
        words.append(bare)
        if bare != word:
            break  # "Stark Industries!" ends the name
    return " ".join(words)


#: Capitalised words after a company's name that are not part of it.
_NOT_NAME_PARTS = (
    _FILLER
    | _JOB_TRIM
    | _word_set(
        """interview interviews onsite on-site panel screen screening recruiting recruitment
        talent team teams people careers hr candidate candidates calendar scheduling schedule
        interviews hiring jobs workday greenhouse lever ashby goodtime modernloop calendly zoom
        webex meet google microsoft outlook superday is has will and or of the a an to in on
        monday tuesday wednesday thursday friday saturday sunday january february march april
        may june july august september october november december senior junior staff
        principal lead head director vp chief manager engineering product design data sales
        marketing operations finance legal security support i ii iii iv"""
    )
)

#: How an employer's text names itself: "your interest in Acme", "the team at Acme".
_COMPANY_PHRASE = re.compile(
    r"\b(?:interest\s+in|interview(?:ing)?\s+(?:with|at)|welcome\s+to|(?:team|role|position"
    r"|opportunity|career|job)\s+at|joining)\s+(?P<name>[A-Z][\w&'’.-]*(?:\s+(?:&\s+)?[A-Z][\w&'’.-]*){0,3})"
)


def company_from_text(text: str, *, exclude: set[str]) -> str:
    """The employer an invitation's text names ("Thank you for your interest in Acme")."""
    for match in _COMPANY_PHRASE.finditer(text[:20000]):
        name = match["name"].strip(".,'’-")
        if name and name.casefold() not in exclude and not _sounds_like_job(name):
            return clean_line(name, MAX_FIELD_CHARS)
    return ""


def _after_connectors(text: str) -> list[str]:
    """What follows each "with"/"at"/"@", last first: "Interview with Jane at Acme"."""
    starts = [match.end() for match in _CONNECTOR.finditer(text)]
    return [_CONNECTOR.split(_SEPARATOR.split(text[start:], 1)[0], 1)[0] for start in starts[::-1]]


def _parenthesised(text: str) -> list[str]:
    return [(round_ or square).strip() for round_, square in _PARENTHESISED.findall(text)]


def _trim(candidate: str, patterns: Sequence[str]) -> str:
    """``candidate`` without interview patterns and without filler words at its ends."""
    words = _without_patterns(candidate, patterns).split()
    while words and (words[0].casefold() in _FILLER or words[0].isdigit()):
        words.pop(0)
    while words and (words[-1].casefold() in _FILLER or words[-1].isdigit()):
        words.pop()
    trimmed = " ".join(words).strip(" .,;:'\"-–—")
    return trimmed if any(char.isalpha() for char in trimmed) else ""


def _without_patterns(text: str, patterns: Sequence[str]) -> str:
    return without_patterns(text, patterns)


# --- the job --------------------------------------------------------------------


def job_from_title(title: str, patterns: Sequence[str], *, exclude: set[str]) -> str:
    """The job a title names: "... for Staff Engineer", "(Staff Engineer)", or a part of it
    that reads as a job ("JR1043377 Senior Data Analyst - Phone Interview").

    ``exclude`` holds names (casefolded) of people and of the employer.
    """
    text = _AGENCY.sub(" ", strip_codes(_TAGS.sub(" ", title)))
    after_for = _FOR.split(_PARENTHESISED.sub(" ", text), 1)
    candidates = [after_for[1]] if len(after_for) == 2 else []
    candidates += _parenthesised(text)
    for candidate in candidates:
        job = _SEPARATOR.split(_CONNECTOR.split(candidate, 1)[0], 1)[0]
        job = re.sub(r"\s+(?:role|position)$", "", job.strip(), flags=re.IGNORECASE)
        job = _without_patterns(re.sub(r"^(?:the|a|an)\s+", "", job, flags=re.IGNORECASE), patterns)
        trimmed = _trim(job, patterns)
        if not trimmed or trimmed.casefold() in exclude or _TIME_LIKE.match(trimmed):
            continue
        if not set(trimmed.casefold().split()) & _MEETING_WORDS:
            # Untrimmed: "Engineering Manager" ends in a filler word.
            return clean_line(job.strip(" .,;:'\"-–—"), MAX_FIELD_CHARS)
    bare = _MEETING_TOOL.sub(" ", _PARENTHESISED.sub(" ", text))
    for part in _JOB_SEPARATOR.split(bare):
        for piece in _CONNECTOR.split(part):
            job = _job_part(piece, patterns, exclude)
            if job:
                return job
    return ""


def _job_part(piece: str, patterns: Sequence[str], exclude: set[str]) -> str:
    """``piece`` as a job if, without patterns and meeting words at its ends, it reads as one."""
    if _NOT_A_JOB.search(piece):
        return ""
    words = _without_patterns(piece, patterns).split()
    while words and words[0].casefold().strip(".,") in _JOB_TRIM:
        words.pop(0)
    while words and words[-1].casefold().strip(".,") in _JOB_TRIM:
        words.pop()
    job = " ".join(words).strip(" .,;:'\"-–—")
    if not job or job.casefold() in exclude or _TIME_LIKE.match(job):
        return ""
    lowered = [word.casefold().strip(".,") for word in words]
    if not set(lowered) & JOB_NOUNS or len(words) > 7:
        return ""
    if any(name and name in job.casefold() for name in exclude if len(name) > 3):
        return ""
    return clean_line(job, MAX_FIELD_CHARS)


#: "for the Senior Data Analyst position", "the Staff Engineer role".
_JOB_PHRASE = re.compile(
    r"\b(?:for|about)\s+(?:the|our|a|an)\s+(?P<job>(?:[A-Z][\w/&+-]*|of|and|&)(?:\s+(?:[A-Z][\w/&+-]*"
    r"|of|and|&|,\s*[A-Z][\w/&+-]*)){0,6})\s+(?:role|position|opening|job|team\s+role)\b"
)


def job_from_text(text: str, *, exclude: set[str]) -> str:
    """The job an employer's text names ("your interview for the Data Engineer position")."""
    for match in _JOB_PHRASE.finditer(text[:20000]):
        job = clean_job(match["job"])
        if job and job.casefold() not in exclude and _sounds_like_job(job):
            return job
    return ""


# --- domains ------------------------------------------------------------------------

_FREE_MAIL = _word_set(
    """gmail.com googlemail.com outlook.com hotmail.com live.com msn.com yahoo.com ymail.com
    icloud.com me.com mac.com aol.com proton.me protonmail.com pm.me gmx.com gmx.net gmx.de
    web.de mail.com zoho.com yandex.com yandex.ru fastmail.com fastmail.fm hey.com
    tutanota.com tuta.io qq.com 163.com 126.com mail.ru"""
)
_FREE_MAIL_BRANDS = frozenset({"yahoo", "hotmail", "outlook", "live", "gmx", "aol", "yandex"})
_ROOM_DOMAIN = re.compile(r"(?:^|\.)calendar\.google\.com$")
_SECOND_LEVEL = _word_set(
    """co.uk org.uk ac.uk com.au net.au org.au co.nz co.jp co.in co.za com.br com.mx com.sg
    com.cn com.hk co.kr com.tr co.il com.ar com.tw"""
)


def is_free_mail(domain: str) -> bool:
    return domain in _FREE_MAIL or domain.split(".")[0] in _FREE_MAIL_BRANDS


def generic(domain: str) -> bool:
    """A domain that names no employer: free mail, a calendar's rooms, a scheduling tool."""
    return is_free_mail(domain) or bool(_ROOM_DOMAIN.search(domain)) or is_tool_domain(domain)


def company_from_domain(domain: str) -> str:
    """``mail.acme-robotics.co.uk`` -> ``Acme Robotics``: the registered name, in words."""
    labels = [label for label in domain.casefold().split(".") if label]
    if len(labels) < 2:
        return ""
    suffix_length = 2 if ".".join(labels[-2:]) in _SECOND_LEVEL and len(labels) > 2 else 1
    name = labels[-suffix_length - 1]
    return " ".join(word.capitalize() for word in re.split(r"[-_]+", name) if word)


# --- application key --------------------------------------------------------

_LEGAL_SUFFIXES = _word_set(
    """inc incorporated llc llp ltd limited gmbh corp corporation co plc ag sa bv nv sas
    sarl srl spa pty pte oy ab kk kg"""
)


def application_key(company: str) -> str:
    """The application a company name belongs to: "Acme, Inc." and "ACME" are one.

    Casefolded, accents and punctuation dropped ("J.P." is "jp"), "&" read as
    "and", legal-form suffixes and a leading "the" removed. A name that is
    nothing but a suffix ("Co.") is kept rather than emptied.
    """
    text = unicodedata.normalize("NFKD", company.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = re.sub(r"[.'’]", "", text.replace("&", " and "))
    words = re.sub(r"[\W_]+", " ", text).split()
    stripped = list(words)
    if stripped and stripped[0] == "the" and len(stripped) > 1:
        stripped.pop(0)
    while stripped and stripped[-1] in _LEGAL_SUFFIXES:
        stripped.pop()
        if stripped and stripped[-1] == "and":  # "Johnson & Co"
            stripped.pop()
    return " ".join(stripped or words)
