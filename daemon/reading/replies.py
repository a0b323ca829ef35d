"""Telling a genuine reply from the employer apart from mail that only looks like one.

A reply postpones the next follow-up call (calling a day after someone wrote
back reads as pushy), so a false positive costs little and a false negative a
little more. What is never a reply: automatic answers (RFC 3834's
``Auto-Submitted``, the older ``X-Autoreply``/``X-Autorespond``, ``Precedence:
auto_reply``/``bulk``/``list``, out-of-office wording in the subject or the first
words), bounces (an empty ``Return-Path``, ``mailer-daemon``/``postmaster``
senders, delivery-status reports) and the user's own mail. Only headers and a
short preview are read; nothing here is logged.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import getaddresses

from daemon.domain.ports import InboxMessage
from daemon.reading.text import clean_line, email_domain, email_key

#: Local parts of bounce and system senders.
_SYSTEM_SENDERS = frozenset({"mailer-daemon", "postmaster", "mail-daemon", "bounce", "bounces"})

#: Subjects of automatic answers and bounces, in the languages employers commonly write in.
_AUTOMATIC_SUBJECT = re.compile(
    r"\b(?:out of (?:the )?office|automatic reply|auto(?:matic)?[- ]?(?:reply|response)"
    r"|autoreply|abwesenheit\w*|automatische antwort|réponse automatique|absence"
    r"|respuesta automática|undeliverable|undelivered|delivery status notification"
    r"|delivery failure|mail delivery failed|returned mail|failure notice)\b"
    r"|^\s*auto:",
    re.IGNORECASE,
)

#: Out-of-office wording in the first words of a message.
_OUT_OF_OFFICE = re.compile(
    r"\b(?:i am|i'm|i’m|currently) (?:currently )?(?:out of (?:the )?office|away|on (?:vacation|"
    r"holiday|leave|annual leave|parental leave))"
    r"|\b(?:limited|no) access to (?:my )?e-?mail\b"
    r"|\bwill (?:respond|reply|get back to you) (?:to your (?:e-?mail|message) )?(?:when|upon|"
    r"after) (?:i|my) return"
    r"|\bthis is an automatic(?:ally generated)? (?:reply|response|message)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Verdict:
    genuine: bool
    #: Why not, for tests and for status ("an automatic reply"); empty when genuine.
    reason: str = ""


def sender_address(message: InboxMessage) -> tuple[str, str]:
    """(display name, address) of the ``From`` header; ("", "") when it has none."""
    pairs = getaddresses([message.sender])
    if not pairs or not pairs[0][1] or "@" not in pairs[0][1]:
        return "", ""
    name, address = pairs[0]
    return clean_line(name, 100), email_key(address)


def judge(message: InboxMessage, own_addresses: Collection[str]) -> Verdict:
    """Whether ``message`` is a person's reply (and if not, why not)."""
    headers = {name.lower(): value.strip() for name, value in message.headers.items()}
    _, address = sender_address(message)
    if not address:
        return Verdict(False, "no sender address")
    own = {email_key(a) for a in own_addresses if a}
    if message.sent_by_user or address in own:
        return Verdict(False, "your own mail")
    local = address.partition("@")[0]
    return_path = headers.get("return-path")
    content_type = headers.get("content-type", "").lower()
    if (
        local in _SYSTEM_SENDERS
        or return_path in ("<>", "")
        or "report-type=delivery-status" in content_type.replace(" ", "")
        or "x-failed-recipients" in headers
    ):
        return Verdict(False, "a bounce")
    auto_submitted = headers.get("auto-submitted", "no").lower()
    precedence = headers.get("precedence", "").lower()
    if (
        auto_submitted.split(";")[0].strip() not in ("", "no")
        or "x-autoreply" in headers
        or "x-autorespond" in headers
        or "x-autoresponder" in headers
        or precedence in ("auto_reply", "bulk", "junk", "list")
        or headers.get("x-auto-response-suppress", "").lower() in ("all", "oof")
    ):
        return Verdict(False, "an automatic reply")
    if _AUTOMATIC_SUBJECT.search(message.subject) or _OUT_OF_OFFICE.search(message.preview):
        return Verdict(False, "an out-of-office or delivery notice")
    return Verdict(True)


def from_employer(address: str, addresses: Collection[str], domains: Collection[str]) -> bool:
    """Whether ``address`` is one of the people, or at one of the employer's domains.

    The domain must match exactly or as a parent (``mail.acme.example`` is Acme's),
    never as a substring (``notacme.example`` is not).
    """
    key = email_key(address)
    if key in {email_key(a) for a in addresses}:
        return True
    domain = email_domain(key)
    return any(domain == d or domain.endswith("." + d) for d in domains if d)


def display(name: str, address: str) -> str:
    """``Dana Lee <dana@acme.example>`` for status, quoted properly."""
    try:
        return str(Address(display_name=name, addr_spec=address))
    except (ValueError, IndexError):
        return address
