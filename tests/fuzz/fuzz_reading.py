"""Fuzz the reading path with atheris: ``make fuzz`` (bounded, 60 s by default).

Half the inputs are the bytes of an .ics file read by the real adapter; the other half
an invitation as a backend reports it (title, description, organizer, attendees), which
reaches the reading rules many times faster. Seeds are the invitation corpus and the
.ics fixtures. A crash leaves its input in ``tests/fuzz/crashers/``; commit it, and
``tests/integrations/test_fuzz_regressions.py`` replays it for ever.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

with atheris.instrument_imports():
    from tests.fuzz.reading_path import read_bytes, read_structured


def one_input(data: bytes) -> None:
    if data[:1] == b"\x00":
        read_structured(data[1:])
    else:
        read_bytes(data)


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
