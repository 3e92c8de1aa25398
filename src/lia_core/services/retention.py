"""Retention purges: `lia outbox|webhooks|audit purge` and the worker's schedule.

A purge removes (or blanks) what is older than a cutoff in batches, each its own
transaction, so a purge of millions never holds its locks for long and a crash loses at most
one batch's work, which the next run does again. The purge is audited once, at its end, with
how many rows it purged (``retention.purge``); that entry is new, so it outlives the purge of
the audit log that wrote it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import attrs

from lia_core.domain.activity import Actor
from lia_core.domain.retention import RetentionPolicy, RetentionTarget
from lia_core.errors import ValidationError
from lia_core.ports import Clock, IdGenerator, UnitOfWorkFactory
from lia_core.services.activity import record

__all__ = ["DEFAULT_BATCH", "MAX_BATCH", "Purge", "PurgeReport", "Retention"]

DEFAULT_BATCH = 1000
"""Rows per transaction when none is said."""
MAX_BATCH = 100_000
"""The most rows one transaction purges."""


@attrs.frozen(kw_only=True)
class Purge:
    """Purge *target*'s rows older than *older_than* (or only count them, *dry_run*)."""

    target: RetentionTarget
    older_than: timedelta
    actor: Actor
    dry_run: bool = False
    batch_size: int = DEFAULT_BATCH

    def __attrs_post_init__(self) -> None:
        if self.older_than <= timedelta(0):
            raise ValidationError("the age must be more than zero", field="older_than")
        if not 1 <= self.batch_size <= MAX_BATCH:
            raise ValidationError(
                f"the batch size must be between 1 and {MAX_BATCH:,}", field="batch_size"
            )


@attrs.frozen(kw_only=True)
class PurgeReport:
    """What a purge did: its cutoff, and how many rows it purged (a dry run: would purge)."""

    target: RetentionTarget
    before: datetime
    count: int
    dry_run: bool
    batches: int


@attrs.frozen
class Retention:
    """Purges of old rows, by hand or on the worker's schedule."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator

    async def purge(self, cmd: Purge) -> PurgeReport:
        """Purge (or count, dry run) *cmd.target*'s rows older than *cmd.older_than*."""
        now = self.clock.now()
        before = now - cmd.older_than
        if cmd.dry_run:
            async with self.uow() as uow:
                count = await uow.retention.count(cmd.target, before=before)
            return PurgeReport(
                target=cmd.target, before=before, count=count, dry_run=True, batches=0
            )
        purged, batches = 0, 0
        while True:
            async with self.uow() as uow:
                done = await uow.retention.purge(
                    cmd.target, before=before, now=self.clock.now(), limit=cmd.batch_size
                )
                await uow.commit()
            purged += done
            batches += 1
            # Rows newer than the cutoff never qualify, so this ends however busy the tables are.
            if done < cmd.batch_size:
                break
        async with self.uow() as uow:
            await record(
                uow,
                self.ids,
                cmd.actor,
                at=self.clock.now(),
                action="retention.purge",
                entity="retention",
                entity_id=cmd.target.value,
                reason=f"older than {_age(cmd.older_than)}",
                details={"before": before.isoformat(), "purged": str(purged)},
            )
            await uow.commit()
        return PurgeReport(
            target=cmd.target, before=before, count=purged, dry_run=False, batches=batches
        )

    async def purge_login_failures(
        self, *, forget_after: timedelta, batch_size: int = DEFAULT_BATCH
    ) -> int:
        """Delete failed-sign-in counts idle for *forget_after*; how many went.

        A sign-in would start such a count from zero anyway, so nothing changes for anyone:
        the rows (one per username and address an attack tried) only took space. Not audited:
        counters, no person's data, and the worker does it every round.
        """
        before = self.clock.now() - forget_after
        purged = 0
        while True:
            async with self.uow() as uow:
                done = await uow.login_failures.purge(before=before, limit=batch_size)
                await uow.commit()
            purged += done
            if done < batch_size:
                return purged

    async def run_due(self, policy: RetentionPolicy, *, actor: Actor) -> Sequence[PurgeReport]:
        """The worker's job: purge every target the policy does not keep forever."""
        return [
            await self.purge(
                Purge(target=target, older_than=age, actor=actor, batch_size=policy.batch_size)
            )
            for target, age in policy.ages().items()
        ]


def _age(age: timedelta) -> str:
    seconds = int(age.total_seconds())
    for unit, size in (("d", 86_400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
