"""Pytest fixtures for the Google stand-in; import them into a conftest.py:

from tests.google_standin.fixtures import google_standin, google_credentials  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .server import DEFAULT_SCOPES, GoogleStandIn


@pytest.fixture
def google_standin() -> Iterator[GoogleStandIn]:
    """A fresh, running stand-in per test (its own port, empty calendars and mailbox)."""
    with GoogleStandIn() as standin:
        yield standin


@pytest.fixture
def google_credentials(google_standin: GoogleStandIn) -> Any:
    """google-auth Credentials with the least-privilege scopes the product asks for."""
    return google_standin.credentials(DEFAULT_SCOPES)
