"""Printable cards for handwritten thank-you notes (``[coach] handwritten``).

A card is print-ready HTML (no PDF library needed: every browser prints it),
laid out for a folded A6 / 4x6 card: the envelope, then the note's text to copy
by hand. Names, titles and addresses come from invitations, which other people
write: the card template is rendered with HTML escaping on, unlike the
plain-text templates.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined

from daemon.domain.model import Interview, Person
from daemon.domain.settings import Profile
from daemon.reading.text import clean_line

CARD_TEMPLATE = "card.html.j2"
_SLUG_LIMIT = 40


def slug(text: str) -> str:
    """ASCII words joined by hyphens: safe in any file system, never a path."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words)[:_SLUG_LIMIT].strip("-")


def card_name(interview: Interview, person: Person, profile: Profile) -> str:
    """The card's file name: the day, the company, the person, and a short digest.

    The digest keeps two people of one name (or names no slug can spell) apart,
    and stays the same for the same person of the same interview.
    """
    day = interview.start.astimezone(profile.timezone).date()
    digest = hashlib.sha256(
        "\x1f".join((interview.uid, person.name, person.email, person.address)).encode()
    ).hexdigest()[:6]
    parts = [day.isoformat(), slug(interview.company) or "company", slug(person.name) or "person"]
    return f"{'-'.join(parts)}-{digest}.html"


def address_lines(address: str) -> list[str]:
    """A postal address as the lines of an envelope ("12 Main St, Springfield" -> two)."""
    separated = re.split(r"\s*(?:\n|;|,)\s*", address)
    return [clean_line(line, 120) for line in separated if clean_line(line)]


def render_card(
    interview: Interview,
    person: Person,
    body: str,
    profile: Profile,
    templates_dir: Path | None = None,
) -> str:
    """The card's HTML: escaped values only, whatever the invitation held."""
    loaders: list[FileSystemLoader | PackageLoader] = []
    if templates_dir is not None and (templates_dir / CARD_TEMPLATE).is_file():
        loaders.append(FileSystemLoader(templates_dir))
    loaders.append(PackageLoader("daemon.compose", "templates"))
    env = Environment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    day: datetime = interview.start.astimezone(profile.timezone)
    return env.get_template(CARD_TEMPLATE).render(
        name=clean_line(person.name, 120),
        title=clean_line(person.title, 120),
        company=clean_line(interview.company, 120),
        address_lines=address_lines(person.address),
        body_lines=[clean_line(line) for line in body.splitlines()],
        interview_day=f"{day:%A}, {day:%B} {day.day}",
        your_name=clean_line(profile.name),
    )
