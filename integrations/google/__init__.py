"""The Google backends: Google Calendar (``backend = "google"``) and Gmail drafts (``"gmail"``).

Both use one Google account, declared here as the ``google`` provider with its
``[google]`` table; the composition root opens one session for both. This module
only declares; Google's libraries load when a backend is opened (or when
``check-config`` looks at the token), so a configuration of local backends
never imports them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from daemon.app import checks
from daemon.app.backends import Backend, OpenContext, Port, Provider, Setting
from integrations.google import scopes, tokens

__all__ = ["BACKENDS", "PROVIDER"]


def _calendar_ids(value: object, ctx: checks.CheckContext) -> tuple[str, ...]:
    ids = checks.line_list(value, ctx)
    if not ids:
        raise checks.Invalid('must name at least one calendar, like ["primary"] (got [])')
    return ids


def _endpoint(value: object, ctx: checks.CheckContext) -> str:
    if not isinstance(value, str) or urlsplit(value).scheme not in ("http", "https"):
        raise checks.Invalid(f"expected an http(s):// URL (got {checks.show(value)})")
    if not urlsplit(value).hostname:
        raise checks.Invalid(f"expected a URL with a host name (got {checks.show(value)})")
    return value.rstrip("/")


def _finish(values: dict[str, Any], ctx: checks.CheckContext) -> list[tuple[str, str]]:
    values.setdefault("token_path", tokens.default_token_path(ctx.environ))
    values.setdefault("calendar_ids", (scopes.PRIMARY,))
    values.setdefault("calls_calendar", scopes.PRIMARY)
    return []


def _open_session(context: OpenContext) -> object:
    from integrations.google.session import GoogleOptions, GoogleSession

    return GoogleSession(GoogleOptions.of(context.options))


def _open_calendar(context: OpenContext) -> object:
    from integrations.google.calendar import GoogleCalendar
    from integrations.google.session import GoogleSession

    assert isinstance(context.session, GoogleSession), "opened without its provider's session"
    return GoogleCalendar(context.session, timezone=context.timezone, clock=context.clock)


def _open_drafts(context: OpenContext) -> object:
    from integrations.google.draft_record import FILE_NAME, DraftRecord
    from integrations.google.gmail import GmailDraftStore
    from integrations.google.session import GoogleSession

    assert isinstance(context.session, GoogleSession), "opened without its provider's session"
    folder = Path(context.state_dir) if context.state_dir is not None else None
    return GmailDraftStore(context.session, DraftRecord(folder / FILE_NAME if folder else None))


def _describe(options: Mapping[str, Any]) -> list[tuple[str, str]]:
    from integrations.google.status import describe_account

    return describe_account(options)


def _authorize(options: Mapping[str, Any], **kwargs: Any) -> list[str]:
    from integrations.google.auth import authorize

    return authorize(options, **kwargs)


PROVIDER = Provider(
    name="google",
    description="a Google account (Google Calendar and Gmail drafts)",
    settings={
        "client_secrets": Setting(
            checks.local_path,
            "The OAuth client file (client_secret_….json) downloaded from Google Cloud;"
            " `followup auth google` reads it when --client-secrets is not given."
            " Default: none.",
            example="~/Downloads/client_secret.json",
        ),
        "token_path": Setting(
            checks.local_path,
            "Where the OAuth token is kept (mode 0600, folder 0700)."
            " Default: $XDG_DATA_HOME/interview-followup/google-token.json.",
            example="~/.local/share/interview-followup/google-token.json",
        ),
        "calendar_ids": Setting(
            _calendar_ids,
            "The calendars interviews are read from; any id other than primary needs the"
            ' broader calendar.events scope. Default: ["primary"].',
            example='["primary"]',
        ),
        "calls_calendar": Setting(
            checks.line,
            "The calendar follow-up calls and debriefs are written to. Default: primary.",
            example="primary",
        ),
        "endpoint": Setting(
            _endpoint,
            "For tests only: a stand-in server's URL in place of Google's."
            " Default: Google's servers.",
            example="http://127.0.0.1:8089",
        ),
    },
    finish=_finish,
    open_session=_open_session,
    describe=_describe,
    authorize=_authorize,
)

BACKENDS = (
    Backend(
        name="google",
        port=Port.CALENDAR,
        description="Google Calendar (set up with `followup auth google`)",
        open=_open_calendar,
        describe=lambda options: [("calendar", "google (see [google] below)")],
        provider="google",
    ),
    Backend(
        name="gmail",
        port=Port.DRAFTS,
        description="Gmail drafts (set up with `followup auth google`)",
        open=_open_drafts,
        describe=lambda options: [("drafts", "gmail (see [google] below)")],
        provider="google",
    ),
)
