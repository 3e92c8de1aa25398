"""Four `lia worker` processes on one PostgreSQL share a WhatsApp number's cap: nothing lost or sent twice.

The stub answers every send after 20 ms and keeps when each arrived; the cap is a correctness
property counted from those arrivals (benchmarks/scale_out.py measures the rate itself, with
100,000 jobs).
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from lia_adapters.sql import SqlUnitOfWorkFactory, create_engine
from lia_adapters.sql.delivery.tables import outbox_jobs
from lia_core.domain.delivery import Channel, JobContext, JobName, MessageContent
from lia_core.domain.recipients import Phone
from lia_core.services.outbox import new_job
from tests.integration.cli.lia_process import LiaProcess, clean_environment

from .processes import stub_provider, worker_env, worker_process

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("processes"), pytest.mark.slow]

JOBS = 5_000
WORKERS = 4
CAP = 200
"""Messages per second for the one WhatsApp number: well below what four workers could send."""
BURST = CAP / 10
STALE_AFTER = 0.5
"""A leased slot is dropped this long after its time (`SendSlots.stale_after`), never spent later."""
WINDOW = 2.0


async def enqueue(url: str) -> None:
    """Queue JOBS WhatsApp texts to distinct numbers, due now, each with its own idempotency key."""
    engine = create_engine(url)
    now = datetime.now(UTC)
    batch = [
        new_job(
            job_id=str(uuid.uuid4()),
            job_name=JobName.SEND_WHATSAPP,
            channel=Channel.WHATSAPP,
            recipient=Phone.stored(f"55{21_000_000_000 + n}"),
            content=MessageContent(text=f"mensagem {n}"),
            context=JobContext(source="test"),
            idempotency_key=f"shared-cap-{n}",
            now=now,
        )
        for n in range(JOBS)
    ]
    try:
        async with SqlUnitOfWorkFactory(engine)() as uow:
            await uow.outbox.add_many(batch)
            await uow.commit()
    finally:
        await engine.dispose()


async def unfinished(url: str) -> int:
    """Jobs still pending or sending."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            found = await conn.scalar(
                select(func.count())
                .select_from(outbox_jobs)
                .where(outbox_jobs.c.status.in_(["pending", "sending"]))
            )
            return int(found or 0)
    finally:
        await engine.dispose()


async def wait_finished(url: str, *, within: float) -> None:
    """Poll until no job is pending or sending, or *within* seconds have passed."""
    deadline = time.monotonic() + within
    while True:
        if not await unfinished(url) or time.monotonic() > deadline:
            return
        await asyncio.sleep(0.5)


async def sent(url: str) -> int:
    """Jobs sent."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            found = await conn.scalar(
                select(func.count()).select_from(outbox_jobs).where(outbox_jobs.c.status == "sent")
            )
            return int(found or 0)
    finally:
        await engine.dispose()


@contextlib.contextmanager
def workers(env: dict[str, str], cwd: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """WORKERS `lia worker` processes, stopped with SIGTERM (each must exit 0)."""
    processes: list[subprocess.Popen[bytes]] = []
    try:
        processes.extend(worker_process(env, cwd=cwd) for _ in range(WORKERS))
        yield processes
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            assert process.wait(timeout=30) == 0, process.stderr.read() if process.stderr else b""


def busiest(times: list[float], window: float) -> int:
    """The most arrivals in any window of *window* seconds."""
    return max((bisect.bisect_right(times, t + window) - i for i, t in enumerate(times)), default=0)


async def test_four_workers_share_one_cap_and_lose_nothing(
    postgres_url: str, tmp_path: Path
) -> None:
    """5,000 jobs through four workers: each sent once, and no window saw more than the cap allows."""
    LiaProcess(env=clean_environment(LIA_DATABASE_URL=postgres_url), cwd=tmp_path).ok(
        "db", "upgrade"
    )
    await enqueue(postgres_url)
    env = worker_env(
        postgres_url,
        "",  # replaced below, once the stub listens
        LIA_DELIVERY__WHATSAPP_RATE=str(CAP),
        LIA_DELIVERY__CONCURRENCY="8",
        LIA_DELIVERY__REQUEST_TIMEOUT_SECONDS="10",
    )
    with stub_provider({"latency_seconds": 0.02}, cwd=tmp_path) as stub:
        env["LIA_WHATSAPP__BASE_URL"] = stub
        with workers(env, tmp_path):
            await wait_finished(postgres_url, within=300)
        async with httpx.AsyncClient() as client:
            received = (await client.get(f"{stub}/_stub/requests", timeout=30)).json()
            times = sorted((await client.get(f"{stub}/_stub/arrivals", timeout=30)).json()["times"])

    assert await sent(postgres_url) == JOBS  # nothing lost, nothing uncertain or dead
    assert received["messages"] == {"distinct": JOBS, "repeated": {}}  # each received once
    assert len(times) == JOBS
    # The slots granted in any window are at most burst + cap * window; a send goes at its
    # slot or, at worst, STALE_AFTER later (then the slot is dropped), and the stub may see a
    # burst of sends it was slow to read: half a second of the cap is that slack.
    allowed = BURST + CAP * (WINDOW + STALE_AFTER + 0.5)
    assert busiest(times, WINDOW) <= allowed, (busiest(times, WINDOW), allowed)
