"""The line layout of .ics text, and the split of a file into the user's part and own events.

``parse_layout`` skips decoding most lines for speed; here it is held to a
plain line-by-line reading of the same rules (the one it replaced) on real
and mangled calendars. The split that lets the reader re-use its reading of
the user's events is held to what a fresh read of the written file gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daemon.domain.model import OwnKind
from daemon.domain.ports import OwnEvent, OwnWrite, PutOwn, RemoveOwn, UpdateOwn
from integrations.ics.calls_file import NotACalendarError, OwnEventsText, split_own
from integrations.ics.layout import Block, ContentLine, parse_layout

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ics"
_BOM = b"\xef\xbb\xbf"


# -- the reference: every line decoded and named, as the layout was first written ---------


@dataclass
class RefBlock:
    name: str
    first: int
    last: int = -1
    end_first: int = -1
    properties: list[ContentLine] = field(default_factory=list)
    children: list[RefBlock] = field(default_factory=list)


def decoded(parts: list[bytes]) -> str:
    return b"".join(parts).decode("utf-8", "replace")


def reference_layout(data: bytes) -> list[RefBlock]:
    lines = data.splitlines(keepends=True)
    logical: list[ContentLine] = []
    first, parts = -1, list[bytes]()
    for index, raw in enumerate(lines):
        body = raw.rstrip(b"\r\n")
        if index == 0 and body.startswith(_BOM):
            body = body[len(_BOM) :]
        if body[:1] in (b" ", b"\t") and parts:
            parts.append(body[1:])
            continue
        if parts:
            logical.append(
                ContentLine(first, index - 1, b"".join(parts).decode("utf-8", "replace"))
            )
        first, parts = index, [body]
    if parts:
        logical.append(
            ContentLine(first, len(lines) - 1, b"".join(parts).decode("utf-8", "replace"))
        )
    blocks: list[RefBlock] = []
    stack: list[RefBlock] = []
    for line in (line for line in logical if line.text.strip()):
        if line.name == "BEGIN":
            block = RefBlock(line.value.strip().upper(), line.first)
            (stack[-1].children if stack else blocks).append(block)
            stack.append(block)
        elif line.name == "END":
            ended = line.value.strip().upper()
            if any(block.name == ended for block in stack):
                while stack:
                    block = stack.pop()
                    if block.name == ended:
                        block.last, block.end_first = line.last, line.first
                        break
        elif stack:
            stack[-1].properties.append(line)
    return blocks


def same_tree(blocks: list[Block], expected: list[RefBlock]) -> None:
    assert [b.name for b in blocks] == [e.name for e in expected]
    for block, reference in zip(blocks, expected, strict=True):
        assert (block.first, block.last, block.end_first) == (
            reference.first,
            reference.last,
            reference.end_first,
        )
        assert block.properties == reference.properties
        for line in reference.properties:
            assert block.value(line.name) == next(
                p.value for p in reference.properties if p.name == line.name
            )
        same_tree(block.children, reference.children)


SEED_LINES = [
    line
    for name in sorted(p.name for p in FIXTURES.glob("*.ics"))
    for line in (FIXTURES / name).read_bytes().splitlines(keepends=True)
]
ODD_LINES = [
    b"BEGIN:VEVENT\r\n",
    b"begin:vevent\n",
    b"BEGIN;X=1:VALARM\r\n",
    b" BEGIN:VTODO\r\n",
    b"END:VEVENT\r\n",
    b"end : vcalendar\r\n",
    b"END:VCALENDAR",
    b"BEG\r\n IN:VEVENT\r\n",
    b"UID:abc\r\n",
    b'uid;x="a:b":def\r\n',
    b"\x0bUID:vertical-tab\r\n",
    b"\xc2\xa0UID:no-break-space\r\n",
    b"\r\n",
    b"\r",
    b"\t\r\n",
    b" continued\r\n",
    b"\xef\xbb\xbfBEGIN:VCALENDAR\r\n",
    b"\xff\xfe\x00\r\n",
]


@st.composite
def texts(draw: st.DrawFn) -> bytes:
    lines = list(draw(st.sampled_from([SEED_LINES[:80], SEED_LINES[80:200], SEED_LINES])))
    for _ in range(draw(st.integers(0, 10))):
        position = draw(st.integers(0, len(lines)))
        lines.insert(position, draw(st.sampled_from(ODD_LINES) | st.binary(max_size=20)))
    if draw(st.booleans()) and lines:
        del lines[draw(st.integers(0, len(lines) - 1))]
    return b"".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts())
def test_the_layout_is_the_line_by_line_reading(data: bytes) -> None:
    same_tree(parse_layout(data).blocks, reference_layout(data))


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.ics")))
def test_the_layout_of_each_fixture_is_the_line_by_line_reading(name: str) -> None:
    data = (FIXTURES / name).read_bytes()
    same_tree(parse_layout(data).blocks, reference_layout(data))


def test_the_first_unclosed_component_is_found_in_file_order() -> None:
    data = (
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nBEGIN:VALARM\r\nEND:VEVENT\r\n"
        b"BEGIN:VTODO\r\nEND:VCALENDAR\r\nBEGIN:VCALENDAR\r\nBEGIN:VJOURNAL\r\n"
    )
    unclosed = parse_layout(data).first_unclosed()
    assert unclosed is not None and (unclosed.name, unclosed.first) == ("VALARM", 2)
    assert parse_layout((FIXTURES / "google_export.ics").read_bytes()).first_unclosed() is None


# -- the split the reader re-uses ---------------------------------------------------------

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2025, 3, 10, 12, tzinfo=UTC)
ZONES = [BERLIN, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata"), UTC]


@st.composite
def batches(draw: st.DrawFn) -> list[OwnWrite]:
    writes: list[OwnWrite] = []
    for _ in range(draw(st.integers(1, 8))):
        key = draw(st.sampled_from(["a", "b", "c", "d"])) * 32
        start = datetime(2025, 3, 12, 9, tzinfo=draw(st.sampled_from(ZONES))) + timedelta(
            hours=draw(st.integers(0, 400))
        )
        event = OwnEvent(
            draw(st.sampled_from(list(OwnKind))),
            key,
            start,
            start + timedelta(minutes=15),
            draw(st.sampled_from(["Call", "Debrief: Contoso", "ä, ö; \\ü"])),
            draw(st.sampled_from(["", "tel:+4930", "a long line " * 10])),
            draw(st.sampled_from([None, timedelta(minutes=10), timedelta(hours=2)])),
        )
        kind = draw(st.sampled_from(["put", "update", "remove"]))
        if kind == "put":
            writes.append(PutOwn(event))
        elif kind == "update":
            fields = draw(st.sets(st.sampled_from(["time", "title", "description", "reminder"])))
            writes.append(UpdateOwn(event, frozenset(fields)))  # type: ignore[arg-type]
        else:
            writes.append(RemoveOwn(event.kind, key))
    return writes


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["google_export.ics", "outlook_export.ics", "floating.ics", "recurring.ics"]),
    st.lists(batches(), min_size=1, max_size=3),
)
def test_the_writers_split_is_what_a_fresh_read_of_its_file_finds(
    name: str, history: list[list[OwnWrite]]
) -> None:
    data = (FIXTURES / name).read_bytes()
    user_part = split_own(data).user
    for writes in history:
        text = OwnEventsText(data)
        for write in writes:
            text.apply(write, NOW)
        data = text.render()
        assert text.split() == split_own(data)
        # Own-event writes never change the user's part, time zones included.
        assert split_own(data).user == user_part


def test_a_file_that_cannot_be_edited_is_all_user_part() -> None:
    broken = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:k@interview-followup\r\nEND:VCALENDAR\r\n"
    assert split_own(broken).user == broken and split_own(broken).own == b""
    with pytest.raises(NotACalendarError):
        OwnEventsText(broken)


def test_an_own_event_read_alone_keeps_its_calendars_zone() -> None:
    start = datetime(2025, 3, 25, 10, tzinfo=BERLIN)
    event = OwnEvent(OwnKind.DEBRIEF, "e" * 32, start, start + timedelta(hours=1), "D", "")
    text = OwnEventsText((FIXTURES / "google_export.ics").read_bytes())
    text.apply(PutOwn(event), NOW)
    own = text.split().own
    assert own.startswith(b"BEGIN:VCALENDAR\r\n")
    assert b"X-WR-TIMEZONE:" in own and b"TZID:Europe/Berlin" in own
    assert own.count(b"BEGIN:VEVENT") == 1
