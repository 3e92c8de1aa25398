"""An outbox job moves only along its state machine, and refused transitions change nothing."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from lia_core.domain.delivery import (
    JOB_TRANSITIONS,
    AwaitSettlement,
    Channel,
    DeliveryErrorInfo,
    FallBack,
    GiveUp,
    HoldChannel,
    JobAction,
    JobContext,
    JobName,
    JobStatus,
    Lane,
    MessageContent,
    OutboundJob,
    RetryAt,
    RetryDecision,
)
from lia_core.domain.recipients import Phone
from lia_core.errors import InvalidTransition

S = JobStatus
# The oracle, written out by hand: which status each step leads to, from where. Every
# (status, step) pair not listed is refused.
ALLOWED: dict[tuple[JobStatus, str], JobStatus] = {
    (S.PENDING, "claim"): S.SENDING,
    (S.SENDING, "claim"): S.SENDING,  # only once the lease has expired
    (S.SENDING, "requeue"): S.PENDING,
    (S.SENDING, "mark_sent"): S.SENT,
    (S.SENDING, "fail"): S.SENDING,
    (S.SENDING, "retry"): S.PENDING,
    (S.SENDING, "hold"): S.PENDING,
    (S.SENDING, "fall_back"): S.PENDING,
    (S.SENDING, "await"): S.UNCERTAIN,
    (S.SENDING, "give_up"): S.DEAD,
    (S.UNCERTAIN, "settle_sent"): S.SENT,
    (S.UNCERTAIN, "settle_resend"): S.PENDING,
    (S.DEAD, "reprocess"): S.PENDING,
}
T0 = datetime(2026, 5, 20, 14, 30, tzinfo=UTC)
LEASE = 60.0
ERROR = DeliveryErrorInfo(kind="transient", code="500", provider="whatsapp")
STEPS = sorted({step for _, step in ALLOWED})


def a_job(**overrides: object) -> OutboundJob:
    """A pending WhatsApp job due at T0 with an SMS fallback."""
    job = OutboundJob(
        id="j-1",
        job_name=JobName.SEND_WHATSAPP,
        channel=Channel.WHATSAPP,
        recipient=Phone.stored("5521999998888"),
        content=MessageContent(text="Olá"),
        context=JobContext(source="test"),
        idempotency_key="k-1",
        lane=Lane.LIVE,
        next_attempt_at=T0,
        fallback_channels=(Channel.SMS,),
        created_at=T0,
        updated_at=T0,
    )
    for name, value in overrides.items():
        setattr(job, name, value)
    return job


def _decide(decision: RetryDecision) -> Callable[[OutboundJob, datetime], object]:
    return lambda job, now: job.apply(decision, now=now)


def step(name: str) -> Callable[[OutboundJob, datetime], object]:
    """The job method a step name stands for, called at *now*."""
    table: dict[str, Callable[[OutboundJob, datetime], object]] = {
        "claim": lambda job, now: job.claim(owner="w1", now=now, lease_seconds=LEASE),
        "requeue": lambda job, now: job.requeue(at=now + timedelta(seconds=5), now=now),
        "mark_sent": lambda job, now: job.mark_sent("wamid.1", now=now),
        "fail": lambda job, now: job.record_failure(ERROR, uses_attempt=True, now=now),
        "retry": _decide(RetryAt(T0 + timedelta(hours=1))),
        "hold": _decide(HoldChannel(T0 + timedelta(hours=2))),
        "fall_back": _decide(FallBack(Channel.SMS)),
        "await": _decide(AwaitSettlement()),
        "give_up": _decide(GiveUp("permanent error 400")),
        "settle_sent": lambda job, now: job.settle_sent("wamid.2", now=now),
        "settle_resend": lambda job, now: job.settle_resend(now=now),
        "reprocess": lambda job, now: job.reprocess(now=now),
    }
    return table[name]


class JobLifecycle(RuleBasedStateMachine):
    """Random step sequences against a pending job, checked against ALLOWED."""

    def __init__(self) -> None:
        super().__init__()
        self.job = a_job()
        self.expected = S.PENDING
        self.attempts = 0
        self.reprocessed = 0
        self.now = T0

    @rule(name=st.sampled_from(STEPS), seconds=st.integers(0, 7200))
    def take(self, name: str, seconds: int) -> None:
        """A step either follows the oracle or raises InvalidTransition, changing nothing."""
        self.now += timedelta(seconds=seconds)
        target = ALLOWED.get((self.expected, name))
        if name == "claim" and target is not None and not self.job.is_due(self.now):
            target = None  # not due yet, or its lease still runs
        before = copy.deepcopy(self.job)
        if target is None:
            with pytest.raises(InvalidTransition):
                step(name)(self.job, self.now)
            assert self.job == before
            return
        step(name)(self.job, self.now)
        self.expected = target
        if name in ("mark_sent", "fail"):
            self.attempts += 1
        if name == "reprocess":
            self.attempts = 0
            self.reprocessed += 1
        assert self.job.updated_at == self.now

    @invariant()
    def follows_the_oracle(self) -> None:
        """Status, attempts and reprocess count are what the oracle says."""
        assert self.job.status is self.expected
        assert self.job.attempts == self.attempts
        assert self.job.dlq_reprocess_count == self.reprocessed

    @invariant()
    def only_a_sending_job_holds_a_lease(self) -> None:
        """The lease is set exactly while a worker holds the job."""
        leased = self.job.lease_owner is not None
        assert leased == (self.job.status is S.SENDING)
        assert (self.job.lease_expires_at is not None) == leased


TestJobLifecycle = JobLifecycle.TestCase


def test_the_table_is_the_oracle() -> None:
    """JOB_TRANSITIONS allows exactly the statuses the hand-written oracle allows per action."""
    by_action = {
        JobAction.CLAIM: "claim",
        JobAction.REQUEUE: "requeue",
        JobAction.MARK_SENT: "mark_sent",
        JobAction.RECORD_FAILURE: "fail",
        JobAction.RETRY: "retry",
        JobAction.FALL_BACK: "fall_back",
        JobAction.AWAIT_SETTLEMENT: "await",
        JobAction.DEAD_LETTER: "give_up",
        JobAction.SETTLE_SENT: "settle_sent",
        JobAction.SETTLE_RESEND: "settle_resend",
        JobAction.REPROCESS: "reprocess",
    }
    for action, (sources, target) in JOB_TRANSITIONS.items():
        name = by_action[action]
        assert {s for (s, n) in ALLOWED if n == name} == sources, action
        assert {t for (_, n), t in ALLOWED.items() if n == name} == {target}, action


@pytest.mark.parametrize(
    ("status", "name"),
    [
        (S.PENDING, "mark_sent"),
        (S.PENDING, "settle_sent"),
        (S.SENT, "requeue"),
        (S.SENT, "reprocess"),
        (S.DEAD, "settle_resend"),
        (S.UNCERTAIN, "give_up"),
        (S.UNCERTAIN, "claim"),
        (S.DEAD, "claim"),
    ],
)
def test_refused_transitions_name_the_job_and_change_nothing(status: JobStatus, name: str) -> None:
    """A step not allowed from the status raises InvalidTransition with the job and its status."""
    job = a_job(status=status)
    before = copy.deepcopy(job)
    with pytest.raises(InvalidTransition) as refused:
        step(name)(job, T0)
    assert (refused.value.entity, refused.value.entity_id) == ("job", "j-1")
    assert refused.value.status == status.value
    assert job == before


def test_a_leased_job_is_not_claimed_before_its_lease_expires() -> None:
    """A second claim inside the lease is refused; at its expiry another worker takes it."""
    job = a_job()
    job.claim(owner="w1", now=T0, lease_seconds=LEASE)
    with pytest.raises(InvalidTransition):
        job.claim(owner="w2", now=T0 + timedelta(seconds=59), lease_seconds=LEASE)
    job.claim(owner="w2", now=T0 + timedelta(seconds=60), lease_seconds=LEASE)
    assert (job.lease_owner, job.lease_expires_at) == ("w2", T0 + timedelta(seconds=120))


def test_giving_up_files_a_dead_letter_with_the_recorded_cause() -> None:
    """GiveUp moves the job to dead and returns its dead letter with the last error."""
    job = a_job(dlq_reprocess_count=1)
    job.claim(owner="w1", now=T0, lease_seconds=LEASE)
    job.record_failure(ERROR, uses_attempt=True, now=T0)
    dead = job.apply(GiveUp("transient errors for 8 attempts"), now=T0 + timedelta(seconds=1))
    assert dead is not None
    assert (dead.job_id, dead.error, dead.attempts, dead.reprocess_count) == ("j-1", ERROR, 1, 1)
    assert (dead.failed_at, dead.payload_hash) == (T0 + timedelta(seconds=1), job.content.digest())
    assert job.status is S.DEAD


def test_falling_back_switches_channel_and_drops_it_from_the_fallbacks() -> None:
    """FallBack sends on the next channel now, which is then no longer a fallback."""
    job = a_job()
    job.claim(owner="w1", now=T0, lease_seconds=LEASE)
    job.record_failure(ERROR, uses_attempt=True, now=T0)
    assert job.apply(FallBack(Channel.SMS), now=T0 + timedelta(seconds=3)) is None
    assert (job.channel, job.fallback_channels) == (Channel.SMS, ())
    assert (job.status, job.next_attempt_at) == (S.PENDING, T0 + timedelta(seconds=3))


def test_a_down_channel_uses_no_attempt() -> None:
    """A failure recorded without using an attempt keeps the count and the cause."""
    job = a_job()
    job.claim(owner="w1", now=T0, lease_seconds=LEASE)
    job.record_failure(ERROR, uses_attempt=False, now=T0)
    assert (job.attempts, job.last_error) == (0, ERROR)


def test_settling_as_sent_keeps_a_known_provider_id() -> None:
    """Settling without a provider id keeps the one the job already had."""
    job = a_job(status=S.UNCERTAIN, provider_message_id="wamid.0")
    job.settle_sent(None, now=T0)
    assert (job.status, job.provider_message_id, job.sent_at) == (S.SENT, "wamid.0", T0)
