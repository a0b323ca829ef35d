"""Reading a ``Hear back:`` value: when the employer said they would answer.

Pure date arithmetic on the interview's local date; no clock is read.

Vague answers are read late rather than early: calling before the promised
day is pushy (DESIGN.md, advice 4), calling a few days after is not. So a
week means its Friday, a month its last day ("mid-December" the 20th,
"early December" the 10th), a range its far end, and "next Friday" the
Friday of next week rather than the one coming first.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta

from daemon.domain.weekdays import weekday_number
from daemon.reading.text import clean_line

_MAX_HEAR_BACK_CHARS = 200
_MONTH_FIRST_REGIONS = frozenset({"US", "CA", "PH", "PR", "GU", "AS", "VI", "MP", "UM", "FM"})
_FRIDAY = 4

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_COUNTS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "couple": 2, "few": 3,
}  # fmt: skip
_COUNT = r"\d{1,3}|[a-z]+|(?:a\s+)?(?:couple|few)(?:\s+of)?"

_FILLER_PREFIX = re.compile(
    r"^(?:(?:by|on|before|around|about|approx(?:imately)?|roughly|within|in|hopefully"
    r"|expected|probably|maybe|likely|the)\b\.?|~|≈)\s*"
)
_FILLER_SUFFIX = re.compile(
    r"\s*(?:at the (?:latest|most)|or so|or sooner|or less|latest|max(?:imum)?|tops"
    r"|from (?:now|today|the interview|interview)|after the interview)$"
)
_TIME_SUFFIX = re.compile(
    r"\s*(?:,\s*|\bat\s+)?\d{1,2}(?:(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|:\d{2})$"
)
_SPAN = re.compile(
    rf"^(?:(?:the\s+)?next\s+)?(?:(?P<low>{_COUNT})(?:\s*(?:-|–|to|or)\s*(?P<high>{_COUNT}))?\s*)?"
    r"(?P<business>business\s+|working\s+)?"
    r"(?P<unit>days?|d|weeks?|wks?|w|months?|fortnights?)$"
)
_TODAY = re.compile(
    r"^(?:today|tonight|eod|(?:the\s+)?end\s+of\s+(?:the\s+)?(?:day|today)|later today)$"
)
_TOMORROW = re.compile(r"^(?:tomorrow|tmrw|tmr)$")
_THIS_WEEK = re.compile(
    r"^(?:eow|(?:this|the)\s+week|(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?week)$"
)
_SOMETIME_IN = r"^(?:early|mid|late|sometime|(?:the\s+)?(?:end|middle|start|beginning)\s+of)?\s*"
_NEXT_WEEK = re.compile(_SOMETIME_IN + r"(?:the\s+)?next\s+week$")
_THIS_MONTH = re.compile(r"^(?:eom|this\s+month|(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?month)$")
_NEXT_MONTH = re.compile(_SOMETIME_IN + r"(?:the\s+)?next\s+month$")
_WEEKDAY = re.compile(r"^(?P<which>this|coming|this\s+coming|next)?\s*(?P<day>[a-z]+)$")
_MONTH_PART = re.compile(
    r"^(?P<part>early|mid|late|(?:the\s+)?(?:beginning|start|middle|end)\s+of)?[\s-]*"
    r"(?P<month>[a-z]+)\.?(?:\s+(?P<year>\d{4}))?$"
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PART_DAY = {"early": 10, "beginning": 10, "start": 10, "mid": 20, "middle": 20}


def parse_hear_back(value: str, interview_date: date, *, region: str = "US") -> date | None:
    """The day a ``Hear back:`` value means, or None if it cannot be read.

    Relative values count from ``interview_date`` (the interview's local date).
    A date written without a year is the next such date on or after the
    interview. A numeric date like ``12/4`` is month first in the US and a few
    other regions, day first elsewhere. The result may lie before the
    interview when a year was written; the caller decides what that means.
    """
    text = clean_line(value, _MAX_HEAR_BACK_CHARS + 1).casefold()
    if len(text) > _MAX_HEAR_BACK_CHARS:
        return None
    text = re.sub(r"\([^()]*\)", " ", text)
    text = " ".join(text.split()).strip(" .!,;")
    for _ in range(3):
        text = _FILLER_SUFFIX.sub("", _FILLER_PREFIX.sub("", text)).strip(" .!,;")
    text = _TIME_SUFFIX.sub("", text).strip(" .!,;")
    if not text or text.isdigit():
        # A bare number could be a day of the month or a count of days.
        return None
    try:
        return _relative_day(text, interview_date) or _calendar_day(text, interview_date, region)
    except (ValueError, OverflowError):
        return None


def _relative_day(text: str, base: date) -> date | None:
    if _TODAY.match(text):
        return base
    if _TOMORROW.match(text):
        return base + timedelta(days=1)
    if text == "day after tomorrow":
        return base + timedelta(days=2)
    if _THIS_WEEK.match(text):
        return base + timedelta(days=(_FRIDAY - base.weekday()) % 7)
    if _NEXT_WEEK.match(text):
        return _next_week(base, _FRIDAY)
    if _THIS_MONTH.match(text):
        return base + relativedelta(day=31)
    if _NEXT_MONTH.match(text):
        return base + relativedelta(months=1, day=31)
    span = _SPAN.match(text)
    # "friday" also reads as the count "fri" and the unit "day".
    spanned = _after_span(base, span) if span else None
    if spanned is not None:
        return spanned
    weekday = _WEEKDAY.match(text)
    if weekday and (day := weekday_number(weekday["day"])) is not None:
        if weekday["which"] == "next":
            return _next_week(base, day)
        return base + timedelta(days=(day - base.weekday() - 1) % 7 + 1)
    return None


def _next_week(base: date, weekday: int) -> date:
    """``weekday`` of the calendar week (Monday first) after ``base``'s."""
    return base + timedelta(days=7 - base.weekday() + weekday)


def _after_span(base: date, span: re.Match[str]) -> date | None:
    low = _count(span["low"]) if span["low"] else 1
    high = _count(span["high"]) if span["high"] else low
    if low is None or high is None:
        return None
    # "1-2 weeks": the later end of a range, as with every vague answer.
    count = max(low, high)
    unit = span["unit"]
    if unit.startswith("d"):
        return _add_working_days(base, count) if span["business"] else base + timedelta(count)
    if unit.startswith("w"):
        return base + timedelta(weeks=count)
    if unit.startswith("f"):
        return base + timedelta(weeks=2 * count)
    return base + relativedelta(months=count)


def _count(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _COUNTS.get(word.removeprefix("a ").removesuffix(" of").strip())


def _add_working_days(base: date, count: int) -> date:
    day = base
    # Whole weeks first: a hostile "999 business days" stays cheap.
    day += timedelta(weeks=count // 5)
    remaining = count % 5
    while remaining:
        day += timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return day


def _calendar_day(text: str, base: date, region: str) -> date | None:
    if _ISO_DATE.match(text):
        return date.fromisoformat(text)
    month_part = _MONTH_PART.match(text)
    if month_part and month_part["month"] in _MONTHS:
        return _month_day(
            base, _MONTHS[month_part["month"]], month_part["part"], month_part["year"]
        )
    return _parsed_day(text, base, region)


def _month_day(base: date, month: int, part: str | None, year: str | None) -> date:
    """A day in a month named without its day: ``December``, ``mid-Jan``, ``end of March``."""
    first_word = (part or "").split()[-2] if part and " of" in part else (part or "")
    wanted_day = _PART_DAY.get(first_word.removeprefix("the ").strip(), 31)
    if year is not None:
        return date(int(year), month, 1) + relativedelta(day=wanted_day)
    month_end = date(base.year, month, 1) + relativedelta(day=31)
    if month_end < base:
        month_end += relativedelta(years=1, day=31)
    # The same month as the interview: never a day before it.
    return max(base, month_end + relativedelta(day=wanted_day))


def _parsed_day(text: str, base: date, region: str) -> date | None:
    """Explicit dates in any form ``dateutil`` reads: ``Dec 4``, ``4 December 2026``, ``12/4``."""
    year_first = re.match(r"^\d{4}\b", text) is not None
    day_first = not year_first and region.upper() not in _MONTH_FIRST_REGIONS
    # Parsing with two defaults that differ in every field shows which fields
    # were written: a field that was written comes out the same both times.
    # Time zones in the text are ignored: only the date is wanted.
    first = date_parser.parse(
        text,
        default=datetime(2000, 1, 1, tzinfo=UTC),
        dayfirst=day_first,
        yearfirst=year_first,
        ignoretz=True,
    )
    second = date_parser.parse(
        text,
        default=datetime(2004, 2, 2, tzinfo=UTC),
        dayfirst=day_first,
        yearfirst=year_first,
        ignoretz=True,
    )
    has_year, has_month, has_day = (
        first.year == second.year,
        first.month == second.month,
        first.day == second.day,
    )
    if has_year and has_month and has_day:
        return first.date()
    if not has_day or (has_year and not has_month):
        return None
    if not has_month:
        candidates = (base + relativedelta(months=offset) for offset in range(0, 3))
        return next(
            (day.replace(day=first.day) for day in candidates if _fits(day, first.day, base)),
            None,
        )
    for offset in range(0, 9):
        try:
            candidate = date(base.year + offset, first.month, first.day)
        except ValueError:  # 29 February in a common year
            continue
        if candidate >= base:
            return candidate
    return None


def _fits(month: date, day: int, base: date) -> bool:
    """Is there a ``day`` in ``month``'s month, on or after ``base``?"""
    try:
        return month.replace(day=day) >= base
    except ValueError:
        return False
