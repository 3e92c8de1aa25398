"""``lia dlq …``: dead letters: list, show, reprocess with filters (audited), and the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from typing import TypeVar

import click

from lia_core.domain.delivery import JobName
from lia_core.ports import DeadLetterFilter
from lia_core.services import ReprocessDeadLetters
from lia_core.services.audit_queries import MAX_AUDIT_LIST
from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._dlq_text import audit_table, dead_letter_details, dead_letter_table
from lia_entrypoints.cli._errors import InvalidInputError
from lia_entrypoints.cli._options import default_actor, json_option
from lia_entrypoints.cli.output import emit_json
from lia_entrypoints.schemas.base import parse_instant
from lia_entrypoints.schemas.delivery import (
    AuditOut,
    DeadLetterDetailsOut,
    DeadLetterOut,
    ReprocessOut,
)

__all__ = ["dlq_group"]

F = TypeVar("F", bound=Callable[..., object])


def _filter_options(func: F) -> F:
    """``--job-name --err-code --since --until``."""
    options = [
        click.option(
            "--job-name",
            type=click.Choice([j.value for j in JobName], case_sensitive=False),
            help="Only dead letters of this job name.",
        ),
        click.option("--err-code", metavar="CODE", help="Only this provider error code (131056)."),
        click.option(
            "--since", metavar="ISO8601", help="Failed at or after (ISP timezone unless offset)."
        ),
        click.option(
            "--until", metavar="ISO8601", help="Failed before (ISP timezone unless offset)."
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _where(
    job_name: str | None, err_code: str | None, since: str | None, until: str | None, tz: tzinfo
) -> DeadLetterFilter:
    start = parse_instant(since, tz, field="since") if since else None
    end = parse_instant(until, tz, field="until") if until else None
    if start is not None and end is not None and start >= end:
        raise InvalidInputError(
            "--since must be before --until", kind="validation_error", field="--since"
        )
    return DeadLetterFilter(
        job_name=JobName.parse(job_name) if job_name else None,
        err_code=(err_code.strip() or None) if err_code else None,
        since=start,
        until=end,
    )


def _clean_actor(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    if not value.strip():
        raise click.BadParameter("must not be blank")
    return value.strip()


@click.group("dlq")
def dlq_group() -> None:
    """Dead letters: messages given up on, with their cause; requeue them after a fix."""


@dlq_group.command("list")
@_filter_options
@click.option(
    "--limit",
    type=click.IntRange(1, 10_000),
    default=100,
    show_default=True,
    help="At most this many.",
)
@json_option
@click.pass_obj
def list_(
    app: CliApp,
    job_name: str | None,
    err_code: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List dead letters matching the filters, oldest failure first."""
    with app.errors(as_json=as_json):
        tz = app.settings.tz
        where = _where(job_name, err_code, since, until, tz)
        dead = app.run(lambda rt: rt.services.list_dead_letters(where, limit=limit))
        if as_json:
            emit_json({"items": [DeadLetterOut.of(d, tz).model_dump(mode="json") for d in dead]})
        elif not dead:
            click.echo("no dead letters match")
        else:
            click.echo(dead_letter_table(dead, tz))


@dlq_group.command("show")
@click.argument("job_id", metavar="JOB_ID")
@json_option
@click.pass_obj
def show(app: CliApp, job_id: str, as_json: bool) -> None:
    """Show one dead letter with its job and message content."""
    with app.errors(as_json=as_json):
        details = app.run(lambda rt: rt.services.get_dead_letter(job_id.strip()))
        tz = app.settings.tz
        if as_json:
            emit_json(DeadLetterDetailsOut.of(details, tz))
            return
        click.echo(f"dead letter {details.dead.job_id}")
        click.echo(dead_letter_details(details, tz))


@dlq_group.command("reprocess", short_help="Requeue the dead letters matching the filters.")
@_filter_options
@click.option("--limit", type=click.IntRange(1), help="Requeue at most this many (oldest first).")
@click.option("--dry-run", is_flag=True, help="Only count what would be requeued (still audited).")
@click.option(
    "--actor",
    default=default_actor,
    show_default="$LIA_ACTOR or your user name",
    callback=_clean_actor,
    help="Who is reprocessing, recorded in the audit trail.",
)
@json_option
@click.pass_obj
def reprocess(
    app: CliApp,
    job_name: str | None,
    err_code: str | None,
    since: str | None,
    until: str | None,
    limit: int | None,
    dry_run: bool,
    actor: str,
    as_json: bool,
) -> None:
    """Requeue the dead letters matching the filters; each job at most LIA_DELIVERY__MAX_DLQ_REPROCESS times."""
    with app.errors(as_json=as_json):
        settings = app.settings
        cmd = ReprocessDeadLetters(
            where=_where(job_name, err_code, since, until, settings.tz),
            actor=actor,
            dry_run=dry_run,
            max_reprocess=settings.delivery.max_dlq_reprocess,
            limit=limit,
        )
        report = app.run(lambda rt: rt.services.reprocess_dead_letters(cmd))
        if as_json:
            emit_json(ReprocessOut.of_report(report, settings.tz))
            return
        audit = report.audit
        done = "would requeue" if dry_run else "requeued"
        click.echo(
            f"reprocess run {audit.action_id} by {audit.actor}{' (dry run)' if dry_run else ''}"
        )
        limit_note = f" (reprocess limit of {cmd.max_reprocess} reached)" if audit.skipped else ""
        click.echo(
            f"matched {audit.matched} · {done} {audit.requeued} · "
            f"skipped {audit.skipped}{limit_note}"
        )
        if audit.sample_ids:
            click.echo(f"sample: {', '.join(audit.sample_ids)}")


@dlq_group.command("audit")
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_AUDIT_LIST),
    default=20,
    show_default=True,
    help="At most this many runs.",
)
@json_option
@click.pass_obj
def audit(app: CliApp, limit: int, as_json: bool) -> None:
    """List recent reprocessing runs, newest first."""
    with app.errors(as_json=as_json):
        entries = app.run(lambda rt: rt.services.list_dlq_audit(limit=limit))
        tz = app.settings.tz
        if as_json:
            emit_json({"items": [AuditOut.of(e, tz).model_dump(mode="json") for e in entries]})
        elif not entries:
            click.echo("no reprocessing runs yet")
        else:
            click.echo(audit_table(entries, tz))
