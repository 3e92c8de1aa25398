"""Uncertain sends are settled by someone who knows, never resent on their own."""

from __future__ import annotations

import pytest

from lia_core.domain.delivery import Channel, JobStatus
from lia_core.domain.delivery_policy import FailureKind
from lia_core.errors import DomainError, NotFound
from lia_core.services import SettleJob, Settlement

from .delivery_harness import Harness, build_harness


async def uncertain_job(h: Harness) -> str:
    """A job whose send timed out after leaving."""
    job_id = await h.enqueue("5521999990001")
    h.senders[Channel.WHATSAPP].fail_next(FailureKind.UNCERTAIN)
    await h.dispatcher.run_once(owner="w1")
    assert h.store.jobs[job_id].status is JobStatus.UNCERTAIN
    return job_id


async def test_settled_as_sent_keeps_it_from_being_resent() -> None:
    """--sent marks it sent with the provider id and the worker never sends it again."""
    h = build_harness()
    job_id = await uncertain_job(h)
    job = await h.services.settle_job(
        SettleJob(
            job_id=job_id, outcome=Settlement.SENT, actor="ops", provider_message_id="wamid.X"
        )
    )
    assert (job.status, job.provider_message_id) == (JobStatus.SENT, "wamid.X")
    assert (await h.dispatcher.run_once(owner="w1")).claimed == 0
    assert h.senders[Channel.WHATSAPP].sent == []


async def test_settled_for_resend_goes_out_once_more() -> None:
    """--resend puts it back in the queue and the next round sends it."""
    h = build_harness()
    job_id = await uncertain_job(h)
    await h.services.settle_job(SettleJob(job_id=job_id, outcome=Settlement.RESEND, actor="ops"))
    await h.dispatcher.run_once(owner="w1")
    assert h.store.jobs[job_id].status is JobStatus.SENT
    assert len(h.senders[Channel.WHATSAPP].sent) == 1


async def test_only_uncertain_jobs_are_settled() -> None:
    """A sent job cannot be settled again; an unknown id is NotFound."""
    h = build_harness()
    job_id = await h.enqueue("5521999990001")
    await h.dispatcher.run_once(owner="w1")
    with pytest.raises(DomainError, match="only uncertain jobs are settled"):
        await h.services.settle_job(
            SettleJob(job_id=job_id, outcome=Settlement.RESEND, actor="ops")
        )
    with pytest.raises(NotFound):
        await h.services.settle_job(SettleJob(job_id="nope", outcome=Settlement.SENT, actor="ops"))
