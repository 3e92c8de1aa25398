"""The proactive outage notice: tell every CRM customer in the affected regions before they write."""

from __future__ import annotations

from datetime import tzinfo

import attrs

from lia_core.domain.delivery import Channel, JobName, Lane, MessageContent, OutboundJob
from lia_core.domain.failures import FailureStatus
from lia_core.domain.matching import FailureIndex
from lia_core.domain.notices import FailureNotice
from lia_core.domain.recipients import parse_contact
from lia_core.errors import DomainError, ValidationError
from lia_core.ports import Clock, CustomerRoster, IdGenerator, UnitOfWorkFactory
from lia_core.services.broadcast import ChannelOrder, notice_for_contact

__all__ = ["NotifyAffectedCustomers", "NotifyAffectedCustomersHandler", "ProactiveReport"]

PAGE = 1000
"""Notices and jobs written per statement."""


@attrs.frozen(kw_only=True)
class NotifyAffectedCustomers:
    """Notify every CRM customer with a contract inside an active failure's regions."""

    failure_id: str
    template: str | None = None
    """An approved WhatsApp template (business-initiated messages need one); parameters are
    the customer's name, the failure's name and the estimated resolution."""


@attrs.frozen(kw_only=True)
class ProactiveReport:
    """How many customers were read, covered, newly queued, and told before."""

    scanned: int
    covered: int
    queued: int
    already_notified: int


@attrs.frozen
class NotifyAffectedCustomersHandler:
    """Walk the CRM, match each customer's contracts, queue notices on the bulk lane.

    Recorded like reactive notices (so the resolution broadcast reaches them) and keyed the
    same way, so running it twice, or a customer writing meanwhile, never sends twice.
    """

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    tz: tzinfo
    order: ChannelOrder
    roster: CustomerRoster

    async def __call__(self, cmd: NotifyAffectedCustomers) -> ProactiveReport:
        """Raises DomainError when the failure is not active, NotFound when unknown."""
        async with self.uow() as uow:
            failure = await uow.failures.get(cmd.failure_id)
            catalogue = await uow.regions.all()
        if failure.status is not FailureStatus.ACTIVE:
            raise DomainError(
                f"failure {failure.id} is {failure.status.value}: only active failures notify"
            )
        index = FailureIndex.build([failure], catalogue)
        channel = (self.order.get(JobName.OUTAGE_NOTICE) or (Channel.SANDBOX,))[0]
        scanned = covered = queued = 0
        jobs: list[OutboundJob] = []
        notices: list[FailureNotice] = []
        async for customer in self.roster.all_customers():
            scanned += 1
            if not any(index.match(loc) for loc in customer.locations()):
                continue
            try:
                contact = parse_contact(customer.phone)
            except ValidationError:
                continue  # a CRM row without a usable phone cannot be told anything
            covered += 1
            job, notice = notice_for_contact(
                failure,
                contact=contact,
                name=customer.name,
                channel=channel,
                order=self.order,
                job_id=self.ids.new_id(),
                now=self.clock.now(),
                tz=self.tz,
                source="proactive-notice",
            )
            job.lane = Lane.BULK  # live replies to customers who write go first
            if cmd.template:
                job.content = MessageContent(
                    text=job.content.text,
                    template=cmd.template,
                    params=(
                        customer.name,
                        failure.name,
                        failure.fill("{previsao}", customer_name="", tz=self.tz),
                    ),
                )
            jobs.append(job)
            notices.append(notice)
            if len(jobs) >= PAGE:
                queued += await self._write(jobs, notices)
                jobs, notices = [], []
        if jobs:
            queued += await self._write(jobs, notices)
        return ProactiveReport(
            scanned=scanned, covered=covered, queued=queued, already_notified=covered - queued
        )

    async def _write(self, jobs: list[OutboundJob], notices: list[FailureNotice]) -> int:
        async with self.uow() as uow:
            await uow.notices.record_many(notices)
            added = await uow.outbox.add_many(jobs)
            await uow.commit()
        return added
