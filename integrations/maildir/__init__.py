"""The Maildir backend: drafts as files in a local Maildir folder (the embedded default)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from daemon.app import checks
from daemon.app.backends import Backend, OpenContext, Port, Setting


def _open(context: OpenContext) -> object:
    from integrations.maildir.drafts import MaildirDraftStore

    return MaildirDraftStore(context.options["path"])


def _describe(options: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [("drafts", f"maildir, in {options['path']}")]


BACKENDS = (
    Backend(
        name="maildir",
        port=Port.DRAFTS,
        description="a local Maildir folder",
        open=_open,
        settings={
            "path": Setting(
                checks.local_path,
                "The Maildir folder your mail program shows as drafts (created if missing).",
                required=True,
                example="Drafts",
            ),
        },
        describe=_describe,
    ),
)
