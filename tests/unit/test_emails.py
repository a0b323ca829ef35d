"""One e-mail address grammar: the config, the notes parser and the draft builder agree.

Before it, ``check-config`` accepted ``jörg@example.de``, ``me@example.c`` and
``a..b@example.com``, and then every draft to or from them was quarantined.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daemon.app.config import load_settings
from daemon.compose.mime import build_message
from daemon.domain.emails import AddressError, EmailAddress, is_address, parse_address
from daemon.domain.errors import ConfigError, ItemError
from daemon.domain.model import Role
from daemon.reading.notes import parse_notes, parse_person
from daemon.reading.text import email_domain, find_emails, same_email, valid_email, visible_text

#: Address -> its normalised form, or None when no draft can carry it.
TABLE: dict[str, str | None] = {
    # accepted
    "dana@acme.com": "dana@acme.com",
    "dana.lee+jobs@mail.acme.co.uk": "dana.lee+jobs@mail.acme.co.uk",
    "Dana.Lee@ACME.COM": "Dana.Lee@acme.com",  # the domain lowercased, the mailbox kept
    "o'brien@example.ie": "o'brien@example.ie",
    "x_y-z@example.org": "x_y-z@example.org",
    "1234@example.net": "1234@example.net",
    "a" * 64 + "@example.com": "a" * 64 + "@example.com",
    "user@bücher.example": "user@xn--bcher-kva.example",  # IDN: carried as xn-- labels
    "user@XN--BCHER-KVA.example": "user@xn--bcher-kva.example",
    "ivan@пример.рф": "ivan@xn--e1afmkfd.xn--p1ai",
    "me@example.test": "me@example.test",  # reserved for tests (RFC 6761): kept
    "me@mail.example": "me@mail.example",
    # refused
    "jörg@example.de": None,  # non-ASCII mailbox name: email cannot build the header
    "ａlex@example.com": None,  # a full-width letter is not ASCII either
    "me@example.c": None,  # no one-letter top-level domain exists
    "me@example.c0m": None,
    "a..b@example.com": None,
    ".a@example.com": None,
    "a.@example.com": None,
    "-a@example.com": None,  # an option to sendmail-like tools
    "a" * 65 + "@example.com": None,  # RFC 5321: 64 octets before the @
    "a@" + "b" * 64 + ".com": None,  # a label has at most 63
    "me@test": None,
    "me@localhost": None,
    "me@printer.local": None,
    "me@x.invalid": None,
    "me@x.onion": None,
    "me@[192.0.2.1]": None,
    "me@under_score.com": None,
    "me@exa\u200bmple.com": None,  # a zero-width space hides in the domain
    "me@example\u3002com": None,  # an ideographic full stop
    # header injection: none of these may reach a header, or only in part
    "eve@evil.com\r\nBcc: x@y.com": None,
    "eve@evil.com\n": None,
    "=?utf-8?q?=0D=0ABcc=3A_x=40y=2Ecom?=@evil.com": None,
    "a=?b@evil.com": None,
    "eve@evil.com, alice@x.com": None,
    "eve@evil.com;alice@x.com": None,
    "Eve <eve@evil.com>": None,
    "<eve@evil.com>": None,
    '"eve"@evil.com': None,
    '"eve@evil.com"': None,
    "eve(comment)@evil.com": None,
    "eve @evil.com": None,
    "mailto:eve@evil.com": None,
    "eve@@evil.com": None,
    "eve@evil.com@x.com": None,
    "eve": None,
    "": None,
}
ISSUE_ADDRESSES = ["jörg@example.de", "me@example.c", "a..b@example.com"]

NOW = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)
KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string, escaped so that any character survives."""
    escaped = "".join(
        char
        if char.isascii() and char.isprintable() and char not in '"\\'
        else f"\\U{ord(char):08X}"
        for char in text
    )
    return f'"{escaped}"'


# --- the three places ----------------------------------------------------------------


def config_verdict(address: str, folder: Path) -> str | None:
    """What ``check-config`` makes of ``[profile] email``: the address, or None if refused."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(
        f"[profile]\nemail = {toml_string(address)}\n"
        '[calendar]\npath = "calendar.ics"\n[drafts]\npath = "Drafts"\n',
        encoding="utf-8",
    )
    try:
        found = load_settings(path, {"HOME": str(folder), "TZ": "UTC"})
    except ConfigError as error:
        assert [p.split(":")[0] for p in error.problems] == ["profile.email"]
        return None
    return found.profile.email


def notes_verdicts(address: str) -> list[str | None]:
    """What the notes parser reads as the person's address, in two ways of writing it.

    Accepted means taken exactly as written; the normalised form is then compared.
    """
    # A value that holds two addresses is two people: the first one is compared.
    met = parse_notes(f"Met: Dana Lee <{address}>", interview_date=date(2026, 12, 1)).people
    people = [
        parse_person(f"Dana Lee, VP Eng, {address}", Role.INTERVIEWER),
        met[0] if met else None,
    ]
    written = address.strip(" \t")
    return [
        str(parse_address(written)) if person and person.email and person.email == written else None
        for person in people
    ]


def mime_verdicts(address: str) -> list[str | None]:
    """The address a generated draft carries in To: and in From:, or None if refused."""
    found: list[str | None] = []
    for field, role in (("To", "to_email"), ("From", "sender_email")):
        emails = {"to_email": "dana@acme.com", "sender_email": "alex@example.com", role: address}
        try:
            message = build_message(
                key=KEY,
                sender_name="Alex Rivera",
                to_name="Dana Lee",
                subject="Thank you",
                body="Thanks.\n",
                now=NOW,
                **emails,
            )
        except ItemError:
            found.append(None)
            continue
        (carried,) = message[field].addresses
        found.append(carried.addr_spec)
    return found


def test_config_notes_and_drafts_agree_on_every_address(tmp_path: Path) -> None:
    for index, (address, expected) in enumerate(TABLE.items()):
        in_person_line, in_met_label = notes_verdicts(address)
        in_to, in_from = mime_verdicts(address)
        verdicts = {
            "parse_address": str(parse_address(address)) if is_address(address) else None,
            "config": config_verdict(address, tmp_path / str(index)),
            "notes (Name, Title, email)": in_person_line,
            "notes (Met: Name <email>)": in_met_label,
            "draft To": in_to,
            "draft From": in_from,
        }
        assert set(verdicts.values()) == {expected}, (address, verdicts)


@pytest.mark.parametrize("address", ISSUE_ADDRESSES)
def test_check_config_refuses_what_no_draft_can_carry(tmp_path: Path, address: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        f"[profile]\nemail = {toml_string(address)}\n"
        '[calendar]\npath = "c.ics"\n[drafts]\npath = "D"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {"HOME": str(tmp_path), "TZ": "UTC"})
    (problem,) = caught.value.problems
    assert problem.startswith("profile.email: expected an email address like you@example.com; ")
    assert repr(address) in problem


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("jörg@example.de", "must be plain ASCII"),
        ("me@example.c", "'c' is not a top-level domain"),
        ("a..b@example.com", "two periods in a row"),
        ("eve@evil.com\r\nBcc: x@y.com", "a line break"),
        ("Eve <eve@evil.com>", "without a name"),
        ("=?utf-8?q?x?=@evil.com", "encoded word"),
        ("-a@example.com", "start with a letter or a digit"),
        ("me@test", "must have a dot"),
        ("me@printer.local", "special-use or reserved name"),
    ],
)
def test_a_refused_address_says_why(address: str, reason: str) -> None:
    with pytest.raises(AddressError) as caught:
        parse_address(address)
    assert isinstance(caught.value, ValueError)
    assert caught.value.reason.find(reason) >= 0, caught.value.reason
    assert str(caught.value).startswith(f"{address!r} is not an e-mail address a draft can carry: ")


def test_a_hostile_long_address_is_shown_short() -> None:
    with pytest.raises(AddressError) as caught:
        parse_address("a" * 5000 + "@example.com")
    assert len(str(caught.value)) < 200


def test_the_normalised_form() -> None:
    address = parse_address("  Dana.Lee@Bücher.Example\t")
    assert address == EmailAddress(local_part="Dana.Lee", domain="xn--bcher-kva.example")
    assert str(address) == "Dana.Lee@xn--bcher-kva.example"
    assert address.key == "dana.lee@xn--bcher-kva.example"


# --- the notes parser: only addresses that pass ------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Met: Dana Lee, dana@acme.com, +1 617 555 0188", ["dana@acme.com"]),
        ("write to Dave@ACME.com.", ["Dave@ACME.com"]),  # a full stop ends the sentence
        (
            "'alice@acme.com' or *bob@acme.com* or _carol@acme.com_",
            ["alice@acme.com", "bob@acme.com", "carol@acme.com"],
        ),
        (
            "(sam@acme.com); <kim@acme.com>, mailto:lee@acme.com?subject=Hi",
            ["sam@acme.com", "kim@acme.com", "lee@acme.com"],
        ),
        ("user@bücher.example", ["user@bücher.example"]),  # as written; normalised later
        # Never a valid tail of an invalid address: not "rg@example.de", not "b@example.com".
        ("jörg@example.de", []),
        ("me@example.c and a..b@example.com", []),
        ("a@b@example.com", []),
        ("=?utf-8?q?=0D=0A?=@evil.com", []),  # nor "utf-8?q?=0D=0A?=@evil.com"
        ("%20eve@evil.com", []),
        ("eve@evil.com-x", []),
        ("me@printer.local", []),
    ],
)
def test_find_emails(text: str, found: list[str]) -> None:
    assert find_emails(text) == found


@pytest.mark.parametrize("address", ISSUE_ADDRESSES)
def test_a_mailto_link_to_an_unusable_address_gives_no_address(address: str) -> None:
    text = visible_text(f'<p>Met: <a href="mailto:{address}">Jörg Brandt</a></p>')
    assert find_emails(text) == []
    (person,) = parse_notes(text, interview_date=date(2026, 12, 1)).people
    assert (person.name, person.email) == ("Jörg Brandt", "")


ADDRESS_ALPHABET = st.sampled_from(list("aZ09.-_+'@<>,;:\"()[] \r\n=?ö\u200bü*/!#"))


@settings(max_examples=300, deadline=None)
@given(st.text(ADDRESS_ALPHABET, max_size=60) | st.text(max_size=60))
def test_every_address_found_passes_the_grammar(text: str) -> None:
    for address in find_emails(text):
        assert is_address(address) and address in text
        assert valid_email(address) == address


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.emails().map(str).filter(is_address))
def test_every_address_the_grammar_accepts_is_found_in_text(address: str) -> None:
    assert find_emails(f"Met: Dana Lee, {address}, +1 617 555 0188") == [address]
    assert find_emails(f"Dana Lee <{address}>. Thanks") == [address]


@settings(max_examples=500, deadline=None)
@given(st.text(ADDRESS_ALPHABET, max_size=40) | st.emails().map(str) | st.text(max_size=40))
def test_an_accepted_address_cannot_inject_a_header(text: str) -> None:
    try:
        address = parse_address(text)
    except AddressError:
        return
    shown = str(address)
    assert shown.isascii() and shown.isprintable()
    assert not any(char in shown for char in ' \t\r\n<>,;:"()[]\\') and "=?" not in shown
    assert parse_address(shown) == address  # the normalised form is a fixed point


# --- comparing and domains ---------------------------------------------------------------


def test_same_email_compares_normalised_forms() -> None:
    assert same_email("user@bücher.example", "USER@xn--bcher-kva.example")
    assert same_email("mailto:Dana@ACME.com", "dana@acme.com")
    assert not same_email("dana@acme.com", "dana@acme.co")
    assert not same_email("", "")
    assert same_email("not an address", "NOT AN ADDRESS")  # compared as written


def test_email_domain_is_ascii_and_lowercase() -> None:
    assert email_domain("Dana@ACME.com") == "acme.com"
    assert email_domain("user@bücher.example") == "xn--bcher-kva.example"
    assert email_domain("nobody") == ""


def test_no_dns_look_up_and_no_dns_library() -> None:
    """Syntax only: the service works offline; the DNS library is never even imported."""
    script = textwrap.dedent(
        """
        import importlib.abc, socket, sys

        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name == "dns" or name.startswith("dns."):
                    raise ImportError("dns imported")

        sys.meta_path.insert(0, Block())

        def refuse(*args, **kwargs):
            raise OSError("network used")

        socket.getaddrinfo = refuse
        socket.socket.connect = refuse
        from daemon.domain.emails import parse_address
        print(parse_address("dana@acme.com"), parse_address("user@bücher.example"))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["dana@acme.com", "user@xn--bcher-kva.example"]
