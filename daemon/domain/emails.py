"""E-mail addresses: the one grammar shared by the config, the notes parser and the draft builder.

An address is accepted exactly when a draft can carry it in ``From:`` or ``To:``. Before
this, ``check-config`` accepted addresses that every draft then failed on, and the notes
parser and the message builder each had their own pattern. Syntax is checked by
`email-validator <https://pypi.org/project/email-validator/>`_, never by DNS: the service
works offline, and an address that exists today may not tomorrow (the user reviews every
draft anyway).

The decisions, and why:

* **Plain ``local@domain`` only.** No quoted local parts, comments, IP literals or display
  names: legal in RFC 5322, never needed for a person's address, and each is syntax that
  can smuggle a second recipient into a header. So CR, LF, spaces, commas, quotes and
  angle brackets are refused wherever they stand.
* **No ``=?`` anywhere.** ``=?utf-8?q?...?=@example.com`` is a valid dot-atom, but Python's
  ``email`` reads it as an RFC 2047 encoded word; on 3.11.7 a decoded CR/LF becomes a real
  header (CVE-2024-6923, notes/security.md).
* **The part before the @ is ASCII.** Python's ``email`` (3.11) refuses a non-ASCII local
  part under every policy, ``SMTPUTF8`` included (``NonASCIILocalPartDefect``), so no draft
  can carry ``jörg@example.de``; IMAP would also need ``UTF8=ACCEPT`` (RFC 9755, was
  6855) to store one. Refusing it in the config says so once, instead of quarantining
  every draft.
* **It starts with a letter or a digit.** A leading ``-`` reads as an option to
  sendmail-style tools, and leading ``'``, ``*`` or ``_`` is what wraps an address in free
  text (``'dana@acme.com'``, ``*dana@acme.com*``): the notes parser drops it, so it cannot
  be part of an address there, nor anywhere else.
* **Internationalised domains are accepted, in their ASCII form.** ``user@bücher.example``
  is carried as ``user@xn--bcher-kva.example`` (IDNA 2008 with UTS #46 mapping): plain
  ASCII, which Gmail, IMAP, a Maildir and every mail server take. Given the Unicode form,
  Python's ``email`` writes the domain as an encoded word (``user@=?utf-8?q?b=C3=BCcher?=``),
  which RFC 2047 forbids there and no mail server reads.
* **A domain has a dot and a real-looking top-level domain**: two or more letters, or an
  ``xn--`` label. No top-level domain has one letter or a digit, so ``me@example.c`` is a
  typo.
* **Special-use names.** The names reserved for documentation and tests (``example.com``,
  ``.example``, ``.test``; RFC 2606, RFC 6761) are accepted: they are never assigned to
  anyone, the examples and tests use them, and a draft to one reaches no one.
  ``.invalid``, ``.local``, ``.localhost``, ``.onion`` and ``.arpa`` are refused, as
  email-validator does by default: no mail can ever be delivered there.
* **Normalised form**: the domain lowercased and in ASCII, the local part as written (a
  mailbox name may be case-sensitive, RFC 5321 section 2.4). Two addresses are the same
  person's when they match with the local part case-folded too, as mail systems treat them
  in practice.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

#: RFC 5321 limits a path to 256 octets, so an address to 254; anything much longer is
#: refused before the validator spends time on it (descriptions are hostile input).
MAX_ADDRESS_LENGTH = 254

#: Controls (CR, LF, tab), format characters (zero-width, bidi) and line/paragraph separators.
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp"})
#: RFC 5322 specials that build a display name, a comment, a group or a second address.
_SPECIALS = frozenset('<>()[]:;,"\\')
_TOP_LEVEL = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")


@dataclass(frozen=True, order=True)
class EmailAddress:
    """An address a draft can carry, in its normalised form."""

    local_part: str
    #: ASCII (IDNA ``xn--`` labels for an internationalised domain), lowercase.
    domain: str

    def __str__(self) -> str:
        return f"{self.local_part}@{self.domain}"

    @property
    def key(self) -> str:
        """The form addresses are compared in: ``Dana@ACME.com`` is ``dana@acme.com``."""
        return str(self).casefold()


class AddressError(ValueError):
    """``text`` is not an address a draft can carry; ``reason`` says why, as a sentence."""

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
        super().__init__(f"{_shown(text)} is not an e-mail address a draft can carry: {reason}")


def parse_address(text: str) -> EmailAddress:
    """``text`` as an address, or ``AddressError``.

    Spaces and tabs around the address are ignored; any other whitespace, a ``mailto:``
    prefix, a display name or angle brackets are not: callers that read those forms take
    them apart first.
    """
    found = _parse(text.strip(" \t"))
    if isinstance(found, str):
        raise AddressError(text, found)
    return found


def is_address(text: str) -> bool:
    return not isinstance(_parse(text.strip(" \t")), str)


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> EmailAddress | str:
    """The address, or the reason it is not one. Cached: the notes of every event are read
    again each cycle, and the same few addresses recur in them."""
    if not text:
        return "it is empty"
    if len(text) > MAX_ADDRESS_LENGTH:
        return f"it is longer than {MAX_ADDRESS_LENGTH} characters"
    if any(unicodedata.category(char) in _INVISIBLE for char in text):
        return "it contains a line break or another invisible character"
    if any(char in _SPECIALS for char in text):
        return (
            "write the address alone, without a name, quotes, brackets, a mailto: prefix"
            " or a second address"
        )
    if any(char.isspace() for char in text):
        return "it contains a space"
    if text.count("@") != 1:
        return "it must have exactly one @, like you@example.com"
    if "=?" in text:
        return 'it contains "=?", which mail programs read as an encoded word'
    local, domain = text.split("@")
    if local and not local.isascii():
        return (
            "the part before the @ must be plain ASCII: drafts are built as standard"
            " messages, which cannot carry an internationalised mailbox name (SMTPUTF8)"
        )
    if local and not (local[0].isascii() and local[0].isalnum()):
        return "the part before the @ must start with a letter or a digit"
    if "." not in domain:
        return "the part after the @ must have a dot, like example.com"
    if any(not (char.isalnum() or char in ".-") for char in domain):
        return (
            "the part after the @ may hold only letters, digits, hyphens and dots"
            " (no underscores or other punctuation)"
        )
    try:
        checked = validate_email(
            text,
            check_deliverability=False,  # no DNS: syntax only
            allow_smtputf8=False,
            allow_quoted_local=False,
            allow_domain_literal=False,
            allow_display_name=False,
            allow_empty_local=False,
            strict=True,  # the 64-character limit of the local part, too
            globally_deliverable=True,
            test_environment=True,  # accept the reserved .test names
        )
    except EmailNotValidError as exc:
        return _sentence(str(exc))
    top_level = checked.ascii_domain.rpartition(".")[2]
    if not _TOP_LEVEL.fullmatch(top_level):
        return (
            f"{top_level!r} is not a top-level domain: it must have two or more letters,"
            " like .com or .de"
        )
    return EmailAddress(local_part=local, domain=checked.ascii_domain)


def _sentence(message: str) -> str:
    """email-validator's message as the tail of ours: "An email address cannot ..." reads
    as a sentence on its own, so only its first letter and final period change."""
    message = message.rstrip(".")
    return message[:1].lower() + message[1:]


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 80 else f"{text[:77]!r}… ({len(text)} characters)"
