"""The shipped user unit runs the real command and keeps the options a user unit can use."""

from __future__ import annotations

import configparser
from pathlib import Path

from click.testing import CliRunner

from daemon.app.cli import cli

UNIT = Path(__file__).resolve().parents[2] / "systemd" / "interview-followup.service"


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNIT)
    return parser


def test_the_unit_runs_followup_run():
    service = unit()["Service"]
    command = service["ExecStart"].split()
    assert command[0].endswith("/followup") and command[1:] == ["run"]
    assert service["Restart"] == "on-failure"
    assert unit()["Install"]["WantedBy"] == "default.target"
    # The command it names exists.
    result = CliRunner().invoke(cli, ["run", "--help"])
    assert result.exit_code == 0


def test_no_option_that_needs_user_namespaces_in_the_base_unit():
    # These fail to start a user unit where unprivileged user namespaces are blocked.
    service = unit()["Service"]
    for option in ("ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateUsers"):
        assert option not in service


def test_systemd_accepts_the_unit(tmp_path):
    """``systemd-analyze verify`` exits 0 even on unknown keys: any stderr output fails."""
    import os
    import shutil
    import subprocess
    import sys

    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: .ci/run installs Debian's systemd package"
    home = tmp_path / "home"
    (home / ".local" / "bin").mkdir(parents=True)
    (home / ".local" / "bin" / "followup").symlink_to(Path(sys.executable).parent / "followup")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    copy = tmp_path / UNIT.name
    copy.write_text(UNIT.read_text())
    result = subprocess.run(
        [analyze, "verify", "--user", str(copy)],
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(home), "XDG_RUNTIME_DIR": str(runtime)},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr
