"""Settling uncertain sends: the provider may or may not have delivered; someone who knows decides."""

from __future__ import annotations

import enum

import attrs

from lia_core.domain.activity import Actor, as_actor
from lia_core.domain.delivery import JobAction, OutboundJob
from lia_core.errors import DomainError
from lia_core.ports import Clock, IdGenerator, UnitOfWorkFactory
from lia_core.services.activity import record

__all__ = ["SettleJob", "SettleJobHandler", "Settlement"]


class Settlement(enum.StrEnum):
    """What became of an uncertain send."""

    SENT = "sent"
    """It was delivered (a status callback, the provider's console, the customer said so)."""
    RESEND = "resend"
    """It did not arrive: queue it again now."""


@attrs.frozen(kw_only=True)
class SettleJob:
    """Settle one uncertain job (by an operator now; by provider status callbacks later)."""

    job_id: str
    outcome: Settlement
    actor: Actor = attrs.field(converter=as_actor)
    provider_message_id: str | None = None


@attrs.frozen
class SettleJobHandler:
    """Move an uncertain job to sent, or back to the queue; any other job is refused."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator

    async def __call__(self, cmd: SettleJob) -> OutboundJob:
        """Return the settled job; DomainError when it is not uncertain, NotFound when unknown."""
        now = self.clock.now()
        async with self.uow() as uow:
            job = await uow.outbox.get(cmd.job_id)
            before = job.status
            if not job.allows(JobAction.SETTLE_SENT):
                raise DomainError(
                    f"job {job.id} is {job.status.value}: only uncertain jobs are settled"
                )
            if cmd.outcome is Settlement.SENT:
                job.settle_sent(cmd.provider_message_id, now=now)
            else:
                job.settle_resend(now=now)
            await uow.outbox.update(job)
            await record(
                uow,
                self.ids,
                cmd.actor,
                at=now,
                action="outbox.settle",
                entity="job",
                entity_id=job.id,
                from_state=before.value,
                to_state=job.status.value,
                details={"outcome": cmd.outcome.value},
            )
            await uow.commit()
        return job
