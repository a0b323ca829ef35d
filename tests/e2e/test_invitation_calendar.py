"""A job seeker's calendar made of the invitation corpus: ``followup once``, then ``status``.

Every invitation of ``tests/fixtures/invitations`` in one .ics file, read by the real
command in a subprocess: the drafts are exactly those a careful person would write,
none to a tool, a mailbox or the user, and ``status`` and ``preview`` say why each
event is, or is not, an interview.
"""

from __future__ import annotations

import json
import mailbox
import os
import re
import subprocess
import sys
import tomllib
from email.utils import getaddresses
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "invitations"
EXPECTED = tomllib.loads((FIXTURES / "expectations.toml").read_text(encoding="utf-8"))
NOW = EXPECTED["profile"]["now"]

CONFIG = f"""
[profile]
name = "Alex Rivera"
email = "{EXPECTED["profile"]["email"]}"
aliases = {json.dumps(EXPECTED["profile"]["aliases"])}
timezone = "{EXPECTED["profile"]["timezone"]}"
qualifications = ["Eight years of backend development"]

[calendar]
backend = "ics"
path = "calendar.ics"
calls_path = "calls.ics"

[drafts]
backend = "maildir"
path = "Drafts"

[state]
path = "state.sqlite3"
"""


def one_calendar() -> str:
    """Every VTIMEZONE (once per TZID) and every VEVENT of the corpus in one calendar."""
    zones: dict[str, str] = {}
    events: list[str] = []
    for path in sorted(FIXTURES.glob("*.ics")):
        text = path.read_bytes().decode("utf-8")
        for zone in re.findall(r"BEGIN:VTIMEZONE\r\n.*?END:VTIMEZONE\r\n", text, re.S):
            zones.setdefault(re.search(r"TZID:(.*)\r\n", zone).group(1), zone)  # type: ignore[union-attr]
        events += re.findall(r"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", text, re.S)
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//corpus//EN\r\n"
    return head + "".join(zones.values()) + "".join(events) + "END:VCALENDAR\r\n"


def followup(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "daemon", "--config", str(folder / "config.toml"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    return result


def test_once_then_status_give_the_drafts_and_calls_a_job_seeker_would_choose(tmp_path):
    (tmp_path / "calendar.ics").write_text(one_calendar(), encoding="utf-8", newline="")
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")

    preview = followup(tmp_path, "preview", "--now", NOW).stdout
    assert "=== which events are interviews" in preview
    assert "Mock interview with Jamie: not an interview: title says 'mock'" in preview

    followup(tmp_path, "once", "--now", NOW)
    recipients = sorted(
        address.casefold()
        for message in mailbox.Maildir(tmp_path / "Drafts", create=False)
        for _, address in getaddresses(message.get_all("To", []))
    )
    wanted = sorted(e.casefold() for c in EXPECTED["case"] for e in c.get("drafts", []))
    assert recipients == wanted

    status = followup(tmp_path, "status", "--now", NOW).stdout
    interviews = [c for c in EXPECTED["case"] if c["interview"]]
    assert status.count("  why: ") == len(interviews)
    assert (
        "not followed up: Interview: Jordan Lee for Backend Engineer: not an interview:" in status
    )
    assert "organized at your own employer (contoso.example)" in status
    applications = json.loads(followup(tmp_path, "status", "--now", NOW, "--json").stdout)
    # Initech's two rounds are one application; every other interview is its own.
    assert len(applications) == len({c["company"] for c in interviews})
    calls = {a["company"]: a["call_with"] for a in applications}
    assert calls["Initech"] == "Joanna Lumbergh"  # the hiring manager of the latest round
