"""``followup status`` for people: a table of the applications, then what needs a look.

The table (``rich``) holds one row per application; below it, per application,
the lines that need reading: each draft, what the notes could not say, the
coach's findings, texts to send, a reply. Every value is shown as text, never
as ``rich`` markup: company names and notes come from invitations.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table
from rich.text import Text

from daemon.app.status import ApplicationStatus, DebriefLine, draft_summary

Echo = Callable[[str], None]


def _when(moment: datetime | None, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%b %d %H:%M}" if moment else "—"


def table(statuses: Sequence[ApplicationStatus], zone: ZoneInfo) -> str:
    grid = Table(show_lines=False, expand=False)
    for column in (
        "Application",
        "Stage",
        "Last interview",
        "Notes drafted/sent/late",
        "Hear back",
        "Next call",
        "Calls",
        "Findings",
    ):
        grid.add_column(column, overflow="fold")
    for s in statuses:
        notes = s.notes_count()
        name = f"{s.company} — {s.job}" if s.job else s.company
        grid.add_row(
            *(
                Text(cell)
                for cell in (
                    name,
                    s.stage or ("decided" if s.decided else "open"),
                    _when(s.last_interview, zone),
                    f"{notes['drafted']}/{notes['sent']}/{notes['late']}",
                    f"{s.hear_back:%a %b %d}" if s.hear_back else "—",
                    _when(s.next_call, zone),
                    str(s.calls_so_far),
                    str(len(s.finding_data)) if s.finding_data else "—",
                )
            )
        )
    width = max(100, shutil.get_terminal_size((140, 24)).columns)
    buffer = io.StringIO()
    Console(file=buffer, width=width, no_color=True, highlight=False).print(grid)
    return buffer.getvalue().rstrip("\n")


def debrief_text(debrief: DebriefLine, zone: ZoneInfo) -> str:
    local = debrief.at.astimezone(zone)
    filled = "filled in: its notes count" if debrief.filled else "not filled in yet"
    if debrief.status != "on the calendar":
        filled = debrief.status
    return f"debrief {local:%a %Y-%m-%d %H:%M} ({debrief.interview}): {filled}"


def details(s: ApplicationStatus, zone: ZoneInfo) -> list[str]:
    state = f"decided ({s.outcome})" if s.decided else "open"
    lines = [
        f"{s.company}{f' — {s.job}' if s.job else ''}: {state}",
        f"  interviews: {len(s.interviews)}, drafts: {draft_summary(s.drafts)}",
    ]
    for d in s.drafts:
        late = " (late)" if d.late else ""
        lines.append(f"    {d.kind:<9} {d.name} <{d.to}>: {d.status}{late}")
    lines += [f"  why: {reason}" for reason in s.why]
    lines += [f"  {debrief_text(debrief, zone)}" for debrief in s.debriefs]
    lines += [f"  notes: {warning}" for warning in s.warnings]
    if s.send_by:
        lines.append(f"  send-by reminder: {_when(s.send_by, zone)}")
    lines += [f"  text: Text a thank-you to {t.name} ({t.phone}): {t.sms}" for t in s.texts]
    lines += [f"  {finding}" for finding in s.findings]
    if s.acknowledged:
        lines.append(f"  tone: {s.acknowledged} phrase(s) kept as written (#tone-ok)")
    if s.reply:
        who, when = s.reply
        lines.append(f"  reply: from {who} on {_when(when, zone)}: the next call waits a week")
    if s.next_call:
        local = s.next_call.astimezone(zone)
        lines.append(f"  next call: {local:%a %Y-%m-%d %H:%M %Z} with {s.call_with or '?'}")
    return lines


def show(statuses: Sequence[ApplicationStatus], zone: ZoneInfo, echo: Echo) -> None:
    if not statuses:
        echo("no interviews yet")
        return
    echo(table(statuses, zone))
    for s in statuses:
        for line in details(s, zone):
            echo(line)
