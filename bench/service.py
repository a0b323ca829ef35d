"""Memory and CPU of ``followup run`` when idle, its start-up, and its import floor.

Runs the real service (``python -m daemon run``) on the example calendar with
the local backends (.ics + Maildir + SQLite), cycles back to back
(``FOLLOWUP_INTERVAL_SECONDS``, for tests and benchmarks only), and prints
numbers, one per line: RSS after 1, 100 and N idle cycles (the first cycle
does the work, the rest find nothing new), CPU time per idle cycle, the time
from start to the first completed cycle (READY=1), and the modules a
local-only configuration imports (no Google module may be among them).
Run with ``python bench/service.py`` or ``--cycles 2000`` for a quicker run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CONFIG = """\
[profile]
name = "Alex Rivera"
email = "alex.rivera@example.com"
timezone = "America/New_York"
[calendar]
backend = "ics"
path = "calendar.ics"
calls_path = "calls.ics"
[drafts]
backend = "maildir"
path = "Drafts"
[state]
path = "state.sqlite3"
[interviews]
lookback_days = 3650
"""

IMPORT_FLOOR = """
import sys
from pathlib import Path
from daemon.app.config import load_settings
from daemon.app.service import open_runtime
from datetime import UTC, datetime
runtime = open_runtime(load_settings(Path(sys.argv[1])))
runtime.engine.cycle(datetime.now(UTC))
runtime.close()
google = sorted(m for m in sys.modules if m.split(".")[0].startswith("google"))
print(len(sys.modules), len(google), " ".join(google[:5]))
"""


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cycles(health: Path) -> int:
    try:
        return int(json.loads(health.read_bytes()).get("cycles", 0))
    except (OSError, ValueError):
        return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=10_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="followup-bench-"))
    try:
        shutil.copy(ROOT / "examples" / "calendar.ics", folder / "calendar.ics")
        (folder / "config.toml").write_text(CONFIG)
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(str(folder / "notify"))
        notify.settimeout(120)
        environ = {
            **os.environ,
            "NOTIFY_SOCKET": str(folder / "notify"),
            "FOLLOWUP_INTERVAL_SECONDS": "0.001",
            "XDG_RUNTIME_DIR": str(folder),
        }
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "daemon", "--config", str(folder / "config.toml"), "run"],
            cwd=ROOT,
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while b"READY=1" not in notify.recv(4096):
            pass
        ready = time.perf_counter() - started
        notify.close()  # from here on the service's datagrams are dropped, as designed
        health = folder / "state.sqlite3.health.json"
        samples: dict[int, tuple[int, int, float]] = {}
        for target in (1, 100, args.cycles):
            while (done := cycles(health)) < target:
                time.sleep(0.02)
            samples[target] = (done, rss_kib(process.pid), cpu_seconds(process.pid))
        process.terminate()
        process.wait(timeout=10)
        floor = subprocess.run(
            [sys.executable, "-c", IMPORT_FLOOR, str(folder / "config.toml")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split(maxsplit=2)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"startup_to_first_cycle_s {ready:.3f}")
    for target, (done, rss, _) in samples.items():
        print(f"rss_kib_after_{target}_cycles {rss}  (at cycle {done})")
    (a_done, a_rss, a_cpu), (b_done, b_rss, b_cpu) = samples[100], samples[args.cycles]
    print(f"rss_growth_kib_100_to_{args.cycles} {b_rss - a_rss}")
    print(f"cpu_ms_per_idle_cycle {(b_cpu - a_cpu) / (b_done - a_done) * 1000:.3f}")
    print(f"modules_imported_local_only {floor[0]}")
    print(f"google_modules_imported {floor[1]}{'  ' + floor[2] if len(floor) > 2 else ''}")


if __name__ == "__main__":
    main()
