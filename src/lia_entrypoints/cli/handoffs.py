"""`lia handoff`: read the handoff ledger (why the bot let go, where to, who accepted, when)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

import click

from lia_core.handoff.session import HandoffEntry
from lia_core.services import ListHandoffs
from lia_core.services.handoffs import DEFAULT_HANDOFF_LIMIT
from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._options import json_option
from lia_entrypoints.cli.output import emit_json, local_time, table
from lia_entrypoints.schemas.handoffs import HandoffOut

__all__ = ["handoff_group", "handoff_table"]


@click.group("handoff")
def handoff_group() -> None:
    """The handoff ledger: every conversation the bot handed to humans."""


def handoff_table(entries: Sequence[HandoffEntry], tz: tzinfo) -> str:
    """One row per handoff, newest first."""
    rows = [
        [
            local_time(e.at, tz),
            e.reason.value,
            e.department,
            e.priority.value,
            e.conversation_id,
            e.accepted_by or "-",
            local_time(e.accepted_at, tz) if e.accepted_at else "-",
        ]
        for e in entries
    ]
    headers = ["AT", "REASON", "DEPARTMENT", "PRIORITY", "CONVERSATION", "ACCEPTED BY", "ACCEPTED"]
    return table(headers, rows, widths={"CONVERSATION": 40})


@handoff_group.command("list")
@click.option(
    "--reason",
    metavar="CODE",
    help="Only this reason: clear_intent, critical_intent, customer_asked, low_confidence, "
    "ambiguous, language, timeout_choice, out_of_hours.",
)
@click.option(
    "--since",
    metavar="WHEN",
    help="Handed at or after: 30m, 2h, 7d, 2w ago, or ISO 8601 (without an offset: $LIA_TIMEZONE).",
)
@click.option(
    "--limit",
    type=int,
    default=DEFAULT_HANDOFF_LIMIT,
    show_default=True,
    help="At most this many entries (1-1000).",
)
@json_option
@click.pass_obj
def list_(app: CliApp, reason: str | None, since: str | None, limit: int, as_json: bool) -> None:
    """List handoffs, newest first."""
    query = ListHandoffs(reason=reason, since=since, limit=limit)
    with app.errors(as_json=as_json):
        entries = app.run(lambda rt: rt.services.list_handoffs(query))
        tz = app.settings.tz
        if as_json:
            emit_json({"items": [HandoffOut.of(e, tz).model_dump(mode="json") for e in entries]})
        elif not entries:
            click.echo("no handoffs match")
        else:
            click.echo(handoff_table(entries, tz))
