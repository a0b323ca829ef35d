"""``followup install-service`` and the shipped unit files: systemd accepts them as written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from daemon.app import install
from daemon.domain.settings import BackendChoice, StateSettings
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "systemd" / install.UNIT_NAME
SHIPPED_DROP_IN = ROOT / "systemd" / f"{install.UNIT_NAME}.d" / install.DROP_IN


def verify(unit: Path, home: Path, tmp_path: Path) -> str:
    """What ``systemd-analyze verify --user`` says on stderr (it exits 0 even on errors)."""
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: .ci/system-deps installs Debian's systemd"
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    result = subprocess.run(
        [analyze, "verify", "--user", str(unit)],
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(home), "XDG_RUNTIME_DIR": str(runtime)},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr.strip()


def test_the_shipped_files_are_what_install_service_writes_for_a_default_install():
    assert SHIPPED.read_text() == install.unit_text(), "regenerate systemd/ from install.py"
    assert SHIPPED_DROP_IN.read_text() == install.hardening_text()


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """Runs ``install`` as the command does, with XDG_CONFIG_HOME set and no systemd."""
    config = tmp_path / "conf dir" / "config.toml"
    settings = replace(
        make_settings(),
        state=StateSettings(path=tmp_path / "state" / "state.sqlite3"),
        drafts=BackendChoice("maildir", {"path": tmp_path / "Mail" / "Drafts"}),
        providers={"google": {"token_path": tmp_path / "secrets" / "token.json"}},
    )
    environ = {
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
        "XDG_STATE_HOME": str(tmp_path / "xdg-state"),
        "PATH": str(tmp_path / "no-bin"),
        "USER": "alex",
    }

    def run(**options: bool) -> Path:
        install.install(config, settings, environ, **options)
        return tmp_path / "xdg" / "systemd" / "user" / install.UNIT_NAME

    return run


def test_install_writes_the_unit_with_this_followup_and_this_config(installed, capsys):
    unit = installed()
    text = unit.read_text()
    exec_start = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    followup = Path(sys.executable).parent / "followup"
    config = unit.parents[3] / "conf dir" / "config.toml"
    assert exec_start == f'ExecStart={followup} --config "{config}" run'
    assert f'Environment="XDG_STATE_HOME={unit.parents[3] / "xdg-state"}"' in text
    out = capsys.readouterr().out
    assert f"wrote {unit}" in out
    assert "systemd not found" in out  # not an error
    assert "systemctl --user enable --now interview-followup" in out
    assert "loginctl enable-linger alex" in out
    assert not (unit.parent / f"{install.UNIT_NAME}.d").exists()


def test_systemd_accepts_the_installed_unit_and_the_drop_in(installed, tmp_path):
    unit = installed(hardened=True)
    drop_in = (unit.parent / f"{install.UNIT_NAME}.d" / install.DROP_IN).read_text()
    # The Maildir does not exist yet: its folder must let the service create it.
    assert f'ReadWritePaths="-{tmp_path / "Mail"}"' in drop_in
    assert f'ReadWritePaths="-{tmp_path / "state"}"' in drop_in
    assert f'ReadWritePaths="-{tmp_path / "secrets"}"' in drop_in  # a token is rewritten
    # The drop-in is read from beside the unit: both are checked together.
    assert verify(unit, tmp_path / "home", tmp_path) == ""


def test_systemd_accepts_the_shipped_unit_with_its_drop_in(tmp_path):
    home = tmp_path / "home"
    (home / ".local" / "bin").mkdir(parents=True)
    (home / ".local" / "bin" / "followup").symlink_to(Path(sys.executable).parent / "followup")
    shutil.copytree(ROOT / "systemd", tmp_path / "systemd")
    assert verify(tmp_path / "systemd" / install.UNIT_NAME, home, tmp_path) == ""


def test_a_verify_that_finds_a_mistake_says_so(tmp_path):
    """The check above can fail: an unknown key is reported on stderr."""
    home = tmp_path / "home"
    home.mkdir()
    unit = tmp_path / install.UNIT_NAME
    unit.write_text(install.unit_text("/bin/true").replace("UMask=0077", "UMaskk=0077"))
    assert "UMaskk" in verify(unit, home, tmp_path)


@pytest.mark.parametrize(
    ("word", "written"),
    [
        ("/usr/bin/followup", "/usr/bin/followup"),
        ("/home/a b/config.toml", '"/home/a b/config.toml"'),
        ("/home/100%/x", "/home/100%%/x"),
        ("/home/$HOME/x", "/home/$$HOME/x"),
        ('/a"b', '"/a\\"b"'),
    ],
)
def test_exec_start_words_are_quoted_for_systemd(word, written):
    assert install.quote(word) == written


def test_print_only_installs_nothing(installed, capsys, tmp_path):
    install.install(
        tmp_path / "config.toml", make_settings(), {"HOME": str(tmp_path)}, print_only=True
    )
    assert "ExecStart=" in capsys.readouterr().out
    assert not (tmp_path / ".config").exists()


def fake_command(directory: Path, name: str, exit_code: int = 0) -> Path:
    """A stand-in for a system command: records its arguments, exits as told."""
    directory.mkdir(exist_ok=True)
    log = directory / f"{name}.args"
    script = directory / name
    script.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexit {exit_code}\n')
    script.chmod(0o755)
    return log


def test_install_reloads_a_running_user_systemd(tmp_path, capsys):
    calls = fake_command(tmp_path / "bin", "systemctl")
    environ = {"HOME": str(tmp_path), "PATH": str(tmp_path / "bin")}
    install.install(tmp_path / "config.toml", make_settings(), environ)
    assert calls.read_text() == "--user daemon-reload\n"
    assert "systemd reloaded its units" in capsys.readouterr().out


def test_a_systemctl_without_a_user_manager_is_not_an_error(tmp_path, capsys):
    fake_command(tmp_path / "bin", "systemctl", exit_code=1)
    environ = {"HOME": str(tmp_path), "PATH": str(tmp_path / "bin")}
    install.install(tmp_path / "config.toml", make_settings(), environ)
    out = capsys.readouterr().out
    assert "daemon-reload failed" in out and "systemctl --user enable --now" in out
