"""Provider faults and a worker killed mid-batch: every job ends sent once, dead with its cause, or uncertain."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from lia_core.domain.delivery import Channel, JobStatus, MessageContent, OutboundJob
from lia_core.ports import DeadLetterFilter
from lia_core.services import EnqueueMessage
from lia_entrypoints.bootstrap import Runtime, bootstrap
from lia_entrypoints.settings import Settings
from tests.integration.cli.lia_process import LiaProcess, clean_environment

from .processes import stub_provider, worker_env, worker_process

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("processes")]

JOBS = 300
FAULTS = {
    "error_every": 7,  # HTTP 500 → backoff and retry
    "rate_limit_every": 11,  # 429 with Retry-After → retry after it
    "retry_after_seconds": 1,
    "reject_every": 37,  # permanent 400 → dead letter at once
    "delay_every": 53,  # answers after 3 s, past the 1 s client timeout → uncertain
    "delay_seconds": 3,
}


async def all_jobs(runtime: Runtime) -> list[OutboundJob]:
    """Every job in the outbox."""
    async with runtime.uow() as uow:
        return list(await uow.outbox.list(limit=10_000))


async def wait_for(
    runtime: Runtime, done: Callable[[list[OutboundJob]], bool], *, within: float
) -> list[OutboundJob]:
    """Poll the outbox until *done(jobs)* or *within* seconds have passed."""
    deadline = time.monotonic() + within
    while True:
        jobs = await all_jobs(runtime)
        if done(jobs) or time.monotonic() > deadline:
            return jobs
        await asyncio.sleep(0.05)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM and wait; the worker finishes its round and exits 0."""
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0, process.stderr.read() if process.stderr else b""


async def test_faults_and_a_killed_worker_lose_nothing(postgres_url: str, tmp_path: Path) -> None:
    """500s, 429s, permanent 400s, timeouts and a SIGKILLed worker: no job is lost or stuck."""
    LiaProcess(env=clean_environment(LIA_DATABASE_URL=postgres_url), cwd=tmp_path).ok(
        "db", "upgrade"
    )
    runtime = await bootstrap(
        Settings(_env_file=None, database_url=postgres_url, data_dir=tmp_path)
    )
    try:
        with stub_provider(FAULTS, cwd=tmp_path) as stub:
            for n in range(JOBS):
                await runtime.services.enqueue_message(
                    EnqueueMessage(
                        channel=Channel.WHATSAPP,
                        recipient=f"55219{n:08d}",
                        content=MessageContent(text=f"mensagem {n}"),
                        idempotency_key=f"fault-test-{n}",
                    )
                )
            env = worker_env(
                postgres_url,
                stub,
                LIA_DELIVERY__LEASE_SECONDS="3",
                LIA_DELIVERY__WHATSAPP_RATE="150",
                LIA_DELIVERY__BATCH_SIZE="40",
                LIA_DELIVERY__CONCURRENCY="20",
                LIA_DELIVERY__REQUEST_TIMEOUT_SECONDS="1",
            )
            first = worker_process(env, cwd=tmp_path)
            await wait_for(
                runtime,
                lambda js: sum(j.status is JobStatus.SENT for j in js) >= JOBS // 4,
                within=60,
            )
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
            orphaned = [j for j in await all_jobs(runtime) if j.status is JobStatus.SENDING]
            second = worker_process(env, cwd=tmp_path)
            settled = {JobStatus.SENT, JobStatus.DEAD, JobStatus.UNCERTAIN}
            jobs = await wait_for(
                runtime, lambda js: all(j.status in settled for j in js), within=120
            )
            stop(second)
            async with httpx.AsyncClient() as client:
                seen = (await client.get(f"{stub}/_stub/requests", timeout=5)).json()
        async with runtime.uow() as uow:
            dead_letters = {d.job_id: d for d in await uow.dead_letters.list(DeadLetterFilter())}
    finally:
        await runtime.aclose()

    assert orphaned, "the worker was killed between batches; nothing was in flight"
    statuses = Counter(j.status for j in jobs)
    assert set(statuses) <= {JobStatus.SENT, JobStatus.DEAD, JobStatus.UNCERTAIN}, statuses
    assert statuses[JobStatus.SENT] >= JOBS * 0.8
    assert statuses[JobStatus.DEAD] >= 1
    assert statuses[JobStatus.UNCERTAIN] >= 1
    accepted = Counter(seen["providers"]["whatsapp"]["accepted"])
    in_flight = {str(j.recipient) for j in orphaned}
    for job in jobs:
        times = accepted[str(job.recipient)]
        if job.status is JobStatus.SENT:
            # At least once; twice only if the killed worker had it in flight (provider has no idempotency key).
            assert times == 1 or (times == 2 and str(job.recipient) in in_flight), (job, times)
        elif job.status is JobStatus.UNCERTAIN:
            assert times >= 1  # the slow answer was a delivery: settled by callback, never resent
            assert job.last_error is not None
            assert job.last_error.kind == "uncertain"
        else:
            dead = dead_letters[job.id]
            assert dead.error.kind == "permanent"
            assert dead.error.http_status == 400
            assert dead.error.code == "100"
            # Refused every time it was tried, unless the killed worker had already sent it
            # (its outcome died with it; the resend after the lease was the one refused).
            assert times == 0 or str(job.recipient) in in_flight
    assert statuses[JobStatus.SENT] + statuses[JobStatus.UNCERTAIN] <= len(accepted)
