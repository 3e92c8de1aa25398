"""The dispatcher settles every job by error class, paces channels, and never loses a job."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from lia_core.domain.delivery import Channel, JobName, JobStatus, Lane
from lia_core.domain.delivery_policy import FailureKind, RetryPolicy
from lia_core.errors import ConcurrencyConflict
from lia_core.ports import OutboundMessage
from lia_core.services.alerts import AlertPolicy
from lia_core.services.dispatch import DeliveryPolicy

from .delivery_harness import T0, build_harness


def unpaced(**knobs: Any) -> DeliveryPolicy:
    """A policy without rate or pair limits (pacing has its own tests)."""
    return DeliveryPolicy(rates={}, pair_intervals={}, **knobs)


async def test_due_jobs_are_sent_once_with_provider_ids() -> None:
    """Pending jobs are sent, marked sent with the provider id, and not sent again."""
    h = build_harness()
    first = await h.enqueue("5521999990001")
    second = await h.enqueue("5521999990002")
    report = await h.dispatcher.run_once(owner="w1")
    assert (report.claimed, report.sent) == (2, 2)
    for job_id in (first, second):
        job = h.store.jobs[job_id]
        assert job.status is JobStatus.SENT
        assert job.provider_message_id is not None
        assert job.attempts == 1
        assert job.lease_owner is None
    assert (await h.dispatcher.run_once(owner="w1")).claimed == 0
    assert len(h.senders[Channel.WHATSAPP].sent) == 2


async def test_transient_failures_back_off_then_dead_letter() -> None:
    """5xx-like failures retry with growing delays until max attempts, then dead-letter with the cause."""
    h = build_harness(policy=unpaced(retry=RetryPolicy(max_attempts=3)))
    job_id = await h.enqueue("5521999990001")
    h.senders[Channel.WHATSAPP].fail_next(*[FailureKind.TRANSIENT] * 3)
    for attempt in (1, 2):
        await h.dispatcher.run_once(owner="w1")
        job = h.store.jobs[job_id]
        assert job.status is JobStatus.PENDING
        assert job.attempts == attempt
        ceiling = 5.0 * 2 ** (attempt - 1)
        assert T0 <= job.next_attempt_at <= h.clock.now() + timedelta(seconds=ceiling)
        h.clock.set(job.next_attempt_at)
    await h.dispatcher.run_once(owner="w1")
    job = h.store.jobs[job_id]
    assert job.status is JobStatus.DEAD
    dead = h.store.dead_letters[job_id]
    assert dead.error.kind == "transient"
    assert dead.error.code == "E-transient"
    assert dead.attempts == 3
    assert dead.payload_hash == job.content.digest()
    assert dead.origin_queue is Lane.LIVE


async def test_permanent_failure_dead_letters_at_once() -> None:
    """A permanent rejection is not retried."""
    h = build_harness()
    job_id = await h.enqueue("5521999990001")
    h.senders[Channel.WHATSAPP].fail_next(FailureKind.PERMANENT)
    report = await h.dispatcher.run_once(owner="w1")
    assert report.dead == 1
    assert h.store.jobs[job_id].status is JobStatus.DEAD
    assert h.store.jobs[job_id].attempts == 1


async def test_unreachable_falls_back_to_the_next_channel() -> None:
    """Not on WhatsApp: the job moves to SMS and is sent there in the next round."""
    h = build_harness()
    job_id = await h.enqueue("5521999990001", fallback_channels=(Channel.SMS,))
    h.senders[Channel.WHATSAPP].fail_next(FailureKind.UNREACHABLE)
    assert (await h.dispatcher.run_once(owner="w1")).fell_back == 1
    job = h.store.jobs[job_id]
    assert (job.channel, job.status, job.fallback_channels) == (Channel.SMS, JobStatus.PENDING, ())
    await h.dispatcher.run_once(owner="w1")
    assert h.store.jobs[job_id].status is JobStatus.SENT
    assert len(h.senders[Channel.SMS].sent) == 1


async def test_rate_limited_waits_for_retry_after_capped() -> None:
    """A 429 with Retry-After 600 s waits the 120 s cap."""
    h = build_harness()
    job_id = await h.enqueue("5521999990001")
    sender = h.senders[Channel.WHATSAPP]
    sender.retry_after = 600
    sender.fail_next(FailureKind.RATE_LIMITED)
    await h.dispatcher.run_once(owner="w1")
    assert h.store.jobs[job_id].next_attempt_at == T0 + timedelta(seconds=120)


async def test_uncertain_send_is_not_resent() -> None:
    """A send that may have reached the provider waits for settlement instead of a second text."""
    h = build_harness()
    job_id = await h.enqueue("5521999990001")
    h.senders[Channel.WHATSAPP].fail_next(FailureKind.UNCERTAIN)
    await h.dispatcher.run_once(owner="w1")
    assert h.store.jobs[job_id].status is JobStatus.UNCERTAIN
    h.clock.advance(hours=1)
    assert (await h.dispatcher.run_once(owner="w1")).claimed == 0


async def test_channel_down_holds_jobs_and_alerts_the_admin() -> None:
    """An expired token holds the job without using an attempt and queues one alert to the admin."""
    h = build_harness(
        alert=AlertPolicy(
            admin_recipient="5521988887777", channel=Channel.SMS, cooldown_seconds=900
        )
    )
    job_id = await h.enqueue("5521999990001")
    h.senders[Channel.WHATSAPP].fail_next(FailureKind.CHANNEL_DOWN, FailureKind.CHANNEL_DOWN)
    await h.dispatcher.run_once(owner="w1")
    job = h.store.jobs[job_id]
    assert (job.status, job.attempts) == (JobStatus.PENDING, 0)
    alerts = [j for j in h.store.jobs.values() if j.job_name is JobName.NOTIFY_USER]
    assert [str(a.recipient) for a in alerts] == ["5521988887777"]
    assert alerts[0].channel is Channel.SMS
    h.clock.set(job.next_attempt_at)
    await h.dispatcher.run_once(owner="w1")  # sends the alert, fails the job again: cooldown
    assert len([j for j in h.store.jobs.values() if j.job_name is JobName.NOTIFY_USER]) == 1


async def test_breaker_opens_after_consecutive_failures_and_defers_sends() -> None:
    """Five straight transient failures open the breaker: later jobs wait without being sent."""
    h = build_harness(policy=unpaced(batch_size=5, concurrency=1))
    for n in range(8):
        await h.enqueue(f"55219999900{n:02d}")
    h.senders[Channel.WHATSAPP].fail_next(*[FailureKind.TRANSIENT] * 5)
    await h.dispatcher.run_once(owner="w1")
    assert [kind for kind, _ in h.alerts] == ["breaker_opened"]
    report = await h.dispatcher.run_once(owner="w1")
    assert report.sent == 0
    assert report.deferred == 3
    h.clock.advance(seconds=61)
    report = await h.dispatcher.run_once(owner="w1")
    assert report.sent >= 1  # the half-open probe went out and closed the breaker


async def test_live_jobs_are_claimed_before_bulk() -> None:
    """A live reply queued after a broadcast is still sent first."""
    h = build_harness(policy=unpaced(batch_size=1))
    bulk = await h.enqueue("5521999990001", lane=Lane.BULK)
    live = await h.enqueue("5521999990002")
    await h.dispatcher.run_once(owner="w1")
    assert h.store.jobs[live].status is JobStatus.SENT
    assert h.store.jobs[bulk].status is JobStatus.PENDING


async def test_bulk_never_books_far_ahead_of_live() -> None:
    """With a 2 msg/s channel, bulk jobs beyond the lookahead go back to the queue; live still goes."""
    policy = DeliveryPolicy(rates={Channel.WHATSAPP: 2.0}, pair_intervals={}, concurrency=1)
    h = build_harness(policy=policy)
    for n in range(6):
        await h.enqueue(f"55219999901{n:02d}", lane=Lane.BULK)
    report = await h.dispatcher.run_once(owner="w1")
    assert report.sent < 6
    assert report.deferred >= 1
    live = await h.enqueue("5521999990200")
    await h.dispatcher.run_once(owner="w1")
    assert h.store.jobs[live].status is JobStatus.SENT


async def test_pair_limit_spaces_messages_to_one_person() -> None:
    """Two WhatsApp messages to the same number go out at least 6 s apart."""
    policy = DeliveryPolicy(rates={}, pair_intervals={Channel.WHATSAPP: 6.0})
    h = build_harness(policy=policy)
    await h.enqueue("5521999990001")
    await h.enqueue("5521999990001")
    report = await h.dispatcher.run_once(owner="w1")
    assert (report.sent, report.deferred) == (1, 1)  # the second waits in the queue, not in memory
    waiting = next(j for j in h.store.jobs.values() if j.status is JobStatus.PENDING)
    assert waiting.next_attempt_at >= T0 + timedelta(seconds=6)
    h.clock.set(waiting.next_attempt_at)
    await h.dispatcher.run_once(owner="w1")
    assert len(h.senders[Channel.WHATSAPP].sent) == 2


async def test_expired_lease_is_reclaimed_and_the_old_owner_loses() -> None:
    """A worker that died mid-send leaves the job to another after the lease; its late write is refused."""
    h = build_harness(policy=unpaced(lease_seconds=30))
    job_id = await h.enqueue("5521999990001")
    async with h.store.unit_of_work() as uow:
        (claimed,) = await uow.outbox.claim(
            owner="dead-worker", now=h.clock.now(), lease_seconds=30, limit=10
        )
        await uow.commit()
    assert (await h.dispatcher.run_once(owner="w2")).claimed == 0
    h.clock.advance(seconds=31)
    assert (await h.dispatcher.run_once(owner="w2")).sent == 1
    claimed.status = JobStatus.DEAD
    async with h.store.unit_of_work() as uow:
        with pytest.raises(ConcurrencyConflict):
            await uow.outbox.save(claimed, owner="dead-worker")
    assert h.store.jobs[job_id].status is JobStatus.SENT


async def test_a_send_outliving_its_lease_leaves_the_job_to_the_new_owner() -> None:
    """The late outcome is counted as a lost lease: no dead letter, the new owner's state stays."""
    h = build_harness(policy=unpaced(lease_seconds=30))
    job_id = await h.enqueue("5521999990001")
    whatsapp = h.senders[Channel.WHATSAPP]

    class SlowSender:
        channel = Channel.WHATSAPP

        async def send(self, message: OutboundMessage) -> str:
            h.clock.advance(seconds=31)  # the lease expires mid-send and w2 takes the job
            async with h.store.unit_of_work() as uow:
                await uow.outbox.claim(owner="w2", now=h.clock.now(), lease_seconds=30, limit=1)
                await uow.commit()
            whatsapp.fail_next(FailureKind.PERMANENT)
            return await whatsapp.send(message)

    h.dispatcher.senders = {**h.senders, Channel.WHATSAPP: SlowSender()}
    report = await h.dispatcher.run_once(owner="w1")

    assert (report.claimed, report.dead, report.lost_leases) == (1, 1, 1)
    assert h.store.dead_letters == {}
    stored = h.store.jobs[job_id]
    assert (stored.status, stored.lease_owner) == (JobStatus.SENDING, "w2")
