"""The .ics backend: a calendar file or subscription URL, and a local file for the service's events.

This module only declares the backend; the adapter (``integrations.ics.calendar``)
and its icalendar dependency load when the backend is opened.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from daemon.app import checks
from daemon.app.backends import Backend, OpenContext, Port, Setting
from integrations.ics.urls import SCHEMES, is_url

if TYPE_CHECKING:
    from integrations.ics.calendar import IcsCalendar

__all__ = ["BACKENDS", "IcsCalendar"]


def __getattr__(name: str) -> Any:
    # ``from integrations.ics import IcsCalendar`` keeps working without making the
    # declaration above import icalendar.
    if name == "IcsCalendar":
        from integrations.ics.calendar import IcsCalendar

        return IcsCalendar
    raise AttributeError(name)


def _source(value: object, ctx: checks.CheckContext) -> str:
    """A local file (made absolute) or a URL the adapter can read."""
    if isinstance(value, str) and checks.is_url(value):
        if not is_url(value):
            scheme = value.split(":", 1)[0]
            raise checks.Invalid(
                f"unsupported URL scheme {scheme!r}, use {', '.join(SCHEMES)}"
                f" or a local file path (got {checks.show(value)})"
            )
        try:
            host = urlsplit(value).hostname
        except ValueError:
            host = None
        if not host:
            raise checks.Invalid(f"expected a URL with a host name (got {checks.show(value)})")
        return value
    return str(checks.local_path(value, ctx))


def _finish(values: dict[str, Any], ctx: checks.CheckContext) -> list[tuple[str, str]]:
    path = values.get("path")
    if path is None or "calls_path" in values:
        return []
    # The service writes its events into a local file; a subscription URL is read-only.
    if is_url(path):
        return [
            (
                "calls_path",
                "required when calendar.path is a URL"
                " (a local .ics file where follow-up calls are written)",
            )
        ]
    values["calls_path"] = Path(path)
    return []


def _open(context: OpenContext) -> object:
    from integrations.ics.calendar import IcsCalendar

    return IcsCalendar(
        context.options["path"],
        context.options["calls_path"],
        default_tz=context.timezone,
        now=context.clock,
    )


def _describe(options: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [
        ("calendar", f"ics, reading {options['path']}"),
        ("follow-up calls", f"written to {options['calls_path']}"),
    ]


BACKENDS = (
    Backend(
        name="ics",
        port=Port.CALENDAR,
        description="an .ics file or http(s)/webcal subscription URL",
        open=_open,
        settings={
            "path": Setting(
                _source,
                "The .ics file with your interviews, or its https:// or webcal:// URL.",
                required=True,
                example="calendar.ics",
            ),
            "calls_path": Setting(
                checks.local_path,
                "The local .ics file follow-up calls are written to."
                " Defaults to path; required when path is a URL.",
                example="calls.ics",
            ),
        },
        finish=_finish,
        describe=_describe,
    ),
)
