"""`followup auth google`: the consent flow against the stand-in, the token file, check-config."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import httplib2
import pytest

from daemon.domain.errors import BackendError
from integrations.google.auth import authorize, scopes_for
from integrations.google.status import describe_account
from integrations.google.tokens import save_token
from tests.google_standin import (
    CALENDAR_EVENTS,
    CALENDAR_EVENTS_OWNED,
    GMAIL_COMPOSE,
    GoogleStandIn,
)

from .conftest import Google, needs_engine

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def plain_http_token_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    # The stand-in's token endpoint is http://127.0.0.1; oauthlib wants https otherwise.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def client_secrets(standin: GoogleStandIn, folder: Path) -> Path:
    path = folder / "client_secret.json"
    path.write_text(json.dumps(standin.client_config()))
    return path


def consent(said: str) -> str:
    """What the user does in the browser: open the address, allow, copy where it lands."""
    url = re.search(r"^(http\S+)$", said, flags=re.MULTILINE)
    assert url, said
    http = httplib2.Http()
    http.follow_redirects = False
    response, _ = http.request(url[1])
    assert response.status == 302
    return str(response["location"])


class Terminal:
    def __init__(self) -> None:
        self.said: list[str] = []

    def say(self, text: str) -> None:
        self.said.append(text)

    def ask(self, prompt: str) -> str:
        return consent("\n".join(self.said))


def test_the_paste_back_flow_saves_a_private_token_with_the_narrowest_scopes(
    google: Google, standin: GoogleStandIn, tmp_path: Path
) -> None:
    token_path = tmp_path / "data" / "token.json"
    terminal = Terminal()

    lines = authorize(
        {"token_path": token_path},
        backends=["google", "gmail"],
        client_secrets=client_secrets(standin, tmp_path),
        no_browser=True,
        ask=terminal.ask,
        say=terminal.say,
    )

    data = json.loads(token_path.read_text())
    assert data["refresh_token"] and data["token_uri"] == standin.token_uri
    assert sorted(data["scopes"]) == sorted([CALENDAR_EVENTS_OWNED, GMAIL_COMPOSE])
    assert stat.S_IMODE(token_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(token_path.parent.stat().st_mode) == 0o700
    assert lines[0] == f"saved the token to {token_path} (readable by you only)"
    assert "offline" in "\n".join(terminal.said)  # asks for a refresh token

    # The service works with what was saved.
    calendar = google.calendar(google.session(token_path=token_path))
    assert calendar.changes(None).complete


def test_scopes_follow_the_backends_and_calendars_configured() -> None:
    assert scopes_for({}, ["google"]) == [CALENDAR_EVENTS_OWNED]
    assert scopes_for({}, ["gmail"]) == [GMAIL_COMPOSE]
    assert scopes_for(
        {"calendar_ids": ("primary", "team@group.calendar.google.com")}, ["google"]
    ) == [CALENDAR_EVENTS]
    assert scopes_for({"calls_calendar": "calls@group.calendar.google.com"}, ["google"]) == [
        CALENDAR_EVENTS
    ]


def test_a_pasted_address_that_is_not_the_redirect_saves_nothing(
    standin: GoogleStandIn, tmp_path: Path
) -> None:
    token_path = tmp_path / "token.json"
    with pytest.raises(BackendError, match="nothing was saved"):
        authorize(
            {"token_path": token_path},
            backends=["gmail"],
            client_secrets=client_secrets(standin, tmp_path),
            no_browser=True,
            ask=lambda prompt: "https://accounts.google.com/o/oauth2/auth?foo=1",
            say=lambda text: None,
        )
    assert not token_path.exists()


def test_a_refused_consent_saves_nothing(standin: GoogleStandIn, tmp_path: Path) -> None:
    token_path = tmp_path / "token.json"
    with pytest.raises(BackendError, match="access_denied"):
        authorize(
            {"token_path": token_path},
            backends=["gmail"],
            client_secrets=client_secrets(standin, tmp_path),
            no_browser=True,
            ask=lambda prompt: "http://127.0.0.1:1/?error=access_denied",
            say=lambda text: None,
        )
    assert not token_path.exists()


def test_saving_tightens_a_loose_folder_and_replaces_the_file_whole(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    path = folder / "token.json"
    path.write_text("{}")
    path.chmod(0o644)
    save_token(path, '{"refresh_token": "r"}')
    assert json.loads(path.read_text()) == {"refresh_token": "r"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [p.name for p in folder.iterdir()] == ["token.json"]  # no temporary file left
    with pytest.raises(ValueError):
        save_token(path, "not json")
    assert json.loads(path.read_text()) == {"refresh_token": "r"}


def test_check_config_reports_the_token_its_scopes_and_whether_it_refreshes(
    google: Google, standin: GoogleStandIn
) -> None:
    options = {"token_path": google.token_path, "endpoint": standin.url}
    lines = dict(describe_account(options))
    assert lines["google token"] == str(google.token_path)
    assert lines["token scopes"] == "calendar.events.owned, gmail.compose"
    assert lines["token refresh"] == "ok"
    assert "token missing" not in lines

    standin.revoke_refresh_token()
    lines = dict(describe_account(options))
    assert lines["token refresh"].startswith("FAILS: revoked or expired (invalid_grant)")


def test_check_config_names_a_missing_scope(google: Google, standin: GoogleStandIn) -> None:
    from .conftest import write_token

    write_token(standin, google.token_path, (CALENDAR_EVENTS_OWNED,))
    lines = describe_account(
        {"token_path": google.token_path, "endpoint": standin.url, "calendar_ids": ("primary",)}
    )
    assert (
        "token missing",
        "gmail.compose for Gmail: run `followup auth google --client-secrets FILE`",
    ) in lines


@needs_engine
def test_the_command_runs_the_paste_back_flow(standin: GoogleStandIn, tmp_path: Path) -> None:
    token_path = tmp_path / "token.json"
    config = tmp_path / "config.toml"
    config.write_text(
        '[calendar]\nbackend = "google"\n[drafts]\nbackend = "gmail"\n'
        f'[google]\ntoken_path = "{token_path}"\nendpoint = "{standin.url}"\n'
    )
    command = [
        sys.executable,
        "-m",
        "daemon",
        "--config",
        str(config),
        "auth",
        "google",
        "--client-secrets",
        str(client_secrets(standin, tmp_path)),
        "--no-browser",
    ]
    environ = {**os.environ, "OAUTHLIB_INSECURE_TRANSPORT": "1", "HOME": str(tmp_path)}
    with subprocess.Popen(
        command,
        cwd=ROOT,
        env=environ,
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stderr is not None and process.stdin is not None
        said = ""
        while not re.search(r"^http\S+$", said, flags=re.MULTILINE):
            line = process.stderr.readline()
            assert line, said
            said += line
        process.stdin.write(consent(said) + "\n")
        process.stdin.flush()
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert f"saved the token to {token_path}" in out
    assert json.loads(token_path.read_text())["refresh_token"]
