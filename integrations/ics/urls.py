"""Which locations are URLs the .ics adapter reads, shared by its settings check and its reader.

``webcal://`` and ``webcals://`` are a calendar app's way of saying "subscribe
over HTTP(S)"; the reader fetches them as https.
"""

from __future__ import annotations

SCHEMES = ("http", "https", "webcal", "webcals")


def is_url(location: str) -> bool:
    return location.split(":", 1)[0].strip().lower() in SCHEMES and "://" in location
