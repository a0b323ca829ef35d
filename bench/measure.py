"""Running the ``followup`` command as a user does, and taking what the kernel counted.

Each run is a fresh process. Its CPU time (user + system) and its peak resident
set come from ``os.wait4``: the kernel's own accounting of that child and of the
children it waited for, with nothing traced inside it. CPU time rather than wall
time is the figure, because other work on the machine stretches wall time but
hardly CPU time.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

#: ``N drafts created (L late), C calls scheduled, R calls removed, G drafts sent or discarded``:
#: read when it is there, never required (the wording may change).
_SUMMARY = re.compile(r"(\d+) drafts created.*?(\d+) calls scheduled.*?(\d+) calls removed")


@dataclass(frozen=True)
class Run:
    """One finished ``followup`` process."""

    argv: tuple[str, ...]
    returncode: int
    user: float
    system: float
    wall: float
    #: Peak resident set of the process, in bytes.
    max_rss: int
    stdout: str
    stderr: str

    @property
    def cpu(self) -> float:
        return self.user + self.system

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def counts(self) -> dict[str, int]:
        """Drafts created, calls scheduled and removed, as the summary line says."""
        found = _SUMMARY.search(self.stdout)
        if found is None:
            return {}
        drafts, calls, removed = (int(group) for group in found.groups())
        return {"drafts": drafts, "calls": calls, "calls_removed": removed}

    def failure(self) -> str:
        """The last line the command printed on stderr, to show why a run failed."""
        lines = [line for line in self.stderr.strip().splitlines() if line.strip()]
        return lines[-1] if lines else f"exit status {self.returncode}"


def run_command(
    argv: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> Run:
    """Run ``argv`` to its end and take its resource use from ``wait4``."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        child = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, cwd=cwd
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - began
        # Popen did not reap the child itself: tell it, so it never waits again.
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            argv=tuple(argv),
            returncode=child.returncode,
            user=usage.ru_utime,
            system=usage.ru_stime,
            wall=wall,
            max_rss=usage.ru_maxrss * 1024,  # kilobytes on Linux
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


@dataclass(frozen=True)
class Followup:
    """The ``followup`` executable under test, and the interpreter its script runs with."""

    executable: Path

    @property
    def python(self) -> Path:
        """The interpreter named on the script's ``#!`` line (a venv's console script)."""
        with self.executable.open("rb") as script:
            first = script.readline().decode("utf-8", "replace").strip()
        if first.startswith("#!") and len(first.split()) == 1:
            return Path(first[2:])
        return self.executable.parent / "python"

    def once(self, config: Path, now: datetime) -> list[str]:
        return [str(self.executable), "--config", str(config), "once", "--now", now.isoformat()]

    def version(self) -> list[str]:
        return [str(self.executable), "--version"]


def environment() -> dict[str, str]:
    """The child's environment: the user's, minus what would change what it measures."""
    # No PYTHONPATH, PYTHONDONTWRITEBYTECODE, PYTHONTRACEMALLOC...: the interpreter as
    # a systemd unit starts it, with its compiled modules cached.
    return {k: v for k, v in os.environ.items() if not k.startswith(("FOLLOWUP_", "PYTHON"))}


@dataclass
class Sample:
    """Several runs of one scenario; the median is the figure."""

    runs: list[Run] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(run.ok for run in self.runs)

    def median(self, what: str) -> float:
        return statistics.median(getattr(run, what) for run in self.runs)

    def spread(self, what: str) -> tuple[float, float]:
        values = [getattr(run, what) for run in self.runs]
        return min(values), max(values)

    def figures(self) -> dict[str, object]:
        """What the report keeps of this sample: medians, spreads and the summary counts."""
        if not self.ok:
            failed = next(run for run in self.runs if not run.ok)
            return {"failed": failed.failure()}
        low, high = self.spread("cpu")
        return {
            "cpu": self.median("cpu"),
            "cpu_min": low,
            "cpu_max": high,
            "user": self.median("user"),
            "system": self.median("system"),
            "wall": self.median("wall"),
            "rss": self.median("max_rss"),
            "runs": len(self.runs),
            **self.runs[0].counts(),
        }
