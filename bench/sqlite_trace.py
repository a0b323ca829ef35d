"""Run a console script with every SQLite statement it executes counted.

Usage: ``PYTHON sqlite_trace.py OUT.json SCRIPT [ARG...]``, with the interpreter the
script belongs to. Before the script runs, ``sqlite3.connect`` is wrapped so that
each new connection gets a trace callback; the product itself is not changed, and
no module of it is named here: the script is run as the ``followup`` command would
run it. When the script is done, the counts are written to OUT.json.

Counted: statements by their first word; ``COMMIT``/``END`` statements; writes
made in SQLite's autocommit mode (each commits by itself); and *transactions made
durable*, those of either kind that changed a row (``total_changes`` moved) or the
schema: a
transaction that changed nothing writes nothing to the journal. A product that
picks its own connection ``factory`` is not counted (the rows then say 0
connections).

Only the standard library is used: this file runs inside the measured
interpreter, which has the product's dependencies and nothing of the harness.
"""

import atexit
import json
import runpy
import sqlite3
import sys
from collections import Counter
from pathlib import Path

_WRITES = {"INSERT", "UPDATE", "DELETE", "REPLACE"}
_SCHEMA = {"CREATE", "DROP", "ALTER"}
_BEGINS = {"BEGIN", "SAVEPOINT"}
_COMMITS = {"COMMIT", "END"}


class Counts:
    def __init__(self) -> None:
        self.connections = 0
        self.statements: Counter[str] = Counter()
        self.commits = 0
        self.autocommit_writes = 0
        #: Transactions that changed rows, explicit or autocommit: each one a commit to disk.
        self.durable = 0

    def report(self) -> dict[str, object]:
        return {
            "connections": self.connections,
            "statements": sum(self.statements.values()),
            "by_verb": dict(self.statements),
            "commits": self.commits,
            "autocommit_writes": self.autocommit_writes,
            "durable_transactions": self.durable,
        }


COUNTS = Counts()


class TracedConnection(sqlite3.Connection):
    """A connection that counts its statements (``total_changes`` tells a write from a no-op)."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        COUNTS.connections += 1
        self._began_at: int | None = None
        self._autocommit_at: int | None = None
        self._schema_changed = False
        self.set_trace_callback(self._trace)

    def _settle(self) -> None:
        """An autocommit write has finished by the time anything else runs."""
        if self._autocommit_at is not None:
            if self.total_changes > self._autocommit_at:
                COUNTS.durable += 1
            self._autocommit_at = None

    def _trace(self, statement: str) -> None:
        self._settle()
        words = statement.lstrip().split(None, 1)
        verb = words[0].upper().rstrip(";") if words else ""
        COUNTS.statements[verb] += 1
        if verb in _BEGINS and not self.in_transaction:
            self._began_at = self.total_changes
            self._schema_changed = False
        elif verb in _COMMITS:
            COUNTS.commits += 1
            changed = self._began_at is not None and self.total_changes > self._began_at
            if changed or self._schema_changed:
                COUNTS.durable += 1
            self._began_at = None
        elif verb in _SCHEMA:
            self._schema_changed = True
        elif verb == "ROLLBACK":
            self._began_at = None
        elif verb in _WRITES and not self.in_transaction:
            COUNTS.autocommit_writes += 1
            self._autocommit_at = self.total_changes

    def close(self) -> None:
        self._settle()
        super().close()


def main() -> None:
    out, script, *args = sys.argv[1:]
    # This folder holds the harness's modules: none of them may shadow the product's imports.
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [entry for entry in sys.path if str(Path(entry or ".").resolve()) != here]
    real_connect = sqlite3.connect

    def connect(*a, **k):  # type: ignore[no-untyped-def]
        k.setdefault("factory", TracedConnection)
        return real_connect(*a, **k)

    sqlite3.connect = connect
    atexit.register(lambda: Path(out).write_text(json.dumps(COUNTS.report())))
    sys.argv = [script, *args]
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
