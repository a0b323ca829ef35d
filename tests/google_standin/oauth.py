"""OAuth 2.0 as Google's token endpoint and API front door behave.

Refresh tokens are grants (a client, a set of scopes); access tokens are short-lived and carry
the scopes they were issued for. `google.oauth2.credentials.Credentials` with
`token_uri=<stand-in>/token` refreshes against `/token` exactly as it would against
oauth2.googleapis.com, and a revoked grant answers `invalid_grant`, which google-auth raises as
`RefreshError`.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .discovery import Method
from .errors import ApiError, OAuthError

ACCESS_TOKEN_LIFETIME = timedelta(hours=1)
FULL_GMAIL = "https://mail.google.com/"
GMAIL_METADATA = "https://www.googleapis.com/auth/gmail.metadata"


@dataclass
class Grant:
    refresh_token: str
    client_id: str
    scopes: frozenset[str]
    revoked: bool = False


@dataclass
class AccessToken:
    token: str
    grant: Grant
    scopes: frozenset[str]
    expires: datetime
    revoked: bool = False


@dataclass
class AuthorizationCode:
    code: str
    client_id: str
    redirect_uri: str
    scopes: frozenset[str]


class TokenStore:
    def __init__(self, clock: Callable[[], datetime], client_id: str, client_secret: str) -> None:
        self._clock = clock
        self._lock = threading.RLock()
        self.client_id = client_id
        self.client_secret = client_secret
        self.grants: dict[str, Grant] = {}
        self.access: dict[str, AccessToken] = {}
        self.codes: dict[str, AuthorizationCode] = {}

    # ---- issuing --------------------------------------------------------------------------

    def issue(self, scopes: Iterable[str]) -> tuple[str, str]:
        """A fresh grant: (access token, refresh token)."""
        with self._lock:
            grant = Grant(
                "1//standin-" + secrets.token_urlsafe(24), self.client_id, frozenset(scopes)
            )
            self.grants[grant.refresh_token] = grant
            return self._access_for(grant, grant.scopes).token, grant.refresh_token

    def _access_for(self, grant: Grant, scopes: frozenset[str]) -> AccessToken:
        token = AccessToken(
            "ya29.standin-" + secrets.token_urlsafe(24),
            grant,
            scopes,
            self._clock() + ACCESS_TOKEN_LIFETIME,
        )
        self.access[token.token] = token
        return token

    def authorization_code(self, client_id: str, redirect_uri: str, scopes: Iterable[str]) -> str:
        with self._lock:
            code = "4/standin-" + secrets.token_urlsafe(16)
            self.codes[code] = AuthorizationCode(code, client_id, redirect_uri, frozenset(scopes))
            return code

    # ---- world actions --------------------------------------------------------------------

    def revoke(self, refresh_token: str | None = None) -> None:
        """Revoke one grant (or all): refreshing answers invalid_grant, its access tokens 401."""
        with self._lock:
            for grant in self.grants.values():
                if refresh_token is None or grant.refresh_token == refresh_token:
                    grant.revoked = True
            for token in self.access.values():
                if token.grant.revoked:
                    token.revoked = True

    def expire(self, access_token: str | None = None) -> None:
        """Expire one access token (or all), as an hour passing would."""
        with self._lock:
            for token in self.access.values():
                if access_token is None or token.token == access_token:
                    token.expires = self._clock() - timedelta(seconds=1)

    # ---- the token endpoint ---------------------------------------------------------------

    def token_endpoint(self, form: Mapping[str, str]) -> dict[str, Any]:
        with self._lock:
            if (
                form.get("client_id") != self.client_id
                or form.get("client_secret") != self.client_secret
            ):
                raise OAuthError(401, "invalid_client", "The OAuth client was not found.")
            grant_type = form.get("grant_type")
            if grant_type == "refresh_token":
                grant = self.grants.get(form.get("refresh_token", ""))
                if grant is None or grant.revoked:
                    raise OAuthError(400, "invalid_grant", "Token has been expired or revoked.")
                scopes = grant.scopes
                if form.get("scope"):
                    asked = frozenset(form["scope"].split())
                    if not asked <= grant.scopes:
                        raise OAuthError(
                            400, "invalid_scope", "Some requested scopes were not granted."
                        )
                    scopes = asked
                token = self._access_for(grant, scopes)
                return self._answer(token, refresh_token=None)
            if grant_type == "authorization_code":
                code = self.codes.pop(form.get("code", ""), None)
                if code is None or code.redirect_uri != form.get("redirect_uri", code.redirect_uri):
                    raise OAuthError(400, "invalid_grant", "Malformed auth code.")
                access, refresh = self.issue(code.scopes)
                return self._answer(self.access[access], refresh_token=refresh)
            raise OAuthError(400, "unsupported_grant_type", f"Invalid grant_type: {grant_type}")

    def _answer(self, token: AccessToken, refresh_token: str | None) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "access_token": token.token,
            "expires_in": int((token.expires - self._clock()).total_seconds()) - 1,
            "scope": " ".join(sorted(token.scopes)),
            "token_type": "Bearer",
        }
        if refresh_token is not None:
            answer["refresh_token"] = refresh_token
        return answer

    # ---- the API front door ---------------------------------------------------------------

    def authorize(self, method: Method, authorization: str | None) -> AccessToken:
        """The caller's token, or 401 (unknown, expired, revoked) / 403 (scopes do not cover it)."""
        with self._lock:
            token = None
            if authorization and authorization.startswith("Bearer "):
                token = self.access.get(authorization.removeprefix("Bearer ").strip())
            if token is None or token.revoked or token.expires <= self._clock():
                raise ApiError(
                    401,
                    "Request had invalid authentication credentials. Expected OAuth 2 access "
                    "token, login cookie or other valid authentication credential.",
                    "authError",
                    location="Authorization",
                    location_type="header",
                    headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'},
                )
            if not token.scopes & method.scopes:
                raise ApiError(
                    403,
                    "Request had insufficient authentication scopes.",
                    "insufficientPermissions",
                    headers={
                        "WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", '
                        'error="insufficient_scope", scope="'
                        + " ".join(sorted(method.scopes))
                        + '"'
                    },
                )
            return token
