"""Reading the bytes of a calendar: a local file or an http(s)/webcal URL.

Both are bounded in size and (for URLs) in time, because a feed is untrusted
and a service that polls it must not hang or fill memory. Errors become
``BackendError`` naming the source; a URL is named by its host only, since
calendar subscription URLs carry their secret in the path (Google's
``private-<token>/basic.ics``).
"""

from __future__ import annotations

import http.client
import os
import re
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from daemon import __version__
from daemon.domain.errors import BackendError
from integrations.ics.urls import SCHEMES, is_url

_CHUNK = 64 * 1024
_ANY_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"]+")


def describe(location: str | Path) -> str:
    """How a source is named in messages and logs: never with a URL's path or query."""
    text = str(location)
    if not is_url(text):
        return text
    try:
        parts = urllib.parse.urlsplit(text)
        host = parts.hostname or "?"
    except ValueError:  # "http://[::1" and other malformed hosts
        return text.split(":", 1)[0] + "://?/…"
    port = f":{parts.port}" if _safe_port(parts) else ""
    return f"{parts.scheme}://{host}{port}/…"


def read_local(path: Path, max_bytes: int) -> bytes:
    """The file's bytes; ``FileNotFoundError`` is left to the caller, who knows if it matters."""
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > max_bytes:
            raise BackendError(f"{path}: {size} bytes is more than the limit of {max_bytes}")
        # Read one byte past the limit: a FIFO or a growing file has no honest st_size.
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise BackendError(f"{path}: more than the limit of {max_bytes} bytes")
    return data


def fetch_url(url: str, max_bytes: int, timeout: float) -> bytes:
    """GET ``url`` within ``timeout`` seconds in total and at most ``max_bytes``."""
    name = describe(url)
    deadline = time.monotonic() + timeout
    try:
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked by _http_url
            _http_url(url),
            headers={
                "User-Agent": f"interview-followup/{__version__}",
                "Accept": "text/calendar, */*;q=0.1",
            },
        )
        with _opener().open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length is not None and length.isdigit() and int(length) > max_bytes:
                raise BackendError(f"{name}: {length} bytes is more than the limit of {max_bytes}")
            chunks: list[bytes] = []
            received = 0
            while True:
                # read1 returns what has arrived, so a trickling server meets the deadline.
                chunk = response.read1(_CHUNK)
                if not chunk:
                    break
                received += len(chunk)
                if received > max_bytes:
                    raise BackendError(f"{name}: more than the limit of {max_bytes} bytes")
                if time.monotonic() > deadline:
                    raise BackendError(f"{name}: no complete answer within {timeout:g} s")
                chunks.append(chunk)
    except urllib.error.HTTPError as error:
        raise BackendError(f"{name}: HTTP {error.code} {_reason(error.reason, url)}") from None
    except urllib.error.URLError as error:
        raise BackendError(f"{name}: {_reason(error.reason, url)}") from None
    except (OSError, http.client.HTTPException, ValueError) as error:
        # TimeoutError, ConnectionResetError, IncompleteRead, a malformed URL ...
        raise BackendError(f"{name}: {type(error).__name__}: {_reason(error, url)}") from None
    return b"".join(chunks)


def _http_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)  # ValueError for a malformed host
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise BackendError(f"{describe(url)}: only http, https and webcal URLs are read")
    # webcal:// is a subscription hint that calendar apps resolve to https.
    if scheme in ("webcal", "webcals"):
        parts = parts._replace(scheme="https")
    return urllib.parse.urlunsplit(parts)


def _opener() -> urllib.request.OpenerDirector:
    """An opener for http(s) only: no file:// or ftp:// even behind a redirect."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(context=ssl.create_default_context()),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _reason(reason: object, url: str) -> str:
    """An exception's text, one line, without the URL's secret parts.

    http.client quotes the request target in some errors ("URL can't contain
    control characters. '/private-…'"), so the path, query and credentials
    are cut out wherever they appear.
    """
    lines = str(reason).splitlines()
    text = lines[0] if lines else type(reason).__name__
    try:
        parts = urllib.parse.urlsplit(url)
        secrets = [url, parts.path, parts.query, parts.netloc]
    except ValueError:
        secrets = [url, url.split("://", 1)[-1]]
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) > 1:
            text = text.replace(secret, "…")
    # Other URLs, such as a redirect's target, are named by scheme and host only.
    text = _ANY_URL.sub(
        lambda match: (
            describe(match.group(0))
            if is_url(match.group(0))
            else match.group(0).split("://", 1)[0] + "://…"
        ),
        text,
    )
    return text[:200]


def _safe_port(parts: urllib.parse.SplitResult) -> int | None:
    try:
        return parts.port
    except ValueError:
        return None
