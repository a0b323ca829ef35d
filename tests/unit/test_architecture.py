"""The layers of the core, enforced (DESIGN.md, Architecture; docs/architecture.md).

Modules are found by walking the packages, so a new module is checked without
anyone remembering to list it.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import daemon

ROOT = Path(__file__).resolve().parents[2]

#: Which layers each layer of ``daemon`` may import. ``app`` is the composition root.
ALLOWED: dict[str, set[str]] = {
    "domain": {"domain"},
    "reading": {"domain", "reading"},
    "store": {"domain", "store"},
    "planning": {"domain", "reading", "store", "planning"},
    "compose": {"domain", "reading", "compose"},
    "engine": {"domain", "reading", "store", "planning", "compose", "engine"},
    "app": {"domain", "reading", "store", "planning", "compose", "engine", "app"},
}
#: The one module that may import adapters (by name, when a backend is asked for).
COMPOSITION_ROOT = {"daemon.app.registry"}

FORBIDDEN = (
    "integrations",
    "icalendar",
    "recurring_ical_events",
    "x_wr_timezone",
    "googleapiclient",
    "google",
    "google_auth_oauthlib",
    "httplib2",
    "caldav",
    "imapclient",
    "mailbox",
    "smtplib",
    "urllib.request",
)


def core_modules() -> list[str]:
    # ``__main__`` runs the CLI when imported; it holds one import and no logic.
    names = pkgutil.walk_packages(daemon.__path__, prefix="daemon.")
    return sorted(info.name for info in names if not info.name.endswith("__main__"))


def _source_path(module: str) -> Path:
    relative = Path(*module.split("."))
    package = ROOT / relative / "__init__.py"
    return package if package.exists() else ROOT / relative.with_suffix(".py")


def imports_of(module: str) -> set[str]:
    """Every module name ``module`` imports, at top level or inside functions."""
    tree = ast.parse(_source_path(module).read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else None


def test_the_walk_finds_every_layer_and_the_modules_a_hand_list_missed() -> None:
    modules = core_modules()
    assert {_layer(m) for m in modules} - {None} == set(ALLOWED)
    for module in ("daemon.reading.text", "daemon.reading.hear_back", "daemon.domain.errors"):
        assert module in modules


@pytest.mark.parametrize("module", core_modules())
def test_each_module_imports_only_from_the_layers_below_it(module: str) -> None:
    layer = _layer(module)
    for name in imports_of(module):
        if name.startswith("integrations"):
            assert module in COMPOSITION_ROOT, f"{module} imports {name}"
        if not name.startswith("daemon.") or layer is None:
            continue
        target = name.split(".")[1]
        if target in ALLOWED:
            assert target in ALLOWED[layer], f"{module} ({layer}) imports {name} ({target})"


def test_the_layer_check_can_fail() -> None:
    """The reading layer importing the store would be caught."""
    layer, target = "reading", "store"
    assert target not in ALLOWED[layer]
    assert "daemon.store.records" in imports_of("daemon.planning.planner")


def test_the_core_imports_no_adapter_and_no_calendar_or_google_module() -> None:
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
        for module in {core_modules()!r}:
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


def test_the_block_itself_works() -> None:
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
        import integrations.ics.calendar
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0 and "blocked" in result.stderr
