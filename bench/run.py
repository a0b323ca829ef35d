"""Speed and memory of the service as a user runs it: ``followup once`` in a fresh process.

Each scenario builds a world (``bench/generate.py``: an .ics calendar, a Maildir, a
config, a state path), runs the real command line on it in subprocesses and takes
CPU time and peak RSS of each child from the kernel (``bench/measure.py``); no
tracer or memory profiler runs inside the measured process. Figures are medians.
Nothing is asserted: the figures are printed, saved to ``bench/results/LABEL.json``
and written into ``docs/performance.md`` between its markers.

    make bench                                # default sizes, this tree, label "after"
    python bench/run.py --full                # the biggest sizes too (long)
    python bench/run.py --repo ../before --label before
    python bench/run.py --only counters --no-doc

Only the ``followup`` executable of the measured tree is used, so the harness
measures any version of the product, before or after a refactor. The SQLite
counter runs the same executable's script under ``bench/sqlite_trace.py``; when
that cannot run, its rows say why and the rest goes on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import generate
import measure
import observe
import report
from generate import NOW, World

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: Events beside the interviews in the scaling scenarios (as ``bench/cycle.py`` had).
OTHER_EVENTS = 3_000
#: Interviews in the large-calendar scenarios.
FEW_INTERVIEWS = 50
#: Interviews in the counting runs (SQLite, files).
COUNTED_INTERVIEWS = 200
#: Later cycles run as the service loop would: five minutes apart.
STEP = timedelta(minutes=5)


@dataclass(frozen=True)
class Sizes:
    interviews: tuple[int, ...]
    large_events: tuple[int, ...]
    own_events: tuple[int, ...]


SIZES = {
    "default": Sizes(interviews=(50, 200, 500, 1000), large_events=(20_000,), own_events=(3_000,)),
    "full": Sizes(
        interviews=(50, 200, 500, 1000, 2000),
        large_events=(20_000, 100_000),
        own_events=(3_000, 100_000),
    ),
}
SCENARIOS = ("start", "cycles", "large", "own", "counters")


class Bench:
    def __init__(self, followup: measure.Followup, runs: int, workdir: Path) -> None:
        self.followup = followup
        self.runs = runs
        self.workdir = workdir
        self.env = measure.environment()
        self.rows: dict[str, report.Row] = {}
        self._worlds: dict[tuple[int, int, bool], World] = {}

    # -- building blocks ---------------------------------------------------------------

    def pristine(self, interviews: int, events: int, calls_in_calendar: bool) -> World:
        """A world nothing has run on, built once per size and copied for each run."""
        key = (interviews, events, calls_in_calendar)
        if key not in self._worlds:
            root = self.workdir / f"pristine-{interviews}-{events}-{int(calls_in_calendar)}"
            self._worlds[key] = generate.build_world(
                root, interviews, events, calls_in_calendar=calls_in_calendar
            )
        return self._worlds[key]

    def once(self, world: World, now: datetime) -> measure.Run:
        return measure.run_command(self.followup.once(world.config, now), env=self.env)

    def record(self, key: str, title: str, sample: measure.Sample) -> None:
        self.rows[key] = figures = sample.figures()
        if "failed" in figures:
            print(f"{title}: failed: {figures['failed']}", flush=True)
            return
        made = (
            f"; {figures['drafts']} drafts, {figures['calls']} calls" if "drafts" in figures else ""
        )
        print(
            f"{title}: CPU {report.seconds(figures['cpu'])} "
            f"({figures['cpu_min']:.2f}–{figures['cpu_max']:.2f}), "
            f"wall {report.seconds(figures['wall'])}, RSS {report.megabytes(figures['rss'])}{made}",
            flush=True,
        )

    def sequence(
        self,
        world: World,
        steps: Sequence[tuple[str, Callable[[World], None] | None]],
    ) -> dict[str, measure.Sample]:
        """Runs of first cycle then each step, every run on its own copy of ``world``.

        The later cycles run on the world the earlier ones left, as they would for
        a user: the idle cycle is the second ``once``, and so on.
        """
        samples = {name: measure.Sample() for name, _ in steps}
        for attempt in range(self.runs):
            copy = world.copy(self.workdir / f"run-{attempt}")
            try:
                for index, (name, change) in enumerate(steps):
                    if change is not None:
                        change(copy)
                    run = self.once(copy, NOW + index * STEP)
                    samples[name].runs.append(run)
                    if not run.ok:
                        break  # what follows would measure a half-done world
            finally:
                shutil.rmtree(copy.root)
        return samples

    # -- scenarios ---------------------------------------------------------------------

    def start(self) -> None:
        sample = measure.Sample()
        for _ in range(self.runs):
            sample.runs.append(measure.run_command(self.followup.version(), env=self.env))
        self.record("start/0", "process start (followup --version)", sample)

    def cycles(self, sizes: Sizes) -> None:
        steps = [
            ("first", None),
            ("idle", None),
            ("edit", generate.edit_one_interview),
            ("new", generate.add_one_interview),
        ]
        for n in sizes.interviews:
            samples = self.sequence(self.pristine(n, OTHER_EVENTS, False), steps)
            for name, title in (
                ("first", "first cycle"),
                ("idle", "idle cycle"),
                ("edit", "after one edit"),
                ("new", "after one new interview"),
            ):
                if samples[name].runs:
                    self.record(f"{name}/{n}", f"{title}, {n} interviews", samples[name])

    def large(self, sizes: Sizes) -> None:
        for events in sizes.large_events:
            world = self.pristine(FEW_INTERVIEWS, events, False)
            samples = self.sequence(world, [("first", None), ("idle", None)])
            mb = world.calendar.stat().st_size / 1e6
            self.record(
                f"large-first/{events}",
                f"first cycle, {events:,} events ({mb:.0f} MB)",
                samples["first"],
            )
            if samples["idle"].runs:
                self.record(
                    f"large-idle/{events}", f"idle cycle, {events:,} events", samples["idle"]
                )

    def own(self, sizes: Sizes) -> None:
        for events in sizes.own_events:
            world = self.pristine(FEW_INTERVIEWS, events, True)
            samples = self.sequence(world, [("first", None), ("idle", None)])
            self.record(
                f"own-first/{events}",
                f"calls in own calendar: first cycle, {events:,} events",
                samples["first"],
            )
            if samples["idle"].runs:
                self.record(
                    f"own-idle/{events}",
                    f"calls in own calendar: idle cycle, {events:,} events",
                    samples["idle"],
                )

    def counters(self) -> None:
        """One run of first/idle/edit/new at 200 interviews, with SQLite and files counted."""
        world = self.pristine(COUNTED_INTERVIEWS, OTHER_EVENTS, False).copy(
            self.workdir / "counted"
        )
        steps = [
            ("first", None),
            ("idle", None),
            ("edit", generate.edit_one_interview),
            ("new", generate.add_one_interview),
        ]
        try:
            for index, (name, change) in enumerate(steps):
                if change is not None:
                    change(world)
                if not self._counted_cycle(name, world, NOW + index * STEP):
                    break
        finally:
            shutil.rmtree(world.root)

    def _counted_cycle(self, name: str, world: World, now: datetime) -> bool:
        trace_out = self.workdir / "sqlite.json"
        trace_out.unlink(missing_ok=True)
        argv = [
            str(self.followup.python),
            str(HERE / "sqlite_trace.py"),
            str(trace_out),
            *self.followup.once(world.config, now),
        ]
        folders = [
            world.calendar_dir,
            world.drafts,
            *(world.drafts / s for s in ("cur", "new", "tmp")),
        ]
        try:
            with observe.Watch(folders) as watch:
                run = measure.run_command(argv, env=self.env)
        except observe.InotifyUnavailable as error:
            self.rows[f"files/{name}"] = {"unavailable": f"inotify: {error}"}
            watch = None
            run = measure.run_command(argv, env=self.env)
        if not run.ok:
            # The wrapper may be what failed: the plain command tells which.
            plain = self.once(world, now)
            reason = run.failure() if plain.ok else plain.failure()
            self.rows[f"sqlite/{name}"] = {"failed": reason}
            print(f"counted {name} cycle: failed: {reason}", flush=True)
            return plain.ok
        if trace_out.exists():
            self.rows[f"sqlite/{name}"] = traced = json.loads(trace_out.read_text())
            print(
                f"SQLite, {name} cycle: {traced['durable_transactions']} durable transactions, "
                f"{traced['commits']} COMMIT, {traced['autocommit_writes']} autocommit writes, "
                f"{traced['statements']} statements ({traced['by_verb']})",
                flush=True,
            )
        else:
            self.rows[f"sqlite/{name}"] = {"failed": "the trace wrapper wrote nothing"}
        if watch is not None:
            self.rows[f"files/{name}"] = files = self._files(world, watch)
            print(f"files, {name} cycle: {files}", flush=True)
        return True

    @staticmethod
    def _files(world: World, watch: observe.Watch) -> report.Row:
        calls = world.calls.name
        cur = world.drafts / "cur"
        written = lambda name: (  # noqa: E731
            watch.count(world.calendar_dir, name, "written")
            + watch.count(world.calendar_dir, name, "renamed onto")
        )
        return {
            "calendar_read": watch.count(world.calendar_dir, world.calendar.name, "read"),
            "calls_read": watch.count(world.calendar_dir, calls, "read"),
            "calls_written": written(calls),
            "cur_listed": watch.count(cur, "", "listed"),
            "new_listed": watch.count(world.drafts / "new", "", "listed"),
            "drafts_folder_listed": watch.count(world.drafts, "", "listed"),
            "draft_files_read": watch.count_any(cur, "read"),
            "drafts_written": watch.count_any(cur, "created")
            + watch.count_any(cur, "renamed onto"),
            "overflowed": watch.overflowed,
        }


# -- the measured tree -----------------------------------------------------------------


def _git(repo: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip()


def describe_tree(repo: Path | None) -> str | None:
    """Short commit of the measured tree, ``+`` when its code differs from the commit."""
    if repo is None:
        return None
    commit = _git(repo, "rev-parse", "--short", "HEAD")
    if commit is None:
        return None
    changed = _git(
        repo,
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
        "daemon",
        "integrations",
        "pyproject.toml",
    )
    return commit + ("+" if changed else "")


def describe_machine(python: Path) -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    try:
        version = subprocess.run(
            [str(python), "-c", "import sys; print(sys.version.split()[0])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        version = "?"
    return (
        f"{os.cpu_count()} cores ({model}), {memory:.0f} GiB RAM, "
        f"{platform.system()} {platform.release()}, Python {version}"
    )


def _load() -> str:
    """The machine's 1-minute load average: other work on 2 cores shows in the figures."""
    return f"{os.getloadavg()[0]:.1f}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--repo", type=Path, help="tree to measure (its .venv/bin/followup); default: this one"
    )
    parser.add_argument(
        "--followup", type=Path, help="the followup executable (overrides --repo's)"
    )
    parser.add_argument("--label", default="after", help="column of the figures (default: after)")
    parser.add_argument("--full", action="store_true", help="the biggest sizes too (takes long)")
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per figure, median taken (default 3)"
    )
    parser.add_argument("--only", help=f"comma-separated scenarios of: {', '.join(SCENARIOS)}")
    parser.add_argument(
        "--interviews", help="comma-separated interview counts (overrides the size)"
    )
    parser.add_argument("--no-doc", action="store_true", help="print only; save and write nothing")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument(
        "--workdir", type=Path, help="where worlds are built (default: a temporary folder)"
    )
    args = parser.parse_args(argv)

    repo = args.repo.resolve() if args.repo else (None if args.followup else ROOT)
    executable = args.followup or (repo / ".venv" / "bin" / "followup")
    if not executable.exists():
        parser.error(f"{executable}: no such executable (make the tree's venv first)")
    if repo is None and executable.resolve().parent.parent.name == ".venv":
        repo = executable.resolve().parents[2]
    only = SCENARIOS if args.only is None else tuple(args.only.split(","))
    unknown = set(only) - set(SCENARIOS)
    if unknown or args.runs < 1:
        parser.error(
            f"unknown scenario {sorted(unknown)}" if unknown else "--runs must be 1 or more"
        )
    sizes = SIZES["full" if args.full else "default"]
    if args.interviews:
        sizes = Sizes(
            tuple(int(n) for n in args.interviews.split(",")), sizes.large_events, sizes.own_events
        )

    followup = measure.Followup(executable.absolute())
    results = report.Results(
        args.label,
        meta={
            "commit": describe_tree(repo),
            "followup": str(executable),
            "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": describe_machine(followup.python),
            "runs": args.runs,
            "sizes": "full" if args.full else "default",
        },
    )
    load_before = _load()
    print(f"measuring {results.heading}: {executable}", flush=True)
    print(f"machine: {results.meta['machine']}", flush=True)
    with tempfile.TemporaryDirectory(dir=args.workdir, prefix="followup-bench-") as folder:
        bench = Bench(followup, args.runs, Path(folder))
        # Compiles and caches the modules, as they are for any installed service.
        measure.run_command(followup.version(), env=bench.env)
        for scenario in only:
            if scenario in ("cycles", "large", "own"):
                getattr(bench, scenario)(sizes)
            else:
                getattr(bench, scenario)()
            # Saved after each scenario: a long run stopped half-way keeps what it measured.
            results.rows = dict(bench.rows)
            results.meta["load"] = f"{load_before} → {_load()}"
            if not args.no_doc:
                saved = results.save(args.results)
    if args.no_doc:
        return
    section = report.render(report.load_all(args.results))
    report.write_doc(args.doc, section)
    print(f"\nsaved {saved}; wrote {args.doc}")
    print()
    print(section)


if __name__ == "__main__":
    sys.exit(main())
