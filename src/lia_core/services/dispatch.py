"""The worker's delivery loop: claim due jobs, pace them per channel, send, and settle each result."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta

import attrs

from lia_core.domain.delivery import (
    AwaitSettlement,
    Channel,
    DeadLetter,
    DeliveryErrorInfo,
    FallBack,
    GiveUp,
    HoldChannel,
    JobName,
    Lane,
    OutboundJob,
    RetryAt,
)
from lia_core.domain.delivery_policy import (
    FailureKind,
    RetryPolicy,
    SendFailure,
    decide_retry,
)
from lia_core.domain.pacing import CircuitBreaker, PairLimiter
from lia_core.errors import DatabaseUnavailable, DeliveryError
from lia_core.ports import Clock, MessageSender, OutboundMessage, RateGate, UnitOfWorkFactory
from lia_core.services.alerts import Alerter
from lia_core.services.message_events import job_events
from lia_core.services.send_slots import ProcessRateGate, SendSlots

__all__ = ["DeliveryPolicy", "DispatchReport", "Dispatcher"]

_BREAKER_KINDS = frozenset(
    {
        FailureKind.TRANSIENT,
        FailureKind.RATE_LIMITED,
        FailureKind.CHANNEL_DOWN,
        FailureKind.UNCERTAIN,
    }
)
"""Failures that say something about the channel, not about one recipient."""


@attrs.frozen(kw_only=True)
class DeliveryPolicy:
    """How the dispatcher paces and retries (defaults from the operations playbook)."""

    retry: RetryPolicy = attrs.field(factory=RetryPolicy)
    lease_seconds: float = 60.0
    batch_size: int = 200
    concurrency: int = 64
    breaker_threshold: int = 5
    breaker_cooldown_seconds: float = 60.0
    rates: Mapping[Channel, float] = attrs.field(
        factory=lambda: {
            Channel.WHATSAPP: 80.0,
            Channel.EVOLUTION: 20.0,
            Channel.SMS: 30.0,
            Channel.PUSH: 500.0,
            Channel.SANDBOX: 1000.0,
        }
    )
    pair_intervals: Mapping[Channel, float] = attrs.field(
        factory=lambda: {Channel.WHATSAPP: 6.0, Channel.EVOLUTION: 6.0}
    )
    bulk_lookahead_seconds: float = 0.25
    """Bulk jobs only book send slots this far ahead, so live jobs always find one within a second."""
    max_pacing_wait_seconds: float = 5.0
    """A live job that would wait longer for its slot goes back to the queue instead of blocking."""
    settle_batch: int = 100
    """Outcomes written per transaction (one commit per this many messages, not per message)."""
    rate_keys: Mapping[Channel, str] = attrs.field(factory=dict)
    """Whose cap a channel's sends count against (e.g. ``whatsapp:<phone number id>``); default: the channel."""
    lease_span_seconds: float = 0.1
    """With a shared rate gate, one take leases at most this many seconds of the rate."""


@attrs.define
class DispatchReport:
    """What one dispatch round did."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    uncertain: int = 0
    deferred: int = 0
    fell_back: int = 0
    lost_leases: int = 0


@attrs.define
class Dispatcher:
    """Claims and sends due jobs; one per worker process.

    The rate caps come from *rate_gate* (shared by every worker, leased in small batches);
    without one, each process keeps its own. Breakers and recipient spacing are per process.
    """

    uow: UnitOfWorkFactory
    clock: Clock
    senders: Mapping[Channel, MessageSender]
    policy: DeliveryPolicy
    alerter: Alerter
    monotonic: Callable[[], float]
    sleep: Callable[[float], Awaitable[None]]
    jitter: Callable[[], float]
    rate_gate: RateGate | None = None
    _slots: SendSlots = attrs.field(init=False)
    _wanting: dict[Channel, int] = attrs.field(factory=dict)
    _breakers: dict[tuple[Channel, JobName], CircuitBreaker] = attrs.field(factory=dict)
    _pairs: dict[Channel, PairLimiter] = attrs.field(factory=dict)
    _unsettled: list[tuple[OutboundJob, DeadLetter | None]] = attrs.field(factory=list)
    _deferrals: dict[Channel, int] = attrs.field(factory=dict)
    _flush_lock: asyncio.Lock = attrs.field(factory=asyncio.Lock)

    def __attrs_post_init__(self) -> None:
        shared = self.rate_gate is not None
        self._slots = SendSlots(
            gate=self.rate_gate or ProcessRateGate(self.monotonic),
            monotonic=self.monotonic,
            lease_span=self.policy.lease_span_seconds if shared else 0.0,
        )

    async def run_once(self, *, owner: str) -> DispatchReport:
        """Claim one batch, send it (live jobs first, concurrently), and settle every job."""
        report = DispatchReport()
        self._deferrals.clear()
        # Outcomes an unavailable database kept from being written last round go first:
        # those messages were sent, and must not be sent again when their lease runs out.
        await self._flush(owner, report)
        async with self.uow() as uow:
            jobs = await uow.outbox.claim(
                owner=owner,
                now=self.clock.now(),
                lease_seconds=self.policy.lease_seconds,
                limit=self.policy.batch_size,
            )
            await uow.commit()
        report.claimed = len(jobs)
        self._wanting.clear()
        for job in jobs:  # how many slots each channel's jobs of this round still want
            self._wanting[job.channel] = self._wanting.get(job.channel, 0) + 1
        gate = asyncio.Semaphore(self.policy.concurrency)

        async def one(job: OutboundJob) -> None:
            async with gate:
                await self._process(job, owner, report)

        # Claim order is live first; starting tasks in that order books live jobs' slots first.
        # Every send of the batch runs to its end even if a flush fails midway (the
        # database went away): the outcomes then wait in memory for the next flush.
        outcomes = await asyncio.gather(*(one(job) for job in jobs), return_exceptions=True)
        await self._flush(owner, report)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        return report

    def _breaker(self, job: OutboundJob) -> CircuitBreaker:
        key = (job.channel, job.job_name)
        if key not in self._breakers:
            self._breakers[key] = CircuitBreaker(
                threshold=self.policy.breaker_threshold,
                cooldown_seconds=self.policy.breaker_cooldown_seconds,
            )
        return self._breakers[key]

    def _rate_key(self, channel: Channel) -> str:
        return self.policy.rate_keys.get(channel, channel.value)

    async def _slot(self, job: OutboundJob, mono: float) -> float | None:
        """When this job may be sent (monotonic), or None if it should wait in the queue."""
        rate = self.policy.rates.get(job.channel)
        at = mono
        if rate:
            lookahead = (
                self.policy.bulk_lookahead_seconds
                if job.lane is Lane.BULK
                else self.policy.max_pacing_wait_seconds
            )
            wanting = self._wanting.get(job.channel, 1)
            self._wanting[job.channel] = max(1, wanting - 1)
            booked = await self._slots.reserve(
                self._rate_key(job.channel),
                rate=rate,
                burst=max(1.0, rate / 10),
                max_wait=lookahead,
                wanted=min(wanting, self.policy.concurrency),
            )
            if booked is None:
                return None
            at = booked
            mono = self.monotonic()  # a shared gate's take may have taken a moment
        interval = self.policy.pair_intervals.get(job.channel)
        if interval:
            limiter = self._pairs.setdefault(job.channel, PairLimiter(min_interval=interval))
            wait_left = self.policy.max_pacing_wait_seconds - (at - mono)
            return limiter.reserve(str(job.recipient), at, max_wait=max(0.0, wait_left))
        return at

    async def _process(self, job: OutboundJob, owner: str, report: DispatchReport) -> None:
        now_mono = self.monotonic()
        breaker = self._breaker(job)
        if not breaker.allows(now_mono):
            wait = max(1.0, breaker.reopens_at() - now_mono)
            self._requeue(job, after_seconds=wait)
            report.deferred += 1
            await self._settle(job, owner, None, report)
            return
        try:
            slot = await self._slot(job, now_mono)
        except DatabaseUnavailable as exc:
            # A shared rate gate lives in the database: without it nothing is sent. The job
            # waits in the queue (written with the round's other outcomes once the database
            # answers) instead of in `sending` until its lease runs out.
            self._requeue(job, after_seconds=exc.retry_after or 5.0)
            report.deferred += 1
            await self._settle(job, owner, None, report)
            raise
        if slot is None:
            self._requeue(job, after_seconds=self._retry_pacing_after(job, now_mono))
            report.deferred += 1
            await self._settle(job, owner, None, report)
            return
        if slot > now_mono and (wait := slot - self.monotonic()) > 0:
            await self.sleep(wait)  # from the clock now: a shared gate's take took a moment
        dead = await self._attempt(job, breaker, report)
        await self._settle(job, owner, dead, report)

    def _retry_pacing_after(self, job: OutboundJob, mono: float) -> float:
        """How long a job refused a send slot waits in the queue before trying again.

        Refused jobs of one round are spread over the time the channel needs to reach them
        (the n-th waits n / rate), so later rounds claim what can be sent instead of
        re-claiming and re-deferring the same backlog.
        """
        limiter = self._pairs.get(job.channel)
        pair_wait = limiter.free_at(str(job.recipient)) - mono if limiter is not None else 0.0
        rate = self.policy.rates.get(job.channel)
        queue_wait = 0.0
        if rate:
            position = self._deferrals.get(job.channel, 0)
            self._deferrals[job.channel] = position + 1
            queue_wait = self._slots.wait_time(self._rate_key(job.channel), mono) + position / rate
        return max(0.5, pair_wait, queue_wait)

    def _requeue(self, job: OutboundJob, *, after_seconds: float) -> None:
        now = self.clock.now()
        job.requeue(at=now + timedelta(seconds=after_seconds), now=now)

    async def _attempt(
        self, job: OutboundJob, breaker: CircuitBreaker, report: DispatchReport
    ) -> DeadLetter | None:
        sender = self.senders[job.channel]
        message = OutboundMessage(
            job_id=job.id,
            idempotency_key=job.idempotency_key,
            channel=job.channel,
            recipient=job.recipient,
            content=job.content,
            request_id=job.context.request_id,
        )
        try:
            provider_id = await sender.send(message)
        except DeliveryError as exc:
            return await self._failed(job, exc.failure, breaker, report)
        except (
            Exception
        ) as exc:  # a bug in an adapter must not lose the job: retry it, keep the cause
            failure = SendFailure(
                kind=FailureKind.TRANSIENT, provider=job.channel.value, excerpt=repr(exc)[:500]
            )
            return await self._failed(job, failure, breaker, report)
        breaker.record_success()
        job.mark_sent(provider_id, now=self.clock.now())
        report.sent += 1
        return None

    async def _failed(
        self,
        job: OutboundJob,
        failure: SendFailure,
        breaker: CircuitBreaker,
        report: DispatchReport,
    ) -> DeadLetter | None:
        now = self.clock.now()
        if failure.kind in _BREAKER_KINDS and breaker.record_failure(self.monotonic()):
            await self.alerter.breaker_opened(job.channel, job.job_name, failure)
        error = DeliveryErrorInfo(
            kind=failure.kind.value,
            code=failure.code,
            http_status=failure.http_status,
            provider=failure.provider,
            excerpt=failure.excerpt[: DeliveryErrorInfo.MAX_EXCERPT],
        )
        # A channel that is down says nothing about this message: the try uses no attempt.
        uses_attempt = failure.kind is not FailureKind.CHANNEL_DOWN
        job.record_failure(error, uses_attempt=uses_attempt, now=now)
        decision = decide_retry(
            failure,
            attempts=job.attempts,
            fallbacks=job.fallback_channels,
            policy=self.policy.retry,
            now=now,
            jitter=self.jitter(),
        )
        channel = job.channel
        dead = job.apply(decision, now=now)
        match decision:
            case RetryAt():
                report.retried += 1
            case FallBack():
                report.fell_back += 1
            case HoldChannel():
                await self.alerter.channel_down(channel, failure)
                report.retried += 1
            case AwaitSettlement():
                report.uncertain += 1
            case GiveUp():
                report.dead += 1
        return dead

    async def _settle(
        self, job: OutboundJob, owner: str, dead: DeadLetter | None, report: DispatchReport
    ) -> None:
        """Queue the job's new state for writing; write when enough have gathered."""
        self._unsettled.append((job, dead))
        if len(self._unsettled) >= self.policy.settle_batch:
            await self._flush(owner, report)

    async def _flush(self, owner: str, report: DispatchReport) -> None:
        """Write the queued outcomes (and dead letters) in one transaction.

        Writing per small group instead of per job saves a commit per message; a crash
        between send and flush only means those jobs are retried after their lease.

        Raises:
            DatabaseUnavailable: the outcomes stay queued; the next flush writes them
                (a job whose lease ran out meanwhile is another worker's: not written).
        """
        async with self._flush_lock:
            batch, self._unsettled = self._unsettled, []
            if not batch:
                return
            try:
                await self._write(batch, owner, report)
            except DatabaseUnavailable:
                self._unsettled[:0] = batch
                raise

    async def _write(
        self, batch: list[tuple[OutboundJob, DeadLetter | None]], owner: str, report: DispatchReport
    ) -> None:
        async with self.uow() as uow:
            # A job not written lost its lease: another worker has it, and its outcome wins.
            lost = set(await uow.outbox.save_many([job for job, _ in batch], owner=owner))
            report.lost_leases += len(lost)
            for job, dead in batch:
                if dead is not None and job.id not in lost:
                    await uow.dead_letters.add(dead)
            kept = [job for job, _ in batch if job.id not in lost]
            uow.events.publish(*await job_events(uow, kept, at=self.clock.now()))
            await uow.commit()
