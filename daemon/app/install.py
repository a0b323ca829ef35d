"""``followup install-service``: the systemd user unit, written for this installation.

The unit text lives here, not only in ``systemd/``, because an installed
package has no ``systemd/`` folder; the files there are this module's output
for a default installation, and a test keeps them equal.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import click

from daemon.app.config import default_state_path
from daemon.app.gates import local_paths
from daemon.domain.settings import Settings

UNIT_NAME = "interview-followup.service"
DROP_IN = "hardening.conf"
#: The ExecStart of the shipped sample: pipx's console script, the default config.
SAMPLE_EXEC = "%h/.local/bin/followup run"
#: Variables of the installing shell that change what the service reads or writes.
_PASSED_ON = ("XDG_STATE_HOME", "TZ")

_HEADER = """\
# interview-followup as a systemd user service.
# `followup install-service` writes this unit to ~/.config/systemd/user/ with the
# absolute path of followup and the config it reads; systemd/README.md explains it.
#   systemctl --user enable --now interview-followup
#   journalctl --user -u interview-followup -f
#   loginctl enable-linger "$USER"     # keep it running while logged out
"""

_UNIT = """\
[Unit]
Description=interview-followup: thank-you drafts and follow-up calls after job interviews
After=network-online.target
Wants=network-online.target

[Service]
# READY=1 comes once the first cycle has run; STATUS= says how the last one went.
Type=notify
NotifyAccess=main
{environment}ExecStart={exec_start}
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-failure
RestartSec=60
# The first cycle reads the whole calendar before READY=1.
TimeoutStartSec=10min
TimeoutStopSec=30
# Pinged from the loop between cycles: a cycle hung this long is killed and restarted.
WatchdogSec=10min
LogRateLimitIntervalSec=0
SyslogIdentifier=interview-followup
UMask=0077
# Hardening that works in an unprivileged user unit (no user namespace needed);
# the optional drop-in hardening.conf adds what needs one.
NoNewPrivileges=yes
LockPersonality=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
RestrictNamespaces=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources
SystemCallErrorNumber=EPERM
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
MemoryMax=512M
TasksMax=64
CPUQuota=50%

[Install]
WantedBy=default.target
"""

_HARDENING = """\
# Stronger hardening for interview-followup.service: optional.
# Installed by `followup install-service --hardened` as
# ~/.config/systemd/user/interview-followup.service.d/hardening.conf
#
# These options need an unprivileged user namespace (PrivateUsers=yes). Where
# those are blocked (Ubuntu 24.04's AppArmor default, some hardened kernels) the
# service fails to start with status 226/NAMESPACE: delete this file, then
#   systemctl --user daemon-reload && systemctl --user restart interview-followup
#
# The file system is read-only for the service except the paths below, which
# must include the state, the drafts folder and the calls file of the config.
[Service]
PrivateUsers=yes
ProtectSystem=strict
ProtectHome=read-only
{read_write}PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectHostname=yes
ProtectClock=yes
ProtectProc=invisible
ProcSubset=pid
MemoryDenyWriteExecute=yes
"""

#: The sample's writable paths: where a starter config keeps state, drafts and calls.
SAMPLE_READ_WRITE = ("%h/.local/state/interview-followup", "%h/.config/interview-followup")


def quote(argument: str) -> str:
    """One word of ``ExecStart=``: specifiers and variables escaped, quoted if needed."""
    escaped = (
        argument.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    )
    needs_quotes = not argument or any(c.isspace() or c in "\"'\\;" for c in argument)
    return f'"{escaped}"' if needs_quotes else escaped


def _setting(value: str) -> str:
    """A value of ``Environment=`` or ``ReadWritePaths=``: only specifiers are special."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")


def unit_text(exec_start: str = SAMPLE_EXEC, environment: Mapping[str, str] | None = None) -> str:
    lines = "".join(
        f'Environment="{_setting(k)}={_setting(v)}"\n' for k, v in (environment or {}).items()
    )
    return _HEADER + _UNIT.format(environment=lines, exec_start=exec_start)


def hardening_text(read_write: tuple[str, ...] = SAMPLE_READ_WRITE) -> str:
    """The drop-in; ``read_write`` are unit-file values (specifiers allowed, ``%`` escaped)."""
    # "-": a path that does not exist (yet) must not stop the service from starting.
    lines = "".join(f'ReadWritePaths="-{path}"\n' for path in read_write)
    return _HARDENING.format(read_write=lines)


def followup_command() -> list[str]:
    """The absolute command that runs this installation's ``followup``."""
    # The console script sits beside the interpreter in a venv and in pipx; the
    # venv's python is not resolved: following its symlink would leave the venv.
    beside = Path(sys.executable).absolute().parent / "followup"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    if found := shutil.which("followup"):
        return [str(Path(found).absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "daemon"]


def writable_paths(settings: Settings, environ: Mapping[str, str]) -> tuple[str, ...]:
    """What the service may write: the state's folder, and each backend path's folder.

    A path that is a folder (a Maildir) is writable itself; a file (the calls
    file, a token file) needs its folder, where it is replaced atomically.
    """
    state = settings.state.path or default_state_path(environ)
    paths = [state.parent]
    for path in local_paths(settings):
        paths.append(path if path.is_dir() else path.parent)
    unique = dict.fromkeys(_setting(str(p.absolute())) for p in paths)
    return tuple(unique)


def user_unit_dir(environ: Mapping[str, str]) -> Path:
    config = environ.get("XDG_CONFIG_HOME", "")
    home = Path(environ.get("HOME") or Path.home())
    base = Path(config) if config and Path(config).is_absolute() else home / ".config"
    return base / "systemd" / "user"


def install(
    config_path: Path,
    settings: Settings,
    environ: Mapping[str, str],
    *,
    hardened: bool = False,
    print_only: bool = False,
) -> None:
    """Write the unit (and the drop-in), reload systemd if it runs, say what comes next."""
    command = [*followup_command(), "--config", str(config_path.absolute()), "run"]
    environment = {k: environ[k] for k in _PASSED_ON if environ.get(k)}
    unit = unit_text(" ".join(quote(word) for word in command), environment)
    drop_in = hardening_text(writable_paths(settings, environ)) if hardened else None
    if print_only:
        click.echo(unit, nl=False)
        if drop_in is not None:
            click.echo(f"\n# --- {UNIT_NAME}.d/{DROP_IN}\n{drop_in}", nl=False)
        return
    directory = user_unit_dir(environ)
    path = directory / UNIT_NAME
    existed = path.exists()
    directory.mkdir(parents=True, exist_ok=True)
    path.write_text(unit, encoding="utf-8")
    click.echo(f"{'updated' if existed else 'wrote'} {path}")
    drop_in_path = directory / f"{UNIT_NAME}.d" / DROP_IN
    if drop_in is not None:
        drop_in_path.parent.mkdir(exist_ok=True)
        drop_in_path.write_text(drop_in, encoding="utf-8")
        click.echo(f"wrote {drop_in_path} (delete it if the service then fails to start)")
    elif drop_in_path.exists():
        click.echo(f"kept {drop_in_path} (the stronger hardening from an earlier install)")
    click.echo(_daemon_reload(environ))
    name = UNIT_NAME.removesuffix(".service")
    click.echo(f"start it now and at every login:  systemctl --user enable --now {name}")
    click.echo(f"keep it running while logged out: loginctl enable-linger {_user(environ)}")
    click.echo(f"see what it does:                 journalctl --user -u {name} -f")


def _daemon_reload(environ: Mapping[str, str]) -> str:
    systemctl = shutil.which("systemctl", path=environ.get("PATH", os.defpath))
    if systemctl is None:
        return "systemd not found: the unit is written for when it is there"
    try:
        result = subprocess.run(
            [systemctl, "--user", "daemon-reload"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            env=dict(environ),
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"systemctl --user daemon-reload did not run ({error}): run it yourself"
    if result.returncode != 0:
        reason = " ".join(result.stderr.split()) or f"exit status {result.returncode}"
        return f"systemctl --user daemon-reload failed ({reason}): no user systemd here?"
    return "systemd reloaded its units"


def _user(environ: Mapping[str, str]) -> str:
    return environ.get("USER") or environ.get("LOGNAME") or "$USER"
