"""Dead-letter use cases: list, show, and reprocess with filters, a per-job limit and an audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs

from lia_core.domain.activity import Actor, as_actor
from lia_core.domain.delivery import DeadLetter, OutboundJob
from lia_core.errors import PortError, ValidationError
from lia_core.ports import (
    AuditSink,
    Clock,
    DeadLetterFilter,
    IdGenerator,
    ReprocessAudit,
    UnitOfWorkFactory,
)
from lia_core.services.activity import record

__all__ = [
    "MAX_SELECTION",
    "DeadLetterDetails",
    "GetDeadLetterHandler",
    "ListDeadLettersHandler",
    "ReprocessDeadLetters",
    "ReprocessDeadLettersHandler",
    "ReprocessReport",
    "filter_description",
]

SAMPLE_SIZE = 10
MAX_SELECTION = 1000
"""Dead letters one run may name by id (a selection on a page); filters cover more."""


def filter_description(where: DeadLetterFilter) -> dict[str, str]:
    """The filters actually set, as strings (for the audit entry)."""
    found: dict[str, str | datetime | None] = {
        "job_name": where.job_name.value if where.job_name else None,
        "err_code": where.err_code,
        "since": where.since,
        "until": where.until,
        "job_ids": ",".join(sorted(where.job_ids)) if where.job_ids is not None else None,
    }
    return {
        k: (v.isoformat() if isinstance(v, datetime) else v)
        for k, v in found.items()
        if v is not None
    }


def _check_filter(where: DeadLetterFilter) -> None:
    if where.since is not None and where.until is not None and where.since >= where.until:
        raise ValidationError("--since must be before --until", field="since")
    if where.job_ids is not None and not where.job_ids:
        raise ValidationError("select at least one dead letter", field="job_ids")
    if where.job_ids is not None and len(where.job_ids) > MAX_SELECTION:
        raise ValidationError(
            f"select at most {MAX_SELECTION} dead letters (or use the filters)", field="job_ids"
        )


@attrs.frozen(kw_only=True)
class DeadLetterDetails:
    """A dead letter with its job (content included)."""

    dead: DeadLetter
    job: OutboundJob


@attrs.frozen(kw_only=True)
class ReprocessDeadLetters:
    """Requeue the dead letters matching a filter (``dry_run``: only count)."""

    where: DeadLetterFilter
    actor: Actor = attrs.field(converter=as_actor)
    dry_run: bool = False
    max_reprocess: int = 3
    limit: int | None = None


@attrs.frozen(kw_only=True)
class ReprocessReport:
    """What a reprocessing run did, as audited."""

    audit: ReprocessAudit
    skipped_ids: tuple[str, ...]
    published: bool


@attrs.frozen
class ListDeadLettersHandler:
    """Dead letters matching a filter, oldest first."""

    uow: UnitOfWorkFactory

    async def __call__(self, where: DeadLetterFilter, *, limit: int = 100) -> Sequence[DeadLetter]:
        """The matching dead letters."""
        _check_filter(where)
        async with self.uow() as uow:
            return await uow.dead_letters.list(where, limit=limit)


@attrs.frozen
class GetDeadLetterHandler:
    """One dead letter and its job."""

    uow: UnitOfWorkFactory

    async def __call__(self, job_id: str) -> DeadLetterDetails:
        """Raises NotFound when the job has no dead letter."""
        async with self.uow() as uow:
            dead = await uow.dead_letters.get(job_id)
            job = await uow.outbox.get(job_id)
        return DeadLetterDetails(dead=dead, job=job)


@attrs.frozen
class ReprocessDeadLettersHandler:
    """Requeue matching dead letters in one transaction, with the audit entry written alongside."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    sink: AuditSink | None = None

    async def __call__(self, cmd: ReprocessDeadLetters) -> ReprocessReport:
        """Requeue (or, dry run, count) and audit; jobs reprocessed `max_reprocess` times are skipped."""
        _check_filter(cmd.where)
        now = self.clock.now()
        requeued: list[str] = []
        skipped: list[str] = []
        async with self.uow() as uow:
            matched = await uow.dead_letters.list(cmd.where, limit=cmd.limit)
            for dead in matched:
                job = await uow.outbox.get(dead.job_id)
                if job.dlq_reprocess_count >= cmd.max_reprocess:
                    skipped.append(job.id)
                    continue
                requeued.append(job.id)
                if cmd.dry_run:
                    continue
                job.reprocess(now=now)
                await uow.outbox.update(job)
                await uow.dead_letters.remove(job.id)
            audit = ReprocessAudit(
                action_id=self.ids.new_id(),
                actor=cmd.actor.name,
                at=now,
                filters=filter_description(cmd.where),
                dry_run=cmd.dry_run,
                matched=len(matched),
                requeued=len(requeued),  # with dry_run: how many would have been
                skipped=len(skipped),
                sample_ids=tuple((requeued or skipped)[:SAMPLE_SIZE]),
            )
            await uow.dlq_audit.add(audit)
            if not cmd.dry_run:  # a dry run changes nothing: its trace is the DLQ audit alone
                await record(
                    uow,
                    self.ids,
                    cmd.actor,
                    at=now,
                    action="dead_letters.reprocess",
                    entity="dead_letter",
                    entity_id=audit.action_id,
                    details={
                        "matched": str(len(matched)),
                        "requeued": str(len(requeued)),
                        "skipped": str(len(skipped)),
                        **audit.filters,
                    },
                )
            await uow.commit()
        published = False
        if self.sink is not None:
            try:
                await self.sink.publish(audit)
                published = True
            except PortError:
                published = False  # the audit row is committed; the webhook is best effort
        return ReprocessReport(audit=audit, skipped_ids=tuple(skipped), published=published)
