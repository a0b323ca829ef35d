"""Small text helpers shared by the parsing modules: cleaning, tags, e-mail addresses.

Everything read from a calendar is written by other people and later ends up in
e-mail headers, calendar entries and the terminal, so every string the parsers
extract goes through :func:`clean_line` (or :func:`clean_block` for multi-line
free text) before it leaves them.
"""

from __future__ import annotations

import re
import unicodedata

from bs4 import BeautifulSoup
from bs4.element import CData, NavigableString, PageElement, Tag

from daemon.domain.emails import AddressError, is_address, parse_address

#: Unicode categories never kept: controls (Cc, including CR, LF, TAB, NEL),
#: format characters (Cf: bidi overrides, zero-width joiners - spoofing tools),
#: line/paragraph separators (Zl, Zp: ``str.splitlines`` breaks on them) and
#: lone surrogates (Cs: they cannot be encoded as UTF-8 and would fail later).
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})

_SPACES = re.compile(r"\s+")

#: What may be an address in free text, before :func:`find_emails` checks it with the
#: grammar of ``daemon.domain.emails``. Deliberately wider than that grammar (any word
#: character, so ``jörg@example.de`` is one candidate that fails, never ``rg@example.de``),
#: and maximal: a candidate never starts or ends inside a longer run of such characters.
_LOCAL_CHARS = r"\w.!#$%&'*+/=?^`{|}~\-"
_DOMAIN_CHAR = r"(?:[^\W_]|[.-])"
_CANDIDATE = rf"[{_LOCAL_CHARS}]+@{_DOMAIN_CHAR}+"
#: What wraps an address in free text: quotes, Markdown, a path, an ellipsis.
_WRAPPERS = "'`*_~|/{}.-"
_EMAIL_IN_TEXT = re.compile(rf"(?<![{_LOCAL_CHARS}@]){_CANDIDATE}(?!{_DOMAIN_CHAR}|@)")


def _is_dropped(char: str) -> bool:
    return unicodedata.category(char) in _DROPPED_CATEGORIES


def clean_line(text: str, max_length: int | None = None) -> str:
    """One line of safe text: control characters become spaces, runs of space collapse.

    Replacing (rather than deleting) keeps ``"Alice\\tSmith"`` two words.
    """
    kept = "".join(" " if _is_dropped(char) else char for char in text)
    line = _SPACES.sub(" ", kept).strip()
    if max_length is not None and len(line) > max_length:
        line = line[:max_length].rstrip()
    return line


def clean_block(text: str) -> str:
    """Multi-line text whose only control character is LF, without blank runs at the ends."""
    lines = [clean_line(line) for line in text.splitlines()]
    return "\n".join(lines).strip("\n")


def find_emails(text: str) -> list[str]:
    """Every address in ``text`` that a draft can carry, in order, as written.

    As written (``Dana@ACME.com``, ``user@bücher.example``), so a caller can take it out
    of the text; ``daemon.domain.emails.parse_address`` gives its normalised form.
    """
    found: list[str] = []
    for match in _EMAIL_IN_TEXT.finditer(text):
        local, _, domain = match.group().partition("@")
        # Wrapping punctuation before it (``'dana@acme.com'``, ``*dana@acme.com*``)
        # and a sentence's full stop after it are not part of the address.
        candidate = f"{_without_wrapping(local)}@{domain.rstrip('.-')}"
        if is_address(candidate):
            found.append(candidate)
    return found


def _without_wrapping(local: str) -> str:
    """``local`` without the quotes or markup before it; never ``=`` or ``?``: what starts
    with ``=?`` is an encoded word, not an address, and no tail of it is one either."""
    return local.lstrip(_WRAPPERS)


def valid_email(address: str) -> str:
    """``address`` as written, less any ``mailto:`` prefix, if a draft can carry it; else ``""``."""
    candidate = _without_mailto(address)
    return candidate if is_address(candidate) else ""


def same_email(first: str, second: str) -> bool:
    """Whether two addresses reach the same mailbox; an empty address matches nothing.

    ``Dana@ACME.com`` is ``dana@acme.com`` and ``user@bücher.example`` is
    ``user@xn--bcher-kva.example``. Strings that are no address at all (a calendar may
    hold anything) are compared as written, case-insensitively.
    """
    first_key = email_key(first)
    return bool(first_key) and first_key == email_key(second)


def email_key(address: str) -> str:
    """The form addresses are compared in."""
    text = _without_mailto(address)
    try:
        return parse_address(text).key
    except AddressError:
        return text.casefold()


def _without_mailto(address: str) -> str:
    candidate = address.strip()
    if candidate[:7].casefold() == "mailto:":
        candidate = candidate[7:].strip()
    return candidate


_DOMAIN_SPELLING = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?")


def email_domain(address: str) -> str:
    """The domain of ``address``, lowercase and in ASCII (IDNA) form when it is an address."""
    try:
        return parse_address(address.strip()).domain
    except AddressError:
        domain = address.rpartition("@")[2].strip().casefold() if "@" in address else ""
        # Not an address: its "domain" is only trusted as far as a domain can be spelled.
        return domain if _DOMAIN_SPELLING.fullmatch(domain) else ""


def tag_pattern(tag_regex: str) -> re.Pattern[str]:
    """A ``#tag`` that stands alone: not part of a longer word or of another tag."""
    return re.compile(rf"(?<![\w#])#{tag_regex}(?!\w)", re.IGNORECASE)


DECIDED_TAG = tag_pattern("decided")
INTERVIEW_TAG = tag_pattern("interview")
#: ``#nofollowup``, also ``#no-followup`` / ``#no_follow_up``: people type it on phones.
NO_FOLLOWUP_TAG = tag_pattern(r"no[-_]?follow[-_]?up")


#: Descriptions can be huge (pasted job ads, hostile invitations): only this
#: much is read. 64 KiB is far beyond any notes a person types into an event.
MAX_DESCRIPTION_CHARS = 64 * 1024

#: Markup Google Calendar (and other web UIs) actually write. Matching known
#: tags, not any ``<...>``, keeps plain text such as ``Alice <alice@acme.com>``
#: or ``<3`` plain.
_HTML_HINT = re.compile(
    r"</?(?:a|b|i|u|s|br|p|div|span|font|strong|em|ul|ol|li|h[1-6]|table|tbody|thead|tr|td|th"
    r"|html|html-blob|body|blockquote|pre|code|hr|img|sub|sup|small|big|center|del|ins|strike)"
    r"(?:\s[^<>]*)?/?>"
    r"|&(?:[A-Za-z]{2,8}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});",
)
#: ``<alice@acme.com>`` typed into an HTML description would be taken for a tag
#: by the HTML parser and vanish; it is escaped first.
_ANGLE_EMAIL = re.compile(rf"<\s*((?:mailto:)?{_CANDIDATE})\s*>")
_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "ul", "ol", "tr", "table", "blockquote", "pre", "hr", "html-blob"}
    | {f"h{level}" for level in range(1, 7)}
)
_SURROGATES = re.compile("[\ud800-\udfff]")
_HIDDEN_TAGS = frozenset({"script", "style", "head", "title"})


def looks_like_html(text: str) -> bool:
    return _HTML_HINT.search(text) is not None


def visible_text(description: str) -> str:
    """The text a person sees in the calendar app, from plain text or HTML.

    Only the first :data:`MAX_DESCRIPTION_CHARS` characters are read. Block
    elements and ``<br>`` become line breaks, so each ``<li>`` or paragraph is
    one line; a ``mailto:`` link whose text hides the address shows it, since
    the address is what the notes need. Nothing of the HTML is kept: the
    result is never to be rendered as HTML anyway.
    """
    # Lone surrogates (from a broken decoder upstream) make bs4 raise.
    text = _SURROGATES.sub("\ufffd", description[:MAX_DESCRIPTION_CHARS])
    if not looks_like_html(text):
        return text
    soup = BeautifulSoup(_ANGLE_EMAIL.sub(r"&lt;\1&gt;", text), "html.parser")
    return _render(soup).replace("\xa0", " ")


def _render(root: Tag) -> str:
    """Walk the tree with an explicit stack and never modify it.

    Inserting line breaks into the tree costs a scan of the parent's children
    per insertion (seconds for a few thousand paragraphs), and recursion would
    overflow on deeply nested input; this is linear and flat. A plain ``str``
    on the stack is text to emit once a tag's children are done.
    """
    parts: list[str] = []
    stack: list[PageElement | str] = [root]
    while stack:
        node = stack.pop()
        if not isinstance(node, PageElement):
            parts.append(node)
        elif isinstance(node, Tag):
            if node.name in _HIDDEN_TAGS:
                continue
            if node.name == "br":
                parts.append("\n")
                continue
            if node.name in _BLOCK_TAGS:
                parts.append("\n")
                stack.append("\n")
            if node.name == "a":
                stack.append(_hidden_address(node))
            stack.extend(reversed(node.contents))
        elif type(node) in (NavigableString, CData):
            parts.append(str(node))
    return "".join(parts)


def _hidden_address(link: Tag) -> str:
    """`` <address>`` for a mailto link whose text does not show its address."""
    href = link.get("href")
    if not isinstance(href, str) or href.strip()[:7].casefold() != "mailto:":
        return ""
    address = valid_email(href.split("?", 1)[0])
    if not address or address.casefold() in link.get_text().casefold():
        return ""
    return f" <{address}>"


def name_key(name: str) -> str:
    """How names compare: case and spacing do not tell two people apart."""
    return " ".join(name.casefold().split())
