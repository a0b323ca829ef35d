"""Where the components of an .ics file sit, line by line, without interpreting them.

Two jobs need the file's shape rather than its meaning:

* writing a call into the user's own calendar file must leave every other
  byte as it was, so calls are spliced in and cut out by physical line,
  never by re-serialising what icalendar parsed;
* when icalendar rejects a whole file because of one hostile event, the
  reader retries component by component, and needs the components' text.

Folded lines (RFC 5545 3.1: a line that starts with a space or tab continues
the previous one) are joined for reading names and values, while the spans
keep the physical lines for editing.

A UTF-8 byte-order mark before the first line is not part of its text (so
``BEGIN:VCALENDAR`` is found) but stays in ``Layout.lines``, so a file that
has one keeps it through an edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_BOM = b"\xef\xbb\xbf"


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


@dataclass
class Block:
    """A component from its BEGIN line (``first``) to its END line (``last``)."""

    name: str
    first: int
    last: int = -1
    #: The first physical line of the END line: where text is inserted at the end.
    end_first: int = -1
    properties: list[ContentLine] = field(default_factory=list)
    children: list[Block] = field(default_factory=list)

    @property
    def closed(self) -> bool:
        return self.last >= self.first

    def value(self, name: str) -> str | None:
        """The raw value of the first property ``name``, or None."""
        for line in self.properties:
            if line.name == name:
                return line.value
        return None


@dataclass
class Layout:
    lines: list[bytes]
    blocks: list[Block]
    #: The line ending the file uses, so inserted text matches it.
    newline: bytes

    def calendars(self) -> list[Block]:
        return [block for block in self.blocks if block.name == "VCALENDAR" and block.closed]

    def first_unclosed(self) -> Block | None:
        """The first component anywhere that has a BEGIN but no END, if any."""
        pending = list(self.blocks)
        while pending:
            block = pending.pop(0)
            if not block.closed:
                return block
            pending[:0] = block.children
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
    for line in _content_lines(lines):
        name = line.name
        if name == "BEGIN":
            block = Block(name=line.value.strip().upper(), first=line.first)
            (stack[-1].children if stack else blocks).append(block)
            stack.append(block)
        elif name == "END":
            ended = line.value.strip().upper()
            # An END that closes an outer component also closes any inner one
            # left open; an END that matches nothing open is ignored.
            if any(block.name == ended for block in stack):
                while stack:
                    block = stack.pop()
                    if block.name == ended:
                        block.last, block.end_first = line.last, line.first
                        break
        elif stack:
            stack[-1].properties.append(line)
    return Layout(lines=lines, blocks=blocks, newline=newline)


def _content_lines(lines: list[bytes]) -> list[ContentLine]:
    result: list[ContentLine] = []
    first = -1
    parts: list[bytes] = []
    for index, raw in enumerate(lines):
        body = raw.rstrip(b"\r\n")
        if index == 0 and body.startswith(_BOM):
            body = body[len(_BOM) :]
        if body[:1] in (b" ", b"\t") and parts:
            parts.append(body[1:])
            continue
        if parts:
            result.append(_join(first, index - 1, parts))
        first, parts = index, [body]
    if parts:
        result.append(_join(first, len(lines) - 1, parts))
    return [line for line in result if line.text.strip()]


def _join(first: int, last: int, parts: list[bytes]) -> ContentLine:
    # Folding may split a multi-byte UTF-8 character, so join before decoding.
    return ContentLine(first, last, b"".join(parts).decode("utf-8", errors="replace"))


def unescape_text(value: str) -> str:
    """An RFC 5545 TEXT value as written (``\\n``, ``\\,``, ``\\;``, ``\\\\``) to plain text."""
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
