"""Outage notices and the resolution broadcast: who was told, and telling them it is over."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo

import attrs

from lia_core.domain.activity import Actor, as_actor
from lia_core.domain.delivery import (
    Channel,
    JobContext,
    JobName,
    JobStatus,
    MessageContent,
    OutboundJob,
)
from lia_core.domain.failures import FailureAction, FailureStatus, MassiveFailure
from lia_core.domain.notices import FailureNotice, NoticeKind
from lia_core.domain.recipients import Recipient, parse_contact, parse_recipient
from lia_core.errors import DomainError
from lia_core.ports import Clock, IdGenerator, UnitOfWork, UnitOfWorkFactory
from lia_core.services.failures import record_status
from lia_core.services.outbox import new_job

__all__ = [
    "BROADCAST_PAGE",
    "ChannelOrder",
    "DeliveryTally",
    "FailureDetailsHandler",
    "FailureProgress",
    "FailureProgressHandler",
    "FailureWithCounts",
    "NotifyContact",
    "NotifyContactHandler",
    "NotifyResult",
    "ResolutionReport",
    "ResolveAndBroadcast",
    "ResolveAndBroadcastHandler",
    "notice_for_contact",
]

BROADCAST_PAGE = 5000
"""Notices read and jobs written per statement; memory stays flat whatever the audience."""

ChannelOrder = Mapping[JobName, tuple[Channel, ...]]
"""Per notification type, the channels to try in order (first that works wins)."""

Progress = Callable[[int, int], None]
"""Called with (done, total) as the broadcast is written."""


def _fallbacks(order: ChannelOrder, job_name: JobName, first: Channel) -> tuple[Channel, ...]:
    return tuple(c for c in order.get(job_name, ()) if c is not first)


def notice_for_contact(
    failure: MassiveFailure,
    *,
    contact: Recipient,
    name: str,
    channel: Channel,
    order: ChannelOrder,
    job_id: str,
    now: datetime,
    tz: tzinfo,
    source: str,
    reply_to: str | None = None,
    request_id: str | None = None,
) -> tuple[OutboundJob, FailureNotice]:
    """The notice job for one contact and the record that they were told (store both, or neither).

    *reply_to* is the platform's id as given, read here; the contact is already typed.
    *request_id*: the webhook request that brought the message answered (`JobContext`).
    """
    job = new_job(
        job_id=job_id,
        job_name=JobName.OUTAGE_NOTICE,
        channel=channel,
        recipient=parse_recipient(reply_to, channel=channel) if reply_to else contact,
        content=MessageContent(text=failure.notice_for(customer_name=name, tz=tz)),
        context=JobContext(source=source, correlation_id=failure.id, request_id=request_id),
        idempotency_key=f"notice:{failure.id}:{contact}",
        now=now,
        fallback_channels=_fallbacks(order, JobName.OUTAGE_NOTICE, channel),
    )
    notice = FailureNotice(
        failure_id=failure.id,
        recipient=contact,
        name=name,
        channel=channel,
        kind=NoticeKind.NOTICE,
        job_id=job.id,
        created_at=now,
        reply_to=reply_to if reply_to and reply_to != str(contact) else None,
    )
    return job, notice


@attrs.frozen(kw_only=True)
class NotifyContact:
    """Tell one contact about an active failure (at most once per failure)."""

    failure_id: str
    recipient: str
    name: str = ""
    channel: Channel | None = None
    source: str = "cli"


@attrs.frozen(kw_only=True)
class NotifyResult:
    """The notice job, and whether it is new (False: this contact was already told)."""

    recipient: str
    """The contact as stored: the canonical number (E.164 digits), or a push token as given."""
    job: OutboundJob | None
    created: bool


@attrs.frozen
class NotifyContactHandler:
    """Queue the failure's notice for a contact and record that they were told, atomically."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    tz: tzinfo
    order: ChannelOrder

    async def __call__(self, cmd: NotifyContact) -> NotifyResult:
        """Raises DomainError when the failure is not active, ValidationError for a bad number."""
        now = self.clock.now()
        channel = cmd.channel or (self.order.get(JobName.OUTAGE_NOTICE) or (Channel.SANDBOX,))[0]
        # The same key the gate and the proactive notice use, so "(21) 98765-4321" and
        # "+55 21 98765-4321" are one contact, told once, and the broadcast can trust it.
        contact = (
            parse_recipient(cmd.recipient, channel=channel)  # a device token, not a number
            if channel is Channel.PUSH
            else parse_contact(cmd.recipient, field="to")
        )
        async with self.uow() as uow:
            failure = await uow.failures.get(cmd.failure_id)
            if failure.status is not FailureStatus.ACTIVE:
                raise DomainError(
                    f"failure {failure.id} is {failure.status.value}: only active failures notify"
                )
            job, notice = notice_for_contact(
                failure,
                contact=contact,
                name=cmd.name,
                channel=channel,
                order=self.order,
                job_id=self.ids.new_id(),
                now=now,
                tz=self.tz,
                source=cmd.source,
            )
            if not await uow.notices.record(notice):
                return NotifyResult(recipient=str(contact), job=None, created=False)
            await uow.outbox.add(job)
            await uow.commit()
        return NotifyResult(recipient=str(contact), job=job, created=True)


@attrs.frozen(kw_only=True)
class ResolveAndBroadcast:
    """Resolve a failure and, with ``broadcast``, send its resolution message to everyone told."""

    failure_id: str
    actor: Actor = attrs.field(converter=as_actor)
    broadcast: bool = True
    resolution_message: str | None = None


@attrs.frozen(kw_only=True)
class ResolutionReport:
    """The resolved failure and how many resolution messages were queued."""

    failure: MassiveFailure
    notified: int
    queued: int
    already_queued: int


async def _queue_resolutions(
    uow: UnitOfWork,
    failure: MassiveFailure,
    *,
    ids: IdGenerator,
    clock: Clock,
    tz: tzinfo,
    order: ChannelOrder,
    total: int,
    progress: Progress | None,
) -> tuple[int, int]:
    """Stream the notices page by page and write one resolution job per contact."""
    queued = seen = 0
    after: str | None = None
    now = clock.now()
    while True:
        page = await uow.notices.page(
            failure.id, NoticeKind.NOTICE, after=after, limit=BROADCAST_PAGE
        )
        if not page:
            break
        jobs: list[OutboundJob] = []
        records: list[FailureNotice] = []
        for notice in page:
            text = failure.resolution_notice_for(customer_name=notice.name, tz=tz) or ""
            job = new_job(
                job_id=ids.new_id(),
                job_name=JobName.OUTAGE_RESOLUTION,
                channel=notice.channel,
                recipient=notice.address,
                content=MessageContent(text=text),
                context=JobContext(source="resolution-broadcast", correlation_id=failure.id),
                idempotency_key=f"resolution:{failure.id}:{notice.recipient}",
                now=now,
                fallback_channels=_fallbacks(order, JobName.OUTAGE_RESOLUTION, notice.channel),
            )
            jobs.append(job)
            records.append(
                attrs.evolve(notice, kind=NoticeKind.RESOLUTION, job_id=job.id, created_at=now)
            )
        queued += await uow.outbox.add_many(jobs)
        await uow.notices.record_many(records)
        seen += len(page)
        after = str(page[-1].recipient)
        if progress is not None:
            progress(seen, total)
    return seen, queued


@attrs.frozen
class ResolveAndBroadcastHandler:
    """Resolve and enqueue the broadcast in the same transaction: all of it, or none."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    tz: tzinfo
    order: ChannelOrder

    async def __call__(
        self, cmd: ResolveAndBroadcast, *, progress: Progress | None = None
    ) -> ResolutionReport:
        """Raises InvalidTransition (nothing queued) when the failure cannot be resolved."""
        async with self.uow() as uow:
            failure = await uow.failures.get(cmd.failure_id)
            before = failure.status
            now = self.clock.now()
            failure.apply(
                FailureAction.RESOLVE,
                by=cmd.actor.name,
                at=now,
                resolution_message=cmd.resolution_message,
            )
            await uow.failures.update(failure)
            total = (await uow.notices.counts(failure.id)).get(NoticeKind.NOTICE, 0)
            seen = queued = 0
            if cmd.broadcast and failure.resolution_message:
                seen, queued = await _queue_resolutions(
                    uow,
                    failure,
                    ids=self.ids,
                    clock=self.clock,
                    tz=self.tz,
                    order=self.order,
                    total=total,
                    progress=progress,
                )
            await record_status(
                uow,
                self.ids,
                cmd.actor,
                failure,
                before,
                FailureAction.RESOLVE,
                at=now,
                details={"broadcast": "yes" if cmd.broadcast else "no", "queued": str(queued)},
            )
            await uow.commit()
        return ResolutionReport(
            failure=failure, notified=total, queued=queued, already_queued=seen - queued
        )


@attrs.frozen(kw_only=True)
class FailureWithCounts:
    """A failure and how many contacts got its notice and its resolution."""

    failure: MassiveFailure
    notices: int
    resolutions: int


@attrs.frozen
class FailureDetailsHandler:
    """A failure with its notice counts (`lia failure show`)."""

    uow: UnitOfWorkFactory

    async def __call__(self, failure_id: str) -> FailureWithCounts:
        """Raises NotFound."""
        async with self.uow() as uow:
            failure = await uow.failures.get(failure_id)
            counts = await uow.notices.counts(failure_id)
        return FailureWithCounts(
            failure=failure,
            notices=counts.get(NoticeKind.NOTICE, 0),
            resolutions=counts.get(NoticeKind.RESOLUTION, 0),
        )


@attrs.frozen(kw_only=True)
class DeliveryTally:
    """Where the messages of one kind (notices or resolutions) of a failure stand."""

    contacts: int = 0
    """Contacts recorded as told (each counted below unless its job is not in the outbox)."""
    queued: int = 0
    """Waiting in the outbox or being sent right now."""
    sent: int = 0
    uncertain: int = 0
    """Handed over but unconfirmed (the provider's receipt will settle them)."""
    failed: int = 0
    """Given up: in the dead letters."""

    @property
    def draining(self) -> bool:
        """True while some are still waiting to be sent."""
        return self.queued > 0

    @classmethod
    def of(cls, by_status: Mapping[JobStatus | None, int]) -> DeliveryTally:
        """Fold job statuses (None: no job) into the numbers shown."""
        return cls(
            contacts=sum(by_status.values()),
            queued=by_status.get(JobStatus.PENDING, 0) + by_status.get(JobStatus.SENDING, 0),
            sent=by_status.get(JobStatus.SENT, 0),
            uncertain=by_status.get(JobStatus.UNCERTAIN, 0),
            failed=by_status.get(JobStatus.DEAD, 0),
        )


@attrs.frozen(kw_only=True)
class FailureProgress:
    """A failure, and its notices and resolution messages as the outbox delivers them."""

    failure: MassiveFailure
    notices: DeliveryTally
    resolutions: DeliveryTally

    @property
    def draining(self) -> bool:
        """True while a notice or a resolution message is still waiting to be sent."""
        return self.notices.draining or self.resolutions.draining


@attrs.frozen
class FailureProgressHandler:
    """A failure with how its messages stand in the outbox (the console's detail and live
    counts): one grouped query over its notices, outer-joined to their jobs."""

    uow: UnitOfWorkFactory

    async def __call__(self, failure_id: str) -> FailureProgress:
        """Raises NotFound."""
        async with self.uow() as uow:
            failure = await uow.failures.get(failure_id)
            counts = await uow.notices.delivery(failure_id)

        def tally(kind: NoticeKind) -> DeliveryTally:
            return DeliveryTally.of({s: n for (k, s), n in counts.items() if k is kind})

        return FailureProgress(
            failure=failure,
            notices=tally(NoticeKind.NOTICE),
            resolutions=tally(NoticeKind.RESOLUTION),
        )
