"""``lia outbox list|settle|purge``: the outbound jobs, where each one is, settling uncertain ones,
and deleting finished ones past their retention."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

import click

from lia_core.domain.delivery import JobStatus, OutboundJob
from lia_core.domain.retention import RetentionTarget
from lia_core.services import ListOutbox, SettleJob, Settlement
from lia_core.services.outbox import MAX_LIST
from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._options import actor_option, json_option
from lia_entrypoints.cli.output import emit_json, local_time, table
from lia_entrypoints.cli.retention import purge_command
from lia_entrypoints.delivery_text import describe_error, mask_phone
from lia_entrypoints.schemas.delivery import JobOut

__all__ = ["describe_error", "job_table", "mask_phone", "outbox_group"]

_WAITING = {JobStatus.PENDING}


def job_table(jobs: Sequence[OutboundJob], tz: tzinfo) -> str:
    """One row per job, phone numbers masked."""
    rows = [
        [
            j.id,
            j.job_name.value,
            j.channel.value,
            mask_phone(str(j.recipient)),
            j.status.value,
            str(j.attempts),
            local_time(j.next_attempt_at, tz) if j.status in _WAITING else "-",
            describe_error(j.last_error),
        ]
        for j in jobs
    ]
    headers = ["ID", "JOB", "CHANNEL", "TO", "STATUS", "ATTEMPTS", "NEXT ATTEMPT", "LAST ERROR"]
    return table(headers, rows, widths={"ID": 36, "TO": 24, "LAST ERROR": 60})


@click.group("outbox")
def outbox_group() -> None:
    """Outbound message jobs: queued, being sent, sent, retried, dead."""


@outbox_group.command("list")
@click.option(
    "--status",
    type=click.Choice([s.value for s in JobStatus], case_sensitive=False),
    help="Only jobs in this status.",
)
@click.option("--to", "recipient", help="Only jobs to this recipient (exact).")
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_LIST),
    default=100,
    show_default=True,
    help="At most this many jobs.",
)
@json_option
@click.pass_obj
def list_(
    app: CliApp, status: str | None, recipient: str | None, limit: int, as_json: bool
) -> None:
    """List jobs, newest first (phone numbers are masked in the table, not in --json)."""
    with app.errors(as_json=as_json):
        query = ListOutbox(
            status=JobStatus(status.lower()) if status else None,
            recipient=recipient.strip() if recipient else None,
            limit=limit,
        )
        jobs = app.run(lambda rt: rt.services.list_outbox(query))
        tz = app.settings.tz
        if as_json:
            emit_json({"items": [JobOut.of(j, tz).model_dump(mode="json") for j in jobs]})
        elif not jobs:
            click.echo("no jobs; queue one with `lia message send`")
        else:
            click.echo(job_table(jobs, tz))


@outbox_group.command("settle")
@click.argument("job_id")
@click.option(
    "--sent",
    "outcome",
    flag_value=Settlement.SENT.value,
    help="It was delivered (the provider or the customer confirms it).",
)
@click.option(
    "--resend",
    "outcome",
    flag_value=Settlement.RESEND.value,
    help="It did not arrive: queue it again now.",
)
@click.option("--provider-id", help="The provider's message id, if known (with --sent).")
@actor_option
@json_option
@click.pass_obj
def settle(
    app: CliApp,
    job_id: str,
    outcome: str | None,
    provider_id: str | None,
    actor: str,
    as_json: bool,
) -> None:
    """Settle an uncertain job (a send whose answer never came): --sent or --resend.

    LIA never resends an uncertain message by itself, so a customer is not texted twice.
    """
    with app.errors(as_json=as_json):
        if outcome is None:
            raise click.UsageError("say --sent or --resend")
        command = SettleJob(
            job_id=job_id,
            outcome=Settlement(outcome),
            actor=actor,
            provider_message_id=provider_id,
        )
        job = app.run(lambda rt: rt.services.settle_job(command))
        if as_json:
            emit_json(JobOut.of(job, app.settings.tz).model_dump(mode="json"))
        else:
            click.echo(f"job {job.id} is now {job.status.value}")


outbox_group.add_command(
    purge_command(
        RetentionTarget.OUTBOX,
        "Delete finished jobs (sent, dead) created and last changed more than AGE ago, dead "
        "ones with their dead letter. Pending, sending and uncertain jobs are never touched.",
    )
)
