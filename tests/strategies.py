"""Hypothesis strategies for the domain: calendar events as backends list them.

``calendar_events`` draws any field values a backend could hand over
(recurring occurrences, the service's own events, control characters,
non-ASCII, times in zones with daylight-saving changes, including the
repeated and skipped hours). ``interview_events`` draws events that read as
interviews: titles from the interview patterns, descriptions written in the
notes syntax of DESIGN.md, as plain text or HTML.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from daemon.domain.model import (
    Attendee,
    CalendarEvent,
    EventId,
    EventStatus,
    OwnKind,
    OwnTag,
    PartStat,
)
from daemon.domain.settings import DEFAULT_PATTERNS, Profile

USER = "me@example.com"

#: Zones whose rules are awkward: DST both ways, a 30-minute DST, a date-line
#: jump, and UTC as the readers' default (as a ZoneInfo and as datetime.UTC).
ZONES = (
    ZoneInfo("Europe/Berlin"),
    ZoneInfo("America/Adak"),
    ZoneInfo("Australia/Lord_Howe"),
    ZoneInfo("Pacific/Kiritimati"),
    ZoneInfo("UTC"),
)
FIXED = (UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8), "PST"))

#: Times where people have calendars: far enough from the ends of the datetime
#: range that every zone's offset can be applied.
_MIN = datetime(1900, 1, 1)
_MAX = datetime(2200, 12, 31)

#: Aware times, many of them in the hours a daylight-saving change repeats or skips.
moments = st.one_of(
    st.datetimes(_MIN, _MAX, timezones=st.sampled_from(ZONES + FIXED)),
    st.builds(
        lambda day, minute, fold, zone: datetime(2026, *day, tzinfo=zone).replace(
            hour=minute // 60, minute=minute % 60, fold=fold
        ),
        st.sampled_from([(3, 29), (10, 25), (3, 8), (11, 1), (4, 5), (10, 4)]),
        st.integers(0, 3 * 60 - 1),
        st.integers(0, 1),
        st.sampled_from(ZONES),
    ),
)

#: Text as calendars carry it: anything, non-ASCII and control characters included.
texts = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.sampled_from(["", "Ünïcode – Co", "面接", "\x00\x1f\x7f", "\u2028\u202e", "a\r\nb"]),
)

occurrences = st.one_of(
    st.just(""),
    st.datetimes(_MIN, _MAX).map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%SZ")),
    st.dates().map(lambda day: day.isoformat()),
    texts,  # a backend's own naming must survive too
)
event_ids = st.builds(EventId, series=texts, occurrence=occurrences)
own_tags = st.one_of(st.none(), st.builds(OwnTag, kind=st.sampled_from(OwnKind), key=texts))
attendees = st.builds(
    Attendee,
    email=texts,
    name=texts,
    partstat=st.sampled_from(PartStat),
    resource=st.booleans(),
)

calendar_events = st.builds(
    CalendarEvent,
    id=event_ids,
    title=texts,
    start=moments,
    end=moments,
    description=texts,
    all_day=st.booleans(),
    status=st.sampled_from(EventStatus),
    attendees=st.lists(attendees, max_size=4).map(tuple),
    organizer=texts,
    own=own_tags,
)

# -- events that read as interviews --------------------------------------------------------

_FIRST = ["Dana", "Sam", "Jörg", "Ana María", "Li", "O'Neil"]
_LAST = ["Lee", "Okafor", "Müller", "Smith-Jones", "Nguyễn"]
_COMPANIES = ["Acme", "Acme, Inc.", "Globex GmbH", "Initech", "Ünïcode & Co", "The Firm"]
names = st.builds(
    lambda first, last: f"{first} {last}", st.sampled_from(_FIRST), st.sampled_from(_LAST)
)
emails = st.builds(
    lambda local, domain: f"{local}@{domain}",
    st.sampled_from(["dana.lee", "sam", "hr", "jobs", "j.mueller"]),
    st.sampled_from(["acme.com", "globex.de", "gmail.com", "greenhouse.io"]),
)
companies = st.sampled_from(_COMPANIES)
spans = st.sampled_from(
    ["in 2 weeks", "Friday", "next Tuesday", "Dec 4", "2026-12-04", "end of month", "soon-ish"]
)
decisions = st.sampled_from(
    [
        "offer accepted",
        "offer",
        "rejected",
        "not selected",
        "not yet",
        "withdrew",
        "accepted the offer!",
        "",
    ]
)

#: One line of notes: each label of the syntax, and free text.
note_lines = st.one_of(
    st.builds("Company: {}".format, companies),
    st.builds("Role: {}".format, st.sampled_from(["Staff Engineer", "PM", "Data Scientist"])),
    st.builds("Met: {}".format, names),
    st.builds(lambda n, e: f"Met: {n} <{e}>", names, emails),
    st.builds(lambda n, t: f"Interviewer: {n}, {t}", names, st.sampled_from(["CTO", "Engineer"])),
    st.builds(lambda n, e: f"Decision maker: {n}, {e}, +1 617 555 0188", names, emails),
    st.builds("HR: {}".format, names),
    st.builds(lambda n: f"Address: {n}, 1 Main St, Springfield", names),
    st.builds("Hear back: {}".format, spans),
    st.builds("Decided: {}".format, decisions),
    st.just("Decided"),
    st.just("#decided"),
    st.builds(lambda n, t: f"Discussed with {n}: {t}", names, st.sampled_from(["Rust", "scaling"])),
    st.builds("Discussed: {}".format, st.sampled_from(["the roadmap", "on-call"])),
    st.builds("Forgot: {}".format, st.sampled_from(["to ask about remote work", "my portfolio"])),
    st.builds("Offer: {}".format, st.sampled_from(["a code sample", "references"])),
    st.builds("- {}".format, st.sampled_from(["Met: Dana", "Company: Initech"])),
    texts,  # free text, and whatever else people write
)


def _as_html(lines: list[str], style: str) -> str:
    if style == "br":
        return "<br>".join(line.replace("&", "&amp;").replace("<", "&lt;") for line in lines)
    if style == "p":
        return "".join(
            f"<p>{line.replace('&', '&amp;').replace('<', '&lt;')}</p>" for line in lines
        )
    if style == "li":
        return "<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>"
    return "\n".join(lines)


descriptions = st.builds(
    _as_html,
    st.lists(note_lines, max_size=12),
    st.sampled_from(["plain", "plain", "br", "p", "li"]),
)

titles = st.one_of(
    st.builds(
        lambda pattern, company, sep: f"{pattern.title()}{sep}{company}",
        st.sampled_from(DEFAULT_PATTERNS),
        companies,
        st.sampled_from([" with ", " – ", " @ ", ": ", " | "]),
    ),
    st.builds(
        lambda company, pattern: f"{company} {pattern}",
        companies,
        st.sampled_from(DEFAULT_PATTERNS),
    ),
    st.builds(
        lambda company, job: f"Interview with {company} for {job} #decided",
        companies,
        st.sampled_from(["Staff Engineer", "the PM role"]),
    ),
    texts,
)

interview_attendees = st.lists(
    st.one_of(
        st.builds(lambda n, e, p: Attendee(e, n, p), names, emails, st.sampled_from(PartStat)),
        st.just(Attendee(USER, "Me", PartStat.ACCEPTED)),
        st.just(Attendee("room-1@resource.calendar.google.com", "Room 1", resource=True)),
        attendees,
    ),
    max_size=5,
).map(tuple)


@st.composite
def interview_events(draw: st.DrawFn) -> CalendarEvent:
    start = draw(moments)
    return CalendarEvent(
        id=draw(event_ids),
        title=draw(titles),
        start=start,
        end=start + draw(st.timedeltas(timedelta(0), timedelta(hours=3))),
        description=draw(descriptions),
        all_day=draw(st.booleans()),
        status=draw(st.sampled_from(EventStatus)),
        attendees=draw(interview_attendees),
        organizer=draw(st.one_of(st.just(""), emails)),
    )


profiles = st.builds(
    Profile,
    name=st.sampled_from(["Alex Rivera", "", "Dana Lee"]),
    email=st.sampled_from([USER, "", "ME@example.com"]),
    phone=st.sampled_from(["", "+49 30 1234567", "+1 650 253 0000", "not a phone"]),
    timezone=st.sampled_from(ZONES),
)
