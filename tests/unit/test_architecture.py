"""The core knows nothing of adapters, calendars files or Google (DESIGN.md, Architecture)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Modules of the core: domain, parsing, planning, composition and state.
CORE = (
    "daemon.model",
    "daemon.ports",
    "daemon.settings",
    "daemon.detection",
    "daemon.notes",
    "daemon.interviews",
    "daemon.planning",
    "daemon.slots",
    "daemon.keys",
    "daemon.ledger",
    "daemon.actions",
    "daemon.compose",
    "daemon.mime",
    "daemon.state",
    "daemon.cycle",
    "daemon.config",
    "daemon.status",
)
FORBIDDEN = (
    "integrations",
    "icalendar",
    "recurring_ical_events",
    "x_wr_timezone",
    "googleapiclient",
    "google",
    "caldav",
    "imapclient",
    "mailbox",
    "smtplib",
    "urllib.request",
)


def test_the_core_imports_no_adapter_and_no_calendar_or_google_module():
    script = textwrap.dedent(
        f"""
        import importlib, importlib.abc, sys
        forbidden = {FORBIDDEN!r}

        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if any(name == f or name.startswith(f + ".") for f in forbidden):
                    raise ImportError(f"core imported {{name}}")
                return None

        sys.meta_path.insert(0, Block())
        for module in {CORE!r}:
            importlib.import_module(module)
        leaked = sorted(m for m in sys.modules
                        if any(m == f or m.startswith(f + ".") for f in forbidden))
        assert not leaked, leaked
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_the_block_itself_works():
    """The check above must be able to fail: importing an adapter is caught."""
    script = textwrap.dedent(
        """
        import importlib.abc, sys
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name == "icalendar" or name.startswith("icalendar."):
                    raise ImportError("blocked")
                return None
        sys.meta_path.insert(0, Block())
        import integrations.ics
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0 and "blocked" in result.stderr
