"""The mail that carries a note: built so no text from an invitation can add a header.

On this Python (3.11.7) the ``email`` package does not guarantee that by itself
(CVE-2024-6923, notes/security.md), so every header is built from cleaned plain
strings, recipients only through ``Address``, and each message is parsed back
and checked before anyone stores it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime

from daemon.domain.emails import AddressError, parse_address
from daemon.domain.errors import ItemError
from daemon.domain.ports import KEY_HEADER
from daemon.reading.text import clean_line

#: Every header a generated message has, and no other.
MESSAGE_HEADERS: tuple[str, ...] = (
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    KEY_HEADER,
)

#: Bounds on header text: long enough for any real name or subject, short enough
#: that the folding code never has to split a single enormous word.
NAME_LIMIT = 100
SUBJECT_LIMIT = 200

_MESSAGE_ID_DOMAIN = "interview-followup.invalid"


# --- Plain text ---------------------------------------------------------------


def clean_header_text(text: str, *, limit: int) -> str:
    """Text that is safe as a header value or display name.

    Besides ``daemon.reading.text.clean_line`` (no control, format or line-separator
    characters, whitespace collapsed), RFC 2047 encoded-word syntax is broken up:
    ``email`` on 3.11.7 decodes encoded words in the values it is given, and one
    that decodes to CR/LF becomes a real header (CVE-2024-6923).
    """
    # The closer "?=" goes too: 3.11's folder mangles encoded words it writes next
    # to one (harmless for the headers, but the subject would read garbled).
    return clean_line(text, limit).replace("=?", "= ?").replace("?=", "? =")


# RFC 5322 specials that can make address syntax (",", "<>", ":;", "@", quotes,
# comments, domain literals). Only "." is kept: "J. Smith" needs it, and alone it
# cannot build an address.
_ADDRESS_SPECIALS = re.compile(r'[()<>\[\]:;@\\,"]')


def clean_display_name(text: str) -> str:
    """A display name that is safe even where ``email`` drops its quotes.

    ``Address`` quotes a name with specials, but on 3.11.7 folding a long quoted
    name writes it unquoted: ``"Eve, x <x@evil.com>"`` of 80 characters comes out
    as a second recipient. Without the specials nothing in a name can be read as
    an address, folded or not. ``"Lee, Dana"`` becomes ``"Lee Dana"``.
    """
    return " ".join(_ADDRESS_SPECIALS.sub(" ", clean_header_text(text, limit=NAME_LIMIT)).split())


def clean_body(text: str) -> str:
    """A plain-text body: ``\\n`` line ends, no control characters but tab, no trailing blanks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(
        char for char in text if char in "\n\t" or unicodedata.category(char) not in ("Cc", "Cs")
    )
    return tidy(kept)


def tidy(text: str) -> str:
    """Trim trailing blanks and runs of empty lines that template conditionals leave."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


# --- Addresses and keys -------------------------------------------------------

# Keys go verbatim into a header and a Message-ID: a dot-atom short enough that the
# key header fits on one 78-character line, because a folded value reads back with
# leading blanks and an overlong one would be wrapped as encoded words.
_KEY = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*")
_KEY_LIMIT = 78 - len(f"{KEY_HEADER}: ")


def checked_address(address: str, *, what: str = "address") -> str:
    """``address`` in the normalised form a header carries, else ``ItemError``.

    The grammar of ``daemon.domain.emails``, which the config and the notes parser use
    too: one plain ``local@domain`` (no name, comment, quotes, second address, ``=?`` or
    line break), an ASCII local part, an internationalised domain as ``xn--`` labels.
    """
    try:
        return str(parse_address(address))
    except AddressError as exc:
        raise ItemError(f"{what}: {exc}") from exc


def _checked_key(key: str) -> str:
    if len(key) > _KEY_LIMIT or not _KEY.fullmatch(key):
        raise ItemError(f"draft key {key[:80]!r} is not a plain token of at most {_KEY_LIMIT}")
    return key


def message_id(key: str) -> str:
    """The Message-ID of the draft with ``key``: computable from the key alone.

    An adapter that lost the answer to a write can look the draft up by it
    (Gmail's ``rfc822msgid:`` search) without knowing who sent it. ``.invalid``
    is reserved (RFC 2606), so it never collides with a real message.
    """
    return f"<{_checked_key(key)}@{_MESSAGE_ID_DOMAIN}>"


# --- Messages -----------------------------------------------------------------


def build_message(
    *,
    key: str,
    sender_name: str,
    sender_email: str,
    to_name: str,
    to_email: str,
    subject: str,
    body: str,
    now: datetime,
) -> EmailMessage:
    """A plain-text UTF-8 draft to exactly one recipient, carrying ``key``.

    Raises ``ItemError`` when an address or the key is unusable, or when the
    generated message does not parse back to exactly what was meant.
    """
    if now.utcoffset() is None:
        raise ValueError("now must be time-zone aware")
    sender = _address(sender_name, sender_email, "sender")
    recipient = _address(to_name, to_email, "recipient")
    message = EmailMessage(policy=policy.default)
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = clean_header_text(subject, limit=SUBJECT_LIMIT)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(key)
    message[KEY_HEADER] = key
    text = clean_body(body)
    # 8bit keeps a draft readable as a file (``cat`` in a Maildir); quoted-printable
    # only when a line is beyond what 8bit allows (998 octets).
    fits = all(len(line.encode()) <= 998 for line in text.splitlines())
    message.set_content(text, charset="utf-8", cte="8bit" if fits else "quoted-printable")
    _verify(message, sender, recipient, key)
    return message


def message_bytes(message: EmailMessage, *, linesep: str = "\n") -> bytes:
    """The message as stored: ``\\n`` line ends for files, ``\\r\\n`` for IMAP."""
    return message.as_bytes(policy=message.policy.clone(linesep=linesep))


def parse_message(raw: bytes) -> EmailMessage:
    """Parse stored bytes with the modern policy (typed headers, ``get_content``)."""
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(parsed, EmailMessage)  # policy.default's message factory
    return parsed


def stored_keys(header_part: bytes) -> set[str]:
    """The key header values of a stored message, from its header part (or all of it).

    Compared whole (never as substrings) after unfolding, so key ``ab`` never
    matches a draft keyed ``abc``, and a mail client that refolded the header
    still finds its draft.
    """
    parsed = BytesParser(policy=policy.default).parsebytes(header_part, headersonly=True)
    return set(_key_values(parsed))


def check_draft_key(key: str, message: EmailMessage) -> None:
    """``ItemError`` unless ``message`` carries exactly ``key``: a store finds drafts by it."""
    if _key_values(message) != [key]:
        raise ItemError(f"draft {key[:40]!r}: the message does not carry that key in {KEY_HEADER}")


def _key_values(message: EmailMessage) -> list[str]:
    return [str(value).strip() for value in message.get_all(KEY_HEADER, [])]


def _address(name: str, email: str, what: str) -> Address:
    addr_spec = checked_address(email, what=f"{what} address")
    try:
        return Address(display_name=clean_display_name(name), addr_spec=addr_spec)
    except (ValueError, IndexError) as exc:  # email's own parser refusing the addr-spec
        raise ItemError(f"{what} address {addr_spec!r} is not usable: {exc}") from exc


def _verify(message: EmailMessage, sender: Address, recipient: Address, key: str) -> None:
    """Parse the generated bytes back: the header set and the one recipient must be exact.

    Cleaning is the defence; this is the proof, per message, against the next
    folding or encoded-word bug in ``email``. A message that fails is never stored.
    """
    parsed = parse_message(message_bytes(message))
    names = sorted(name.lower() for name in parsed)
    if names != sorted(name.lower() for name in MESSAGE_HEADERS):
        raise ItemError(f"generated message has unexpected headers: {sorted(set(parsed))}")
    for field, meant in (("From", sender), ("To", recipient)):
        found = [a.addr_spec for a in parsed[field].addresses]
        if found != [meant.addr_spec]:
            raise ItemError(f"generated message has {field} {found}, not {meant.addr_spec!r}")
    check_draft_key(key, parsed)


# --- Notes and call scripts ---------------------------------------------------
