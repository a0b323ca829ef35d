"""Where the components of an .ics file sit, line by line, without interpreting them.

Two jobs need the file's shape rather than its meaning:

* writing the service's own events into the user's calendar file must leave
  every other byte as it was, so they are spliced in and cut out by physical
  line, never by re-serialising what icalendar parsed;
* when icalendar rejects a whole file because of one hostile event, the
  reader retries component by component, and needs the components' text.

Folded lines (RFC 5545 3.1: a line that starts with a space or tab continues
the previous one) are joined for reading names and values, while the spans
keep the physical lines for editing.

A UTF-8 byte-order mark before the first line is not part of its text (so
``BEGIN:VCALENDAR`` is found) but stays in ``Layout.lines``, so a file that
has one keeps it through an edit.

The parse runs on every write and on every changed file, over calendars of
100,000 events, so it decodes only the lines that can open or close a
component; a property line is kept as its span and read when asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

_BOM = b"\xef\xbb\xbf"
_FOLD = (b" ", b"\t")
#: Visible ASCII: a line that starts with one is not blank and its name starts there.
_VISIBLE = frozenset(bytes([byte]) for byte in range(0x21, 0x7F))
#: First bytes of a line that can only be a property, not a BEGIN or END.
_PLAIN_HEADS = _VISIBLE - {b"B", b"b", b"E", b"e"}


@dataclass(frozen=True)
class ContentLine:
    """One logical line: physical lines ``first``..``last`` unfolded into ``text``."""

    first: int
    last: int
    text: str

    @property
    def name(self) -> str:
        """The property name, upper-cased (``DTSTART`` of ``DTSTART;TZID=X:...``)."""
        end = len(self.text)
        for stop in (";", ":"):
            index = self.text.find(stop)
            if index != -1:
                end = min(end, index)
        return self.text[:end].strip().upper()

    @property
    def value(self) -> str:
        """The raw value after the first colon outside a quoted parameter."""
        quoted = False
        for index, char in enumerate(self.text):
            if char == '"':
                quoted = not quoted
            elif char == ":" and not quoted:
                return self.text[index + 1 :]
        return ""


@dataclass(eq=False)
class Block:
    """A component from its BEGIN line (``first``) to its END line (``last``)."""

    name: str
    first: int
    last: int = -1
    #: The first physical line of the END line: where text is inserted at the end.
    end_first: int = -1
    children: list[Block] = field(default_factory=list)
    #: (first, last) physical lines of each of the component's own properties.
    spans: list[tuple[int, int]] = field(default_factory=list)
    #: The file's physical lines, shared by every block of a layout.
    lines: Sequence[bytes] = field(default=(), repr=False)

    @property
    def closed(self) -> bool:
        return self.last >= self.first

    @cached_property
    def properties(self) -> list[ContentLine]:
        return [_join(first, last, self.lines) for first, last in self.spans]

    def value(self, name: str) -> str | None:
        """The raw value of the first property ``name``, or None."""
        return self.values(name).get(name)

    def values(self, *names: str) -> dict[str, str]:
        """The raw value of the first property of each of ``names`` the component has."""
        heads = {name[:1].upper().encode() for name in names}
        found: dict[str, str] = {}
        for first, last in self.spans:
            # A name is ASCII: a line whose first byte is another letter is none of them.
            start = self.lines[first][:1].upper()
            if start in _VISIBLE and start not in heads and b"" not in heads:
                continue
            line = _join(first, last, self.lines)
            name = line.name
            if name in names and name not in found:
                found[name] = line.value
        return found


@dataclass
class Layout:
    lines: list[bytes]
    blocks: list[Block]
    #: The line ending the file uses, so inserted text matches it.
    newline: bytes

    def calendars(self) -> list[Block]:
        return [block for block in self.blocks if block.name == "VCALENDAR" and block.closed]

    def first_unclosed(self) -> Block | None:
        """The first component anywhere (in file order) that has a BEGIN but no END, if any."""
        pending = list(reversed(self.blocks))
        while pending:
            block = pending.pop()
            if not block.closed:
                return block
            pending.extend(reversed(block.children))
        return None

    def text(self, first: int, last: int) -> bytes:
        return b"".join(self.lines[first : last + 1])


def parse_layout(data: bytes) -> Layout:
    """The component tree of ``data``; tolerant of anything, it never raises."""
    lines = data.splitlines(keepends=True)
    newline = (
        b"\n" if lines and lines[0].endswith(b"\n") and not lines[0].endswith(b"\r\n") else b"\r\n"
    )
    blocks: list[Block] = []
    stack: list[Block] = []
    count = len(lines)
    fold, plain = _FOLD, _PLAIN_HEADS
    index = 0
    while index < count:
        first = index
        index += 1
        while index < count and lines[index][:1] in fold:
            index += 1
        last = index - 1
        raw = lines[first]
        if first == 0 and raw.startswith(_BOM):
            raw = raw[len(_BOM) :]
        if raw[:1] in plain:
            # A property (non-blank: it starts with a visible character).
            if stack:
                stack[-1].spans.append((first, last))
            continue
        if first == last and raw[:6] == b"BEGIN:":
            # The usual spelling, read without building the whole line.
            name, value = "BEGIN", raw[6:].rstrip(b"\r\n").decode("utf-8", "replace")
        elif first == last and raw[:4] == b"END:":
            name, value = "END", raw[4:].rstrip(b"\r\n").decode("utf-8", "replace")
        else:
            line = _join(first, last, lines)
            if not line.text.strip():
                continue
            name, value = line.name, line.value
        if name == "BEGIN":
            block = Block(name=value.strip().upper(), first=first, lines=lines)
            (stack[-1].children if stack else blocks).append(block)
            stack.append(block)
        elif name == "END":
            ended = value.strip().upper()
            # An END that closes an outer component also closes any inner one
            # left open; an END that matches nothing open is ignored.
            if stack and stack[-1].name == ended:
                block = stack.pop()
                block.last, block.end_first = last, first
            elif any(block.name == ended for block in stack):
                while stack:
                    block = stack.pop()
                    if block.name == ended:
                        block.last, block.end_first = last, first
                        break
        elif stack:
            stack[-1].spans.append((first, last))
    return Layout(lines=lines, blocks=blocks, newline=newline)


def _join(first: int, last: int, lines: Sequence[bytes]) -> ContentLine:
    """Physical lines ``first``..``last`` as one logical line."""
    parts = []
    for index in range(first, last + 1):
        body = lines[index].rstrip(b"\r\n")
        if index == 0 and body.startswith(_BOM):
            body = body[len(_BOM) :]
        parts.append(body[1:] if index > first else body)
    # Folding may split a multi-byte UTF-8 character, so join before decoding.
    return ContentLine(first, last, b"".join(parts).decode("utf-8", errors="replace"))


def unescape_text(value: str) -> str:
    """An RFC 5545 TEXT value as written (``\\n``, ``\\,``, ``\\;``, ``\\\\``) to plain text."""
    if "\\" not in value:
        return value  # the usual case, e.g. every UID: nothing to undo
    out: list[str] = []
    index = 0
    while index < len(value):
        char = value[index]
        if char == "\\" and index + 1 < len(value):
            following = value[index + 1]
            out.append("\n" if following in "nN" else following)
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)
