"""What ``check-config`` says about the Google account: the token, its scopes, whether it works."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from integrations.google import scopes, tokens
from integrations.google.errors import AUTH_COMMAND, is_invalid_grant

#: check-config waits this long for Google's token endpoint.
_CHECK_TIMEOUT = 15.0


def describe_account(options: Mapping[str, Any]) -> list[tuple[str, str]]:
    if "token_path" not in options:
        # Its defaults are filled in only when a backend uses the account.
        return [("google", 'not used (no [calendar] backend = "google" or [drafts] "gmail")')]
    path = Path(options["token_path"])
    calendar_ids = tuple(options.get("calendar_ids", (scopes.PRIMARY,)))
    calls = str(options.get("calls_calendar", scopes.PRIMARY))
    calendar_scope = scopes.calendar_scope(calendar_ids, calls)
    lines = [
        ("google calendars", f"reading {', '.join(calendar_ids)}; calls written to {calls}"),
        (
            "google scopes",
            f"needs {scopes.short(calendar_scope)} (Google Calendar),"
            f" {scopes.short(scopes.GMAIL_COMPOSE)} (Gmail drafts)",
        ),
    ]
    if options.get("endpoint"):
        lines.append(("google endpoint", f"{options['endpoint']} (tests only)"))
    try:
        data = tokens.read_token(path)
    except FileNotFoundError:
        return [*lines, ("google token", f"missing at {path}: run `{AUTH_COMMAND}`")]
    except (OSError, ValueError) as error:
        return [*lines, ("google token", f"unreadable at {path} ({error}): run `{AUTH_COMMAND}`")]
    mode = path.stat().st_mode & 0o777
    loose = f"; WARNING: mode {mode:o}, should be 600" if mode & 0o077 else ""
    lines.append(("google token", f"{path}{loose}"))
    granted = tokens.granted_scopes(data)
    lines.append(("token scopes", ", ".join(scopes.short(s) for s in granted) or "(none listed)"))
    for label, needed in (("Google Calendar", calendar_scope), ("Gmail", scopes.GMAIL_COMPOSE)):
        if granted and scopes.missing([needed], granted):
            lines.append(
                ("token missing", f"{scopes.short(needed)} for {label}: run `{AUTH_COMMAND}`")
            )
    lines.append(("token refresh", _refreshes(data, options)))
    return lines


def _refreshes(data: dict[str, Any], options: Mapping[str, Any]) -> str:
    """Whether Google accepts the refresh token now (one request to its token endpoint)."""
    if not data.get("refresh_token"):
        return f"no refresh token in the file: run `{AUTH_COMMAND}`"
    from google.auth import exceptions
    from google.oauth2.credentials import Credentials
    from google_auth_httplib2 import Request

    from integrations.google.http import GuardedHttp
    from integrations.google.session import GoogleOptions

    try:
        credentials = Credentials.from_authorized_user_info(data)  # type: ignore[no-untyped-call]
        token_uri = GoogleOptions.of(options).token_uri(data.get("token_uri"))
        credentials = credentials.with_token_uri(token_uri)
        credentials.refresh(Request(GuardedHttp(timeout=_CHECK_TIMEOUT, token_uri=token_uri)))
    except exceptions.RefreshError as error:
        if is_invalid_grant(error):
            return f"FAILS: revoked or expired (invalid_grant): run `{AUTH_COMMAND}`"
        return f"FAILS: {error}"
    except (exceptions.TransportError, OSError, ValueError) as error:
        return f"not checked: Google could not be reached ({type(error).__name__})"
    return "ok"
