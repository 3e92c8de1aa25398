"""``lia rules …``: the desk policy (escalation rules, SLA policies, calendar, alert channels)."""

from __future__ import annotations

from pathlib import Path

import click

from lia_core.domain.activity import Actor
from lia_core.services import LoadDeskPolicy
from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._errors import InvalidInputError
from lia_entrypoints.cli._options import actor_option, json_option
from lia_entrypoints.cli.output import emit_json, local_time, table
from lia_entrypoints.schemas.desk_policy import (
    DeskPolicyLoadOut,
    DeskPolicyOut,
    DeskPolicyRevisionOut,
    TicketExplanationOut,
    explanation_lines,
    revision_header,
)

__all__ = ["rules_group"]


@click.group("rules")
def rules_group() -> None:
    """The desk policy: load a revision, show it, list the revisions, explain a ticket."""


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidInputError(f"{path}: not UTF-8 text", field="FILE") from None
    except OSError as exc:
        raise InvalidInputError(f"{path}: {exc.strerror or exc}", field="FILE") from None


@rules_group.command("load")
@click.argument("file", metavar="FILE")
@click.option("--dry-run", is_flag=True, help="Only check the file; store nothing.")
@actor_option
@json_option
@click.pass_obj
def load(app: CliApp, file: str, dry_run: bool, actor: str, as_json: bool) -> None:
    """Check a desk-policy TOML file and store it as the next revision.

    Every fault is printed as FILE:LINE: message (exit 2). `lia serve` and `lia worker` apply
    a new revision within LIA_DESK__POLICY_REFRESH_SECONDS, without a restart.
    """
    with app.errors(as_json=as_json):
        cmd = LoadDeskPolicy(
            source=_read(file), actor=Actor(name=actor), filename=file, dry_run=dry_run
        )
        loaded = app.run(lambda rt: rt.services.load_desk_policy(cmd))
        if as_json:
            emit_json(DeskPolicyLoadOut.of(loaded, app.settings.tz))
        elif loaded.revision is None:
            click.echo("valid, not stored (dry run)")
        else:
            click.echo(f"revision {loaded.revision.revision} loaded")


@rules_group.command("show")
@click.option(
    "--revision", type=click.IntRange(min=1), help="A stored revision (default: the latest)."
)
@json_option
@click.pass_obj
def show(app: CliApp, revision: int | None, as_json: bool) -> None:
    """Print the desk policy in force (or --revision N) as stored, after a header line."""
    with app.errors(as_json=as_json):
        current = app.run(lambda rt: rt.services.show_desk_policy(revision))
        if as_json:
            emit_json(DeskPolicyOut.of(current, app.settings.tz))
        else:
            click.echo(revision_header(current, app.settings.tz))
            click.echo(current.source.rstrip("\n"))


@rules_group.command("history")
@click.option(
    "--limit",
    type=click.IntRange(1, 1000),
    default=50,
    show_default=True,
    help="Most revisions listed.",
)
@json_option
@click.pass_obj
def history(app: CliApp, limit: int, as_json: bool) -> None:
    """List the stored revisions, newest first."""
    with app.errors(as_json=as_json):
        revisions = app.run(lambda rt: rt.services.desk_policy_history(limit))
        tz = app.settings.tz
        if as_json:
            items = [DeskPolicyRevisionOut.of(r, tz).model_dump(mode="json") for r in revisions]
            emit_json({"items": items})
        elif not revisions:
            click.echo("no revisions; the built-in desk policy applies (`lia rules show`)")
        else:
            rows = [
                [
                    str(r.revision),
                    local_time(r.loaded_at, tz),
                    r.loaded_by,
                    r.filename or "-",
                    r.digest[:12],
                ]
                for r in revisions
            ]
            click.echo(table(["REVISION", "LOADED", "BY", "FILE", "SHA-256"], rows))


@rules_group.command("explain")
@click.argument("ticket_id", metavar="TICKET_ID")
@json_option
@click.pass_obj
def explain(app: CliApp, ticket_id: str, as_json: bool) -> None:
    """Which rules of the policy in force match a ticket and why, and what they would do.

    Nothing is changed: the rules run for real on the ticket's next event.
    """
    with app.errors(as_json=as_json):
        explained = app.run(lambda rt: rt.services.explain_ticket(ticket_id))
        shape = TicketExplanationOut.of(explained, app.settings.tz)
        if as_json:
            emit_json(shape)
        else:
            click.echo("\n".join(explanation_lines(shape)))
