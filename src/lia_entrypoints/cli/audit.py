"""`lia audit`: read the audit log of staff actions; purge rows past their retention."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

import click

from lia_core.domain.activity import Activity
from lia_core.domain.retention import RetentionTarget
from lia_core.services import ListActivity
from lia_core.services.activity import DEFAULT_ACTIVITY_LIMIT
from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._options import json_option
from lia_entrypoints.cli.output import emit_json, local_time, table
from lia_entrypoints.cli.retention import purge_command
from lia_entrypoints.schemas.activity import ActivityOut

__all__ = ["activity_table", "audit_group"]


@click.group("audit")
def audit_group() -> None:
    """The audit log: who did what to tickets, outages, regions, dead letters, users, rules."""


def _change(entry: Activity) -> str:
    if entry.from_state is None and entry.to_state is None:
        return "-"
    return f"{entry.from_state or '-'} → {entry.to_state or '-'}"


def activity_table(entries: Sequence[Activity], tz: tzinfo) -> str:
    """One row per entry, newest first: when, who, action, entity, from → to, reason, address."""
    rows = [
        [
            local_time(e.at, tz),
            e.actor or "-",
            e.action,
            f"{e.entity}:{e.entity_id}",
            _change(e),
            e.reason or "-",
            e.ip or "-",
        ]
        for e in entries
    ]
    headers = ["AT", "USER", "ACTION", "ENTITY", "CHANGE", "REASON", "IP"]
    return table(headers, rows, widths={"ENTITY": 48, "CHANGE": 40, "REASON": 60})


@audit_group.command("list")
@click.option("--entity", metavar="KIND", help="Only this kind: failure, region, ticket, user, …")
@click.option("--entity-id", metavar="ID", help="Only this entity (with or without --entity).")
@click.option("--user", metavar="USERNAME", help="Only what this user (or service) did.")
@click.option(
    "--since",
    metavar="WHEN",
    help="At or after: 30m, 2h, 7d, 2w ago, or ISO 8601 (without an offset: $LIA_TIMEZONE).",
)
@click.option(
    "--limit",
    type=int,
    default=DEFAULT_ACTIVITY_LIMIT,
    show_default=True,
    help="At most this many entries (1-1000).",
)
@json_option
@click.pass_obj
def list_(
    app: CliApp,
    entity: str | None,
    entity_id: str | None,
    user: str | None,
    since: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List staff actions, newest first."""
    query = ListActivity(entity=entity, entity_id=entity_id, user=user, since=since, limit=limit)
    with app.errors(as_json=as_json):
        entries = app.run(lambda rt: rt.services.list_activity(query))
        tz = app.settings.tz
        if as_json:
            emit_json({"items": [ActivityOut.of(e, tz).model_dump(mode="json") for e in entries]})
        elif not entries:
            click.echo("no audit entries match")
        else:
            click.echo(activity_table(entries, tz))


audit_group.add_command(
    purge_command(
        RetentionTarget.AUDIT,
        "Delete audit rows written more than AGE ago. The purge itself is audited "
        "(retention.purge, with the count), so that row outlives it.",
    )
)
