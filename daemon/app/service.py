"""``followup run``: the service loop, set and forget.

One ``schedule.Scheduler`` job runs a cycle every ``[service] interval_minutes``
(plus up to a tenth of jitter, so many installations do not poll in step).
Between cycles the loop sleeps on a pipe that the signal handlers write to, so
it wakes at once for SIGTERM/SIGINT (stop after the current cycle), SIGHUP
(reload the configuration; a bad one is reported and the old one kept), and at
least every ``MAX_SLEEP`` seconds (or half the watchdog period) to ping the
watchdog and to notice a clock jump: when the wall clock and the monotonic
clock disagree (suspend and resume, the clock set, a daylight-saving change
as the scheduler sees it) a cycle runs at once instead of at the next tick.

Problems that waiting cannot fix are needs-the-user states (``health``): the
service stays up, says what to do, makes no remote call that cannot succeed
(``gates``) and resumes by itself when the cause goes away. Only a second
instance on the same state, or a broken configuration when run by hand (not
under systemd), stop it from starting.

Stopping is cooperative between cycles: a cycle that is running when SIGTERM
arrives finishes (each of its writes is committed as it goes) and then the
process exits. A cycle over local files takes well under a second.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import signal
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from types import FrameType
from typing import Protocol

import click
import schedule

from daemon.app import logs
from daemon.app.config import default_state_path, load_settings
from daemon.app.desktop import announcer
from daemon.app.gates import UNREACHABLE_AFTER, Gate, Guard, local_paths, signature
from daemon.app.health import (
    AlreadyRunningError,
    Announce,
    Health,
    InstanceLock,
    LastError,
    probe_state_dir,
    state_fault,
    state_what_to_do,
)
from daemon.app.notify import Notifier
from daemon.domain.errors import BackendError, ConfigError
from daemon.domain.settings import ServiceSettings, Settings
from daemon.store.faults import StateError

log = logging.getLogger(__name__)

#: For tests and benchmarks only: the interval in (possibly fractional) seconds.
INTERVAL_ENV = "FOLLOWUP_INTERVAL_SECONDS"
#: Wall clock and monotonic clock disagreeing by more than this is a clock jump.
JUMP_TOLERANCE = 60.0
#: The loop wakes at least this often (to see a clock jump soon after a resume).
MAX_SLEEP = 30.0
#: Which engine attribute holds which backend's port.
PORTS = {"calendar": "calendar", "drafts": "draft_store"}

_WHAT_TO_DO = {
    "calendar": (
        "It is retried by itself; if it goes on, check [calendar] in the config"
        " (`followup check-config`) and that the calendar can be reached."
    ),
    "drafts": (
        "It is retried by itself; if it goes on, check [drafts] in the config"
        " (`followup check-config`) and that the mailbox can be reached and has room."
    ),
}
_LOCAL = (
    "Fix what the line names (a template or a setting: `followup check-config`,"
    " `followup preview` show it); the next cycle tries again."
)
_BUG = (
    "This is a bug in interview-followup: please report it with the lines from"
    " `journalctl --user -u interview-followup`; the next cycle tries again."
)


class Report(Protocol):
    """What the loop reads from a cycle (``engine.cycle.CycleReport``).

    A backend that failed as a whole shows as a problem line starting with its
    port (``calendar:``, ``drafts:``).
    """

    @property
    def problems(self) -> list[str]: ...
    @property
    def drafts_created(self) -> int: ...
    @property
    def late_drafts(self) -> int: ...
    @property
    def calls_created(self) -> int: ...
    @property
    def calls_removed(self) -> int: ...
    @property
    def drafts_gone(self) -> int: ...


class Engine(Protocol):
    def cycle(self, now: datetime) -> Report: ...


@dataclass
class Runtime:
    """What one configuration runs with: rebuilt when the configuration changes."""

    engine: Engine
    close: Callable[[], None]


OpenRuntime = Callable[[Settings], Runtime]


def open_runtime(settings: Settings) -> Runtime:
    """The real engine over the configured backends (imported late: only what is used)."""
    from daemon.app.coached import CoachedEngine
    from daemon.app.wiring import build_engine, open_state

    store = open_state(settings)
    try:
        engine = build_engine(settings, store)
    except BaseException:
        store.close()
        raise
    return Runtime(CoachedEngine(engine), store.close)


def _state_path(settings: Settings, environ: Mapping[str, str]) -> Path:
    return settings.state.path or default_state_path(environ)


def interval_seconds(settings: Settings | None, environ: Mapping[str, str]) -> float:
    override = environ.get(INTERVAL_ENV, "")
    with contextlib.suppress(ValueError):
        if float(override) > 0:
            return float(override)
    minutes = (settings.service if settings else ServiceSettings()).interval_minutes
    return minutes * 60.0


def summary(report: Report) -> str:
    """A cycle's work in a few words, for the journal and ``STATUS=``."""
    parts = []
    if report.drafts_created:
        late = f" ({report.late_drafts} late)" if report.late_drafts else ""
        parts.append(f"{report.drafts_created} new drafts{late}")
    if report.calls_created:
        parts.append(f"{report.calls_created} calls scheduled")
    if report.calls_removed:
        parts.append(f"{report.calls_removed} calls removed")
    if report.drafts_gone:
        parts.append(f"{report.drafts_gone} drafts sent or discarded")
    return ", ".join(parts) or "nothing new"


class Service:
    """The loop. ``run()`` is the whole life of ``followup run``; the parts are testable."""

    def __init__(
        self,
        config_path: Path,
        *,
        environ: Mapping[str, str],
        notifier: Notifier,
        open_runtime: OpenRuntime = open_runtime,
        load: Callable[[Path], Settings] | None = None,
        announce: Announce | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        local_now: Callable[[], datetime] = datetime.now,
        monotonic: Callable[[], float] | None = None,
        probe: Callable[[Path], str | None] = probe_state_dir,
    ) -> None:
        self.config_path = config_path
        self.environ = environ
        self.notifier = notifier
        self._open = open_runtime
        self._load = load or (lambda path: load_settings(path, environ))
        self._now = now
        # The scheduler's own clock is naive local time; a jump is judged on it.
        self._local_now = local_now
        self._monotonic = monotonic or time.monotonic
        self._probe = probe
        self.settings: Settings | None = None
        self.runtime: Runtime | None = None
        self._lock: InstanceLock | None = None
        self.health = Health(None, environ, started_at=now(), announce=announce)
        self.guards = {name: Guard(name, timedelta(minutes=5)) for name in PORTS}
        self.scheduler = schedule.Scheduler()
        self._job: schedule.Job | None = None
        self._interval = 0.0
        self.cycles = 0
        self.stop_requested = False
        self.reload_requested = False
        self._due_now = False
        self._config_signature = signature((str(config_path),))
        self._last_problems: set[str] = set()
        self._wake_read, self._wake_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._marks = (self._local_now(), self._monotonic())

    @property
    def supervised(self) -> bool:
        """Run by systemd: then a broken configuration is waited out, not exited on."""
        return bool(self.environ.get("NOTIFY_SOCKET") or self.environ.get("INVOCATION_ID"))

    # -- life ---------------------------------------------------------------------------

    def run(self) -> int:
        with self._signals():
            code = self.start()
            if code is not None:
                self.notifier.close()
                os.close(self._wake_read)
                os.close(self._wake_write)
                return code
            while not self.stop_requested:
                self.sleep(self.sleep_seconds())
                if self.stop_requested:
                    break
                self.tick()
            self.shutdown()
        return 0

    def start(self) -> int | None:
        """Load, lock, run the first cycle, say READY=1; an exit code if it must not run."""
        try:
            settings = self._load(self.config_path)
        except ConfigError as error:
            if not self.supervised:
                for problem in error.problems:
                    click.echo(f"error: {problem}", err=True)
                return 2
            self._config_broken(error)
        else:
            try:
                self._adopt(settings)
            except AlreadyRunningError as error:
                click.echo(f"error: {error}", err=True)
                return 1
        where = _state_path(self.settings, self.environ) if self.settings else None
        log.info(
            "started: config %s, state %s, a cycle every %s",
            self.config_path,
            where or "(not known until the config loads)",
            _duration(self._interval),
        )
        self.notifier.watchdog()
        self.run_now()
        self.notifier.ready(self._status())
        return None

    def tick(self) -> None:
        """One wake-up of the loop: watchdog, reload, and a cycle if one is due."""
        self.notifier.watchdog()
        if self.reload_requested:
            self.reload_requested = False
            log.info("SIGHUP: reading the configuration again")
            # A new configuration is used at once (a cycle); a bad one is said at once.
            self._due_now = self._reload(forced=True)
            if not self._due_now:
                self._publish()
        if self._clock_jumped():
            log.info("the clock jumped (suspend and resume, or a clock change): cycle now")
            self._due_now = True
        if self._due_now:
            self.run_now()
        else:
            before = self.cycles
            self.scheduler.run_pending()
            if self.cycles != before:
                self._publish()

    def shutdown(self) -> None:
        self.notifier.stopping("stopping")
        self._close_runtime()
        self.health.running = False
        self.health.summary = "stopped"
        self.health.next_cycle_at = None
        self.health.save()
        if self._lock is not None:
            self._lock.release()
        log.info("stopped")
        self.notifier.close()
        os.close(self._wake_read)
        os.close(self._wake_write)

    # -- sleeping and signals -------------------------------------------------------------

    def sleep_seconds(self) -> float:
        idle = self.scheduler.idle_seconds
        candidates = [MAX_SLEEP, idle if idle is not None else MAX_SLEEP]
        if self.notifier.watchdog_seconds is not None:
            candidates.append(self.notifier.watchdog_seconds / 2)
        return max(0.0, min(candidates))

    def sleep(self, seconds: float) -> None:
        """Sleep, but wake at once when a signal handler calls ``wake``."""
        if seconds > 0:
            readable, _, _ = select.select([self._wake_read], [], [], seconds)
            if not readable:
                return
        with contextlib.suppress(BlockingIOError):
            while os.read(self._wake_read, 512):
                pass

    def wake(self) -> None:
        with contextlib.suppress(BlockingIOError):
            os.write(self._wake_write, b"!")

    def request_stop(self) -> None:
        self.stop_requested = True
        self.wake()

    def request_reload(self) -> None:
        self.reload_requested = True
        self.wake()

    @contextlib.contextmanager
    def _signals(self) -> Iterator[None]:
        def stop(signum: int, _frame: FrameType | None) -> None:
            if self.stop_requested and signum == signal.SIGINT:
                raise KeyboardInterrupt  # a second Ctrl-C abandons the cycle (it rolls back)
            self.request_stop()

        def reload(_signum: int, _frame: FrameType | None) -> None:
            self.request_reload()

        previous = {
            signal.SIGTERM: signal.signal(signal.SIGTERM, stop),
            signal.SIGINT: signal.signal(signal.SIGINT, stop),
            signal.SIGHUP: signal.signal(signal.SIGHUP, reload),
        }
        try:
            yield
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    def _clock_jumped(self) -> bool:
        local, mono = self._local_now(), self._monotonic()
        last_local, last_mono = self._marks
        self._marks = (local, mono)
        drift = (local - last_local).total_seconds() - (mono - last_mono)
        return abs(drift) > JUMP_TOLERANCE

    # -- the schedule -----------------------------------------------------------------------

    def _schedule(self) -> None:
        interval = interval_seconds(self.settings, self.environ)
        if self._job is not None and interval == self._interval:
            return
        self.scheduler.clear()
        self._interval = interval
        if interval.is_integer():
            seconds = int(interval)
            jitter = int(min(seconds / 10, 60))
            self._job = (
                self.scheduler.every(seconds).to(seconds + jitter).seconds.do(self._job_body)
            )
        else:  # a benchmark's fraction of a second: schedule takes it (a timedelta)
            job = self.scheduler.every(interval)  # type: ignore[arg-type]
            self._job = job.seconds.do(self._job_body)
        for guard in self.guards.values():
            guard.base_delay = timedelta(seconds=interval)

    def run_now(self) -> None:
        """Run the cycle now; the schedule's next run counts from here."""
        self._due_now = False
        self.scheduler.run_all()
        self._publish()

    def _job_body(self) -> None:
        """The scheduled job: an exception is logged and the loop goes on."""
        self.cycles += 1
        self.health.cycles = self.cycles
        now = self._now()
        try:
            self._cycle(now)
        except Exception as error:
            # A bug met in one cycle must not end a set-and-forget service: the next
            # cycle starts afresh from the state store, with a new connection.
            log.exception("cycle failed unexpectedly")
            self._close_runtime()
            self.health.last_error = LastError(now, f"{type(error).__name__}: {error}", _BUG)
            self.health.summary = f"cycle {self._clock(now)} failed: {type(error).__name__}"
        finally:
            self._marks = (self._local_now(), self._monotonic())

    def _publish(self) -> None:
        idle = self.scheduler.idle_seconds
        if idle is not None:
            self.health.next_cycle_at = self._now() + timedelta(seconds=max(idle, 0))
        self.health.save()
        self.notifier.status(self._status())

    def _status(self) -> str:
        return self.health.status_line(self._zone())

    def _zone(self) -> tzinfo:
        return self.settings.profile.timezone if self.settings else UTC

    def _clock(self, moment: datetime) -> str:
        return f"{moment.astimezone(self._zone()):%H:%M}"

    # -- one cycle ----------------------------------------------------------------------------

    def _cycle(self, now: datetime) -> None:
        if signature((str(self.config_path),)) != self._config_signature:
            self._reload(forced=False)
        settings = self.settings
        if settings is None:
            self.health.summary = "waiting for a configuration that loads"
            return
        runtime = self._runtime(settings, now)
        if runtime is None:
            return
        for guard in self.guards.values():
            guard.begin(now)
        try:
            report = runtime.engine.cycle(now)
        except Exception as error:
            fault = state_fault(error, _state_path(settings, self.environ))
            if fault is None and not isinstance(error, StateError):
                raise
            self._close_runtime()
            if fault is None:
                self._state_unusable(error, now)  # damaged, found by a query
            else:
                self._state_unwritable(settings, fault, now)
            return
        finally:
            for guard in self.guards.values():
                guard.end(now)
        self._take(report, now)

    def _take(self, report: Report, now: datetime) -> None:
        refused = {name for name, guard in self.guards.items() if guard.refused}
        failed: list[str] = []
        seen: set[str] = set()
        for problem in report.problems:
            backend = problem.partition(":")[0]
            if backend in refused:
                log.debug("%s", problem)  # the backend is paused: health says why
                continue
            seen.add(problem)
            if backend in self.guards:
                failed.append(problem)
                log.warning("%s", problem)
            elif problem not in self._last_problems:
                log.warning("%s", problem)  # an item problem: said when it starts
        self._last_problems = seen
        done = summary(report)
        log.log(logging.DEBUG if done == "nothing new" else logging.INFO, "cycle: %s", done)
        when = self._clock(now)
        if failed:
            backend = failed[0].partition(":")[0]
            # Not the backend itself (the gate saw no failure): a template or setting.
            what_to_do = _WHAT_TO_DO[backend] if self.guards[backend].failed else _LOCAL
            self.health.last_error = LastError(now, failed[0], what_to_do)
            self.health.summary = f"cycle {when}: {failed[0]}"
        elif refused:
            self.health.summary = f"cycle {when}: {', '.join(sorted(refused))} paused; {done}"
        else:
            self.health.last_success_at = now
            self.health.summary = f"cycle {when} ok: {done}"
        self.health.last_cycle_at = now
        self._backend_states(now)

    def _backend_states(self, now: datetime) -> None:
        for name, guard in self.guards.items():
            unreachable = guard.unreachable_for(now)
            if guard.blocked is not None:
                self.health.need(name, "blocked", str(guard.blocked), guard.blocked.what_to_do, now)
            elif unreachable is not None and unreachable >= UNREACHABLE_AFTER:
                since = guard.failing_since or now
                self.health.need(
                    name,
                    "unreachable",
                    f"failing for {_duration(unreachable.total_seconds())}"
                    f" (since {since.astimezone(self._zone()):%a %H:%M}): {guard.last_error}",
                    _WHAT_TO_DO[name],
                    now,
                )
            elif guard.healthy:
                self.health.resolved(name)

    # -- the runtime and the state directory ------------------------------------------------

    def _runtime(self, settings: Settings, now: datetime) -> Runtime | None:
        """The engine, opened if needed; None while the state cannot be used."""
        if self.runtime is not None:
            return self.runtime
        state_path = _state_path(settings, self.environ)
        if (need := self.health.needs.get("state")) is not None and need.kind == "unwritable":
            reason = self._probe(state_path)
            if reason is not None:
                self._state_unwritable(settings, reason, now)
                return None
        try:
            runtime = self._open(settings)
        except ConfigError as error:
            self._config_broken(error)
            return None
        except (BackendError, OSError) as error:
            fault = state_fault(error, state_path)
            if fault is not None:
                self._state_unwritable(settings, fault, now)
            else:
                self._state_unusable(error, now)
            return None
        for name, attribute in PORTS.items():
            port = getattr(runtime.engine, attribute, None)
            if port is None:
                continue
            try:
                setattr(runtime.engine, attribute, Gate(port, self.guards[name]))
            except (AttributeError, TypeError):  # an engine that cannot take one: no backoff
                log.warning("%s: no backoff (the engine's port cannot be wrapped)", name)
        self.runtime = runtime
        self.health.resolved("state")
        return runtime

    def _state_unwritable(self, settings: Settings, reason: str, now: datetime) -> None:
        state_path = _state_path(settings, self.environ)
        what_to_do = state_what_to_do(state_path)
        self.health.need(
            "state", "unwritable", f"cannot write the state: {reason}", what_to_do, now
        )
        self.health.summary = "waiting for the state directory to be writable"

    def _state_unusable(self, error: Exception, now: datetime) -> None:
        problem, advice = str(error), ""
        if isinstance(error, StateError):
            problem, advice = error.problem, f"{error.what_to_do} "
        self.health.need(
            "state",
            "unusable",
            problem,
            f"{advice}The state file is never replaced by a fresh one (that would write every"
            " note again); the service tries again every cycle.",
            now,
        )
        self.health.summary = "waiting for a usable state file"

    def _close_runtime(self) -> None:
        if self.runtime is not None:
            runtime, self.runtime = self.runtime, None
            try:
                runtime.close()
            except Exception:
                log.debug("closing the state store failed", exc_info=True)

    # -- configuration -------------------------------------------------------------------

    def _reload(self, *, forced: bool) -> bool:
        """Read the configuration again; True when the one now in use was just loaded."""
        self._config_signature = signature((str(self.config_path),))
        try:
            settings = self._load(self.config_path)
        except ConfigError as error:
            self._config_broken(error)
            return False
        if settings == self.settings and not forced:
            self.health.resolved("config")
            return False
        try:
            self._adopt(settings)
        except AlreadyRunningError as error:
            self.health.need(
                "config",
                "state in use",
                str(error),
                "Point state.path at a state of its own, or stop the other one.",
                self._now(),
            )
            return False
        log.info("configuration %s loaded", self.config_path)
        return True

    def _adopt(self, settings: Settings) -> None:
        """Run with ``settings`` from now on (raises ``AlreadyRunningError``, changing nothing)."""
        state_path = _state_path(settings, self.environ)
        if self.settings is None or state_path != _state_path(self.settings, self.environ):
            lock = InstanceLock.acquire(state_path, self.environ)
            if self._lock is not None:
                self.health.running = False
                self.health.save()
                self.health.running = True
                self._lock.release()
            self._lock = lock
            self.health.state_path = state_path
        self._close_runtime()
        self.settings = settings
        watch = tuple(str(path) for path in local_paths(settings))
        for guard in self.guards.values():
            guard.reset()
            guard.watch_default = watch
        self._schedule()
        self.health.resolved("config")

    def _config_broken(self, error: ConfigError) -> None:
        for problem in error.problems:
            log.error("config: %s", problem)
        kept = (
            "the last good configuration is used meanwhile"
            if self.settings is not None
            else "nothing runs meanwhile"
        )
        first = error.problems[0] if error.problems else "cannot be read"
        more = f" (+{len(error.problems) - 1} more)" if len(error.problems) > 1 else ""
        self.health.need(
            "config",
            "broken",
            f"{first}{more}",
            f"Fix {self.config_path} (`followup check-config` lists every problem); it is"
            f" read again when saved, and {kept}.",
            self._now(),
        )
        if self._job is None:
            self._schedule()


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:g} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"


def run_service(config_path: Path, environ: Mapping[str, str], verbosity: int) -> int:
    """``followup run``: the exit code (0 after a clean stop)."""
    logs.setup(verbosity, default=logging.INFO, environ=environ)
    service = Service(
        config_path,
        environ=environ,
        notifier=Notifier(environ),
        announce=announcer(environ),
    )
    return service.run()
