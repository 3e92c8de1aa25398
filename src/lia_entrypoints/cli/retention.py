"""``lia outbox purge``, ``lia webhooks purge``, ``lia audit purge``: the retention purges by hand."""

from __future__ import annotations

import click

from lia_core.domain.activity import Actor
from lia_core.domain.retention import RetentionTarget, parse_age
from lia_core.services import Purge
from lia_core.services.retention import DEFAULT_BATCH, MAX_BATCH
from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._options import actor_option, json_option
from lia_entrypoints.cli.output import emit_json, local_time
from lia_entrypoints.schemas.retention import PurgeOut

__all__ = ["purge_command", "webhooks_group"]

_WHAT = {
    RetentionTarget.OUTBOX: ("finished jobs", "deleted"),
    RetentionTarget.WEBHOOKS: ("processed inbound messages and conversation previews", "blanked"),
    RetentionTarget.AUDIT: ("audit rows", "deleted"),
}


def purge_command(target: RetentionTarget, help: str) -> click.Command:
    """The ``purge`` command of *target*'s group."""

    @click.command("purge", help=help)
    @click.option(
        "--older-than",
        "older_than",
        required=True,
        metavar="AGE",
        help="Only rows older than this: 30d, 12h, 90m or 2w.",
    )
    @click.option("--dry-run", is_flag=True, help="Only count what would be purged.")
    @click.option(
        "--batch-size",
        type=click.IntRange(1, MAX_BATCH),
        default=DEFAULT_BATCH,
        show_default=True,
        help="Rows per transaction (each batch commits on its own).",
    )
    @actor_option
    @json_option
    @click.pass_obj
    def purge(
        app: CliApp,
        older_than: str,
        dry_run: bool,
        batch_size: int,
        actor: str,
        as_json: bool,
    ) -> None:
        with app.errors(as_json=as_json):
            command = Purge(
                target=target,
                older_than=parse_age(older_than),
                actor=Actor(name=actor),
                dry_run=dry_run,
                batch_size=batch_size,
            )
            report = app.run(lambda rt: rt.services.retention.purge(command))
            tz = app.settings.tz
            if as_json:
                emit_json(PurgeOut.of(report, tz).model_dump(mode="json"))
                return
            what, done = _WHAT[target]
            verb = "would be" if dry_run else "were"
            click.echo(
                f"{report.count} {what} older than {local_time(report.before, tz)} {verb} {done}"
            )

    return purge


@click.group("webhooks")
def webhooks_group() -> None:
    """What the providers' webhooks brought: the stored inbound messages."""


webhooks_group.add_command(
    purge_command(
        RetentionTarget.WEBHOOKS,
        "Blank the content (text, display name, details, reply id) of processed inbound "
        "messages older than AGE. The row and its provider message id stay, so a provider's "
        "late retry is still recognised as a duplicate; messages not processed yet are never touched. "
        "Conversations whose last message is older than AGE lose its preview in the list too.",
    )
)
