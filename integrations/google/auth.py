"""``followup auth google``: the consent flow, and the token it leaves behind.

With a browser on this machine, google-auth-oauthlib's local redirect server
catches Google's answer. Without one (a server over SSH), the user opens the
printed address anywhere, consents, and pastes back the address the browser
was sent to; the code in it is exchanged here. Either way the token is saved
as JSON, atomically, mode 0600, in a 0700 folder (``tokens.save_token``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from daemon.domain.errors import BackendError, ConfigError
from integrations.google import scopes as scope_names
from integrations.google import tokens

#: Where Google sends the browser in the paste-back flow. Nothing listens there:
#: the browser shows an error page, and its address bar holds the code.
PASTE_REDIRECT = "http://127.0.0.1:1/"


def scopes_for(
    options: Mapping[str, Any], backends: Sequence[str], *, read_mail: bool = False
) -> list[str]:
    """The narrowest scopes for the backends that use the account.

    ``read_mail`` (``[coach] replies = true``) adds ``gmail.readonly`` to Gmail's
    scopes, to see employers' replies; without it the inbox is never asked for.
    """
    wanted: list[str] = []
    if "google" in backends:
        ids = tuple(options.get("calendar_ids", (scope_names.PRIMARY,)))
        calls = str(options.get("calls_calendar", scope_names.PRIMARY))
        wanted.append(scope_names.calendar_scope(ids, calls))
    if "gmail" in backends:
        wanted.append(scope_names.GMAIL_COMPOSE)
        if read_mail:
            wanted.append(scope_names.GMAIL_READONLY)
    return wanted


def authorize(
    options: Mapping[str, Any],
    *,
    backends: Sequence[str],
    client_secrets: Path | None,
    no_browser: bool,
    ask: Callable[[str], str],
    say: Callable[[str], None],
    read_mail: bool = False,
) -> list[str]:
    """Run the consent flow for ``backends`` and store the token; lines to show the user."""
    from google_auth_oauthlib.flow import InstalledAppFlow
    from oauthlib.oauth2.rfc6749.errors import OAuth2Error

    secrets = client_secrets or options.get("client_secrets")
    if secrets is None:
        raise ConfigError(
            [
                "google.client_secrets: give --client-secrets FILE (the OAuth client file"
                " downloaded from Google Cloud) or set it in [google]"
            ]
        )
    wanted = scopes_for(options, backends, read_mail=read_mail)
    if not wanted:
        raise ConfigError(
            [
                'no backend uses Google: set [calendar] backend = "google"'
                ' or [drafts] backend = "gmail" first'
            ]
        )
    # Google may grant fewer scopes than asked (the user can untick one); that is
    # reported below instead of failing inside oauthlib.
    os.environ.setdefault("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")
    try:
        flow = InstalledAppFlow.from_client_secrets_file(str(secrets), scopes=wanted)
    except (OSError, ValueError, KeyError) as error:
        raise ConfigError([f"{secrets}: not a usable OAuth client file ({error})"]) from None
    try:
        if no_browser:
            _paste_back(flow, ask, say)
        else:
            flow.run_local_server(
                host="localhost",
                port=0,
                open_browser=True,
                authorization_prompt_message="Opening your browser; if it does not open, visit:"
                "\n{url}\n",
                success_message="interview-followup is connected. You can close this tab.",
                access_type="offline",
                prompt="consent",
            )
    except OAuth2Error as error:
        raise BackendError(
            f"Google refused the authorization: {error.description or error}"
        ) from None
    except (OSError, ValueError) as error:
        raise BackendError(f"Google authorization failed: {error}") from None
    credentials = flow.credentials
    if not credentials.refresh_token:
        raise BackendError(
            "Google gave no refresh token; remove interview-followup's access at"
            " https://myaccount.google.com/permissions and run this again"
        )
    granted = _granted(flow, wanted)
    data = json.loads(credentials.to_json())
    data["scopes"] = granted
    path = Path(options.get("token_path") or tokens.default_token_path(os.environ))
    tokens.save_token(path, json.dumps(data))
    lines = [
        f"saved the token to {path} (readable by you only)",
        f"allowed: {', '.join(scope_names.short(s) for s in granted)}",
    ]
    missing = scope_names.missing(wanted, granted)
    if missing:
        lines.append(
            f"NOT allowed: {', '.join(scope_names.short(s) for s in missing)};"
            " run this again and tick every box"
        )
    return lines


def _paste_back(flow: Any, ask: Callable[[str], str], say: Callable[[str], None]) -> None:
    flow.redirect_uri = PASTE_REDIRECT
    url, _state = flow.authorization_url(access_type="offline", prompt="consent")
    say(
        "Open this address in a browser on any machine, sign in and allow access:\n\n"
        f"{url}\n\n"
        "The browser then fails to load a page on 127.0.0.1: that is expected."
        " Copy the whole address from its address bar and paste it here."
    )
    pasted = ask("Address").strip()
    query = parse_qs(urlsplit(pasted).query)
    if "error" in query:
        raise BackendError(f"Google answered: {query['error'][0]} (nothing was saved)")
    if not pasted.startswith(PASTE_REDIRECT.rstrip("/")) or "code" not in query:
        raise BackendError(
            f"that is not the address Google sent the browser to (it starts with {PASTE_REDIRECT}"
            " and holds code=...); nothing was saved"
        )
    # oauthlib insists on https for the answer; a loopback http redirect is what
    # Google uses for desktop apps (run_local_server does the same).
    # The client's id and secret go in the form, as Google's guide for installed apps
    # shows them (requests-oauthlib would otherwise send them as HTTP Basic).
    flow.fetch_token(
        authorization_response=pasted.replace("http://", "https://", 1), include_client_id=True
    )


def _granted(flow: Any, wanted: list[str]) -> list[str]:
    token = getattr(flow.oauth2session, "token", None) or {}
    granted = token.get("scope")
    if isinstance(granted, str):
        return granted.split()
    if isinstance(granted, list):
        return [str(s) for s in granted]
    return wanted
