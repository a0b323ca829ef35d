"""The ``followup`` command: set-up, inspection and overrides.

Exit codes: 0 success; 1 a backend could not be read or written (nothing was
changed by the failing step); 2 a configuration or usage error, one line per
problem. Every ``FollowupError`` is turned into text in ``_fail``; a user never
sees a traceback for a problem they can fix.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import click

from daemon import __version__
from daemon.app import logs, status_view
from daemon.app.coach import ListingRecorder, Written, review, template_lines, user_lines
from daemon.app.coached import CoachedEngine
from daemon.app.config import describe as describe_settings
from daemon.app.config import find_config, load_settings, starter_config
from daemon.app.health import service_health, service_lines
from daemon.app.status import application_statuses, debrief_lines, explain_events
from daemon.app.wiring import build_engine, open_state
from daemon.compose.composer import Composer
from daemon.domain.errors import BackendError, ConfigError, FollowupError
from daemon.domain.model import OwnKind
from daemon.domain.ports import Port
from daemon.domain.settings import Settings
from daemon.engine.cycle import CycleReport, Engine
from daemon.engine.rebuild import last_report
from daemon.planning.actions import CreateDraft, PutOwnEvent
from daemon.reading.interviews import application_key
from daemon.store.state import StateStore

log = logging.getLogger("followup")

#: Named crash point to die at (tests of crash safety); never set in production.
CRASH_ENV = "FOLLOWUP_CRASH_AT"


@dataclass
class Invocation:
    """What every command of one ``followup`` run shares: the config, read once."""

    config_path: Path | None
    _settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            path = find_config(self.config_path, os.environ)
            self._settings = load_settings(path, os.environ)
        return self._settings


@dataclass(frozen=True)
class _Session:
    settings: Settings
    now: datetime
    store: StateStore
    #: What the backends take as "now": moved by ``--now`` too.
    clock: Callable[[], datetime] | None

    def engine(self, crash_point: Callable[[str], None] | None = None) -> Engine:
        return build_engine(self.settings, self.store, crash_point, self.clock)


@contextmanager
def _session(obj: Invocation, now_text: str | None) -> Iterator[_Session]:
    """Settings, the moment, and the open state store, for one command; errors as one line."""
    with _user_errors():
        settings = obj.settings
        now = _parse_now(now_text, settings)
        store = open_state(settings)
        try:
            with store.guarded():
                yield _Session(settings, now, store, _clock(now_text, now))
        finally:
            store.close()


def _fail(error: FollowupError) -> NoReturn:
    if isinstance(error, ConfigError):
        for problem in error.problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(2)
    click.echo(f"error: {error}", err=True)
    sys.exit(1)


@contextmanager
def _user_errors() -> Iterator[None]:
    try:
        yield
    except FollowupError as error:
        _fail(error)
    except sqlite3.Error as error:
        # Busy or damaged state file: say so, no traceback.
        _fail(BackendError(f"state file: {error}"))


def _parse_now(value: str | None, settings: Settings) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 time (e.g. 2026-12-01T09:00+01:00)", param_hint="--now"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=settings.profile.timezone)
    return moment


def _clock(now_text: str | None, now: datetime) -> Callable[[], datetime] | None:
    """With ``--now``, the calendar's own idea of now (its window) moves too."""
    return (lambda: now) if now_text is not None else None


def _report_problems(report: CycleReport) -> None:
    """Item problems are warnings; a calendar or mailbox that failed is an error, exit 1."""
    failed = {f"{port.value}:" for port in report.failed}
    for problem in report.problems:
        is_error = problem.split(" ", 1)[0] in failed
        click.echo(f"{'error' if is_error else 'warning'}: {problem}", err=True)
    if report.failed:
        sys.exit(1)


def _crash_point() -> Callable[[str], None] | None:
    target = os.environ.get(CRASH_ENV)
    if not target:
        return None

    def crash(name: str) -> None:
        if name == target:
            os.kill(os.getpid(), signal.SIGKILL)

    return crash


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Config file (default: $FOLLOWUP_CONFIG, else ~/.config/interview-followup/config.toml).",
)
@click.option(
    "-v", "--verbose", count=True, help="Log what each cycle does (-vv: debugging detail)."
)
@click.version_option(__version__, prog_name="followup")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, verbose: int) -> None:
    """Thank-you drafts after every interview, and weekly follow-up calls until decided."""
    logs.setup(verbose)
    ctx.obj = Invocation(config_path)


@cli.command()
@click.option("--force", is_flag=True, help="Overwrite an existing config file.")
@click.pass_obj
def init(obj: Invocation, force: bool) -> None:
    """Write a starter config file to edit."""
    path = find_config(obj.config_path, os.environ)
    if path.exists() and not force:
        click.echo(f"error: {path} exists (use --force to overwrite)", err=True)
        sys.exit(2)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(starter_config(), encoding="utf-8")
    path.chmod(0o600)
    click.echo(
        f"wrote {path}: edit [profile], [calendar] and [drafts], then run `followup check-config`"
    )


@cli.command("check-config")
@click.pass_obj
def check_config(obj: Invocation) -> None:
    """Check the config file and show what it resolves to."""
    with _user_errors():
        settings = obj.settings
    for line in describe_settings(settings):
        click.echo(line)
    click.echo("ok")


@cli.command()
@click.option("--now", "now_text", metavar="ISO8601", help="Pretend it is this time.")
@click.option("--dry-run", is_flag=True, help="Print the plan; write nothing.")
@click.pass_obj
def once(obj: Invocation, now_text: str | None, dry_run: bool) -> None:
    """Run one cycle: read the calendar, make drafts and calls, then exit."""
    with _session(obj, now_text) as session:
        coached = CoachedEngine(session.engine(_crash_point()))
        report = coached.cycle(session.now, dry_run=dry_run)
    for reply in coached.replies.replies:
        click.echo(f"reply: {reply}: the next call waits a week")
    if dry_run:
        for action in report.planned:
            if action.shown:
                click.echo(action.describe())
        if not report.planned:
            click.echo("nothing to do")
    elif Port.CALENDAR not in report.failed:
        click.echo(
            f"{report.drafts_created} drafts created ({report.late_drafts} late), "
            f"{report.calls_created} calls scheduled, {report.calls_removed} calls removed, "
            f"{report.drafts_gone} drafts sent or discarded"
            + "".join(
                f", {count} {kind} events added"
                for kind, count in sorted(report.created.items())
                if kind is not OwnKind.CALL
            )
        )
    _report_problems(report)


@cli.command()
@click.pass_context
def run(ctx: click.Context) -> None:
    """Run cycles every [service] interval_minutes until stopped (the systemd service)."""
    from daemon.app.service import run_service

    verbosity = int(ctx.find_root().params.get("verbose") or 0)
    sys.exit(run_service(find_config(ctx.obj.config_path, os.environ), os.environ, verbosity))


@cli.command("install-service")
@click.option("--hardened", is_flag=True, help="Also install the stronger-hardening drop-in.")
@click.option("--print", "print_only", is_flag=True, help="Print the unit; install nothing.")
@click.pass_obj
def install_service(obj: Invocation, hardened: bool, print_only: bool) -> None:
    """Install the systemd user unit that runs `followup run` with this config."""
    from daemon.app.install import install

    with _user_errors():
        install(
            find_config(obj.config_path, os.environ),
            obj.settings,
            os.environ,
            hardened=hardened,
            print_only=print_only,
        )


@cli.command()
@click.option("--now", "now_text", metavar="ISO8601", help="Pretend it is this time.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--health",
    "with_health",
    is_flag=True,
    help="With --json: an object with the service's health and the applications.",
)
@click.pass_obj
def status(obj: Invocation, now_text: str | None, as_json: bool, with_health: bool) -> None:
    """Show every application: drafts, calls, decisions."""
    if not as_json:  # first, and even when the state cannot be opened
        with _user_errors():
            click.echo("\n".join(service_lines(obj.settings)))
    elif with_health:
        with _user_errors():
            health = service_health(obj.settings)
    with _session(obj, now_text) as session:
        settings = session.settings
        try:
            composer: Composer | None = Composer(settings.templates_dir, coach=settings.coach)
        except ConfigError as error:
            # Status still shows everything else; the templates' problem is said once.
            click.echo(f"warning: {'; '.join(error.problems)}", err=True)
            composer = None
        statuses = application_statuses(session.store, session.now, settings, composer)
        quarantined = session.store.quarantine.entries()
        set_aside = [
            e
            for e in explain_events(session.store.events.events(), settings)
            if not e.detection.interview
        ]
        rebuilt = last_report(session.store)
    if as_json:
        applications = [s.to_json() for s in statuses]
        if with_health:
            rebuild = {"at": rebuilt[0].isoformat(), "lines": rebuilt[1]} if rebuilt else None
            document = {"service": health, "applications": applications, "rebuilt": rebuild}
            click.echo(json.dumps(document, indent=2))
        else:
            click.echo(json.dumps(applications, indent=2))
        return
    zone = settings.profile.timezone
    if rebuilt is not None:
        click.echo(f"state rebuilt {rebuilt[0].astimezone(zone):%a %Y-%m-%d %H:%M %Z}:")
        for line in rebuilt[1]:
            click.echo(f"  {line}")
    status_view.show(statuses, settings.profile.timezone, click.echo)
    for event in set_aside:
        click.echo(f"not followed up: {event.line()}")
    for entry in quarantined:
        click.echo(f"skipped: {entry.item}: {entry.reason} (seen {entry.count}x)")


@cli.command()
@click.argument("company")
@click.option(
    "--outcome",
    type=click.Choice(["offer", "rejected", "withdrawn", "other"]),
    default="other",
    show_default=True,
)
@click.option("--now", "now_text", metavar="ISO8601", help="Pretend it is this time.")
@click.pass_obj
def decide(obj: Invocation, company: str, outcome: str, now_text: str | None) -> None:
    """Mark an application decided: stop its follow-ups and remove future calls."""
    with _session(obj, now_text) as session:
        store = session.store
        key = application_key(company)
        companies = store.companies()
        if key not in companies:
            known = ", ".join(sorted(companies.values())) or "none yet"
            raise ConfigError([f"no application for {company!r} (known: {known})"])
        with store.transaction():
            store.record_decision(key, outcome, "cli", session.now)
        report = CoachedEngine(session.engine()).cycle(session.now)
    click.echo(
        f"{companies[key]}: decided ({outcome}); {report.calls_removed} future calls removed"
    )
    _report_problems(report)


@cli.command()
@click.option("--now", "now_text", metavar="ISO8601", help="Pretend it is this time.")
@click.pass_obj
def preview(obj: Invocation, now_text: str | None) -> None:
    """Show the drafts and calls the next cycle would make; write nothing."""
    with _session(obj, now_text) as session:
        settings = session.settings
        engine = session.engine()
        recorder = ListingRecorder(engine.calendar)
        engine.calendar = recorder
        report = engine.cycle(session.now, dry_run=True)
        if Port.CALENDAR in report.failed:
            _report_problems(report)  # exits 1: there is nothing to preview
        composer, interviews = engine.composer, report.interviews
        written: dict[str, Written] = {}
        shown = 0
        for action in report.planned:
            if isinstance(action, CreateDraft):
                subject, body = composer.compose_note(
                    interviews[action.interview_uid],
                    action.person,
                    settings.profile,
                    variant=action.variant,
                    late=action.late,
                )
                click.echo(f"=== draft to {action.person.name} <{action.person.email}>")
                click.echo(f"Subject: {subject}\n\n{body}\n")
                written.setdefault(action.interview_uid, Written([])).notes.append(
                    (action.person, body)
                )
                shown += 1
            elif isinstance(action, PutOwnEvent):
                text = composer.compose_own(
                    action.kind,
                    interviews[action.interview_uid],
                    action.person,
                    settings.profile,
                    start=action.start,
                )
                local = action.start.astimezone(settings.profile.timezone)
                click.echo(
                    f"=== {action.kind} {local:%a %Y-%m-%d %H:%M %Z}: {text.title}\n"
                    f"{text.description}\n"
                )
                if action.kind is OwnKind.CALL:
                    written.setdefault(
                        action.interview_uid, Written([])
                    ).call_script = text.description
                shown += 1
        if not shown:
            click.echo("nothing would be created now")
        for debrief in debrief_lines(session.store.snapshot()):
            click.echo(status_view.debrief_text(debrief, settings.profile.timezone))
        for line in _explanations(engine, settings):
            click.echo(line)
        events = recorder.events(session.store.events.events())
        own = session.store.ledger.own()
        templates = template_lines(settings.templates_dir)
        for uid, texts in written.items():
            interview = interviews[uid]
            sources = [*user_lines(interview, events, own), *templates]
            for line in review(interview, texts, settings, sources).lines():
                click.echo(f"coach: {interview.title}: {line}")
    _report_problems(report)


def _explanations(engine: Engine, settings: Settings) -> list[str]:
    """Why each event counts as an interview or not, from a fresh listing of the calendar."""
    try:
        events = engine.calendar.changes(None).events
    except BackendError:
        return []  # the cycle above has reported the calendar's problem already
    explained = explain_events(events, settings)
    if not explained:
        return []
    return ["=== which events are interviews", *(f"{e.line()}" for e in explained)]


@cli.group()
def auth() -> None:
    """Connect an account: authorize the service and store its token."""


@auth.command("google")
@click.option(
    "--client-secrets",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="The OAuth client file from Google Cloud (default: [google] client_secrets).",
)
@click.option(
    "--no-browser",
    is_flag=True,
    help="Print the address to open elsewhere and read back the one the browser lands on.",
)
@click.pass_obj
def auth_google(obj: Invocation, client_secrets: Path | None, no_browser: bool) -> None:
    """Authorize Google Calendar and Gmail drafts, with the narrowest scopes the config needs."""
    from daemon.app.backends import Port
    from daemon.app.registry import registry

    with _user_errors():
        settings = obj.settings
        provider = registry().providers.get("google")
        authorize = provider.authorize if provider is not None else None
        if provider is None or authorize is None:
            raise ConfigError(["google: this installation has no Google backend"])
        used = [
            choice.backend
            for port, choice in ((Port.CALENDAR, settings.calendar), (Port.DRAFTS, settings.drafts))
            if (backend := registry().backend(port, choice.backend)) is not None
            and backend.provider == provider.name
        ]
        if not used:
            raise ConfigError(
                [
                    'google: neither [calendar] backend = "google" nor [drafts] backend = "gmail"'
                    " is set in the config; set the one(s) you want first"
                ]
            )
        lines = authorize(
            settings.providers.get(provider.name, {}),
            backends=used,
            client_secrets=client_secrets,
            no_browser=no_browser,
            ask=lambda text: click.prompt(text, err=True),
            say=lambda text: click.echo(text, err=True),
            read_mail=settings.coach.replies,
        )
    for line in lines:
        click.echo(line)


def main(args: list[str] | None = None) -> None:
    """The console script: usage errors as one line and exit 2, like config errors."""
    try:
        cli.main(args=args, prog_name="followup", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as error:
        click.echo(error.format_message(), err=True)
        sys.exit(2)
    except click.UsageError as error:
        command = error.ctx.command_path if error.ctx else "followup"
        click.echo(f"error: {error.format_message()} (see `{command} --help`)", err=True)
        sys.exit(2)
    except click.ClickException as error:
        click.echo(f"error: {error.format_message()}", err=True)
        sys.exit(error.exit_code)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
