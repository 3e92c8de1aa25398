"""The PostgreSQL claim under real concurrency, and its query plan on a realistically filled table."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.sql import SqlUnitOfWorkFactory, create_engine
from lia_core.domain.delivery import (
    Channel,
    JobContext,
    JobName,
    Lane,
    MessageContent,
    OutboundJob,
)
from lia_core.domain.recipients import Phone

pytestmark = pytest.mark.postgres

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
CLAIMERS = 4


def a_job(n: int) -> OutboundJob:
    """Pending job number *n*: every third one live, due times spread over the last hour."""
    return OutboundJob(
        id=f"j-{n:05}",
        job_name=JobName.OUTAGE_RESOLUTION,
        channel=Channel.SMS,
        recipient=Phone.stored(f"55219{n:08}"),
        content=MessageContent(text="Serviço normalizado."),
        context=JobContext(source="test"),
        idempotency_key=f"k-{n}",
        lane=Lane.LIVE if n % 3 == 0 else Lane.BULK,
        next_attempt_at=T0 - timedelta(seconds=n % 3600),
        created_at=T0,
        updated_at=T0,
    )


@pytest.fixture
async def engines(
    migrated_postgres_engine: AsyncEngine, postgres_url: str
) -> AsyncIterator[list[AsyncEngine]]:
    """One engine (own pool, own connections) per claimer, all on the migrated schema."""
    others = [create_engine(postgres_url) for _ in range(CLAIMERS - 1)]
    yield [migrated_postgres_engine, *others]
    for engine in others:
        await engine.dispose()


async def store(engine: AsyncEngine, jobs: list[OutboundJob]) -> None:
    """Add and commit *jobs*."""
    async with SqlUnitOfWorkFactory(engine)() as uow:
        assert await uow.outbox.add_many(jobs) == len(jobs)
        await uow.commit()


async def claim_until_empty(
    engine: AsyncEngine, owner: str, now: datetime, *, lease_seconds: float = 60
) -> list[str]:
    """Claim batches of 25 (one committed unit of work each) until a claim comes back empty."""
    factory = SqlUnitOfWorkFactory(engine)
    claimed: list[str] = []
    while True:
        async with factory() as uow:
            jobs = await uow.outbox.claim(
                owner=owner, now=now, lease_seconds=lease_seconds, limit=25
            )
            await uow.commit()
        if not jobs:
            return claimed
        assert all(job.lease_owner == owner for job in jobs)
        claimed.extend(job.id for job in jobs)


async def race(engines: list[AsyncEngine], now: datetime) -> list[list[str]]:
    """Run one claimer per engine at once; what each one claimed."""
    runs = (claim_until_empty(engine, f"w{i}", now) for i, engine in enumerate(engines))
    return list(await asyncio.wait_for(asyncio.gather(*runs), timeout=60))


def assert_partition(runs: list[list[str]], expected: set[str]) -> None:
    """No job claimed twice, every expected job claimed, and the work really was shared."""
    everything = [job_id for run in runs for job_id in run]
    assert len(everything) == len(set(everything)), "a job was claimed twice"
    assert set(everything) == expected
    assert sum(1 for run in runs if run) >= 2, (
        f"one claimer did everything: {[len(run) for run in runs]}"
    )


async def test_concurrent_claimers_share_pending_jobs(engines: list[AsyncEngine]) -> None:
    """Four claimers on their own connections lease 500 pending jobs between them, none twice."""
    jobs = [a_job(n) for n in range(500)]
    await store(engines[0], jobs)

    runs = await race(engines, T0)

    assert_partition(runs, {job.id for job in jobs})


async def test_concurrent_claimers_share_expired_leases(engines: list[AsyncEngine]) -> None:
    """Jobs whose worker died are reclaimed once each when several claimers race for them."""
    jobs = [a_job(n) for n in range(300)]
    await store(engines[0], jobs)
    stuck = await claim_until_empty(engines[0], "dead-worker", T0, lease_seconds=30)
    assert len(stuck) == 300

    runs = await race(engines, T0 + timedelta(minutes=1))

    assert_partition(runs, set(stuck))


# --- the query plan -------------------------------------------------------------------------

PENDING_ROWS = 3_000
FINISHED_ROWS = 60_000

_FILL = text(
    """
    INSERT INTO outbox_jobs
    SELECT 'bulk-' || g, 'outage-resolution', 'sms', '+55219' || lpad(g::text, 8, '0'),
           '{"text": "ok", "template": null, "template_language": "pt_BR",
             "params": [], "data": {}}'::jsonb,
           'test', NULL, 'bulk-key-' || g, CASE WHEN g % 20 = 0 THEN 'live' ELSE 'bulk' END,
           :status, 1, :due - (g % 7200) * INTERVAL '1 second', '[]'::jsonb, NULL, NULL,
           NULL, NULL, 0, :due - g * INTERVAL '1 second', :due, NULL
    FROM generate_series(:first, :last) AS g
    """
)


async def fill(engine: AsyncEngine) -> None:
    """Many finished jobs, a few thousand pending ones and some in flight; then fresh stats."""
    async with engine.begin() as conn:
        for status, first, last in (
            ("sent", 1, FINISHED_ROWS),
            ("pending", FINISHED_ROWS + 1, FINISHED_ROWS + PENDING_ROWS),
        ):
            await conn.execute(_FILL, {"status": status, "first": first, "last": last, "due": T0})
    await lease_a_first_batch(engine)
    async with engine.connect() as conn:
        await conn.execute(text("ANALYZE outbox_jobs"))
        await conn.commit()


async def lease_a_first_batch(engine: AsyncEngine) -> None:
    """Lease a first batch, so that the table also holds jobs in flight."""
    async with SqlUnitOfWorkFactory(engine)() as uow:
        await uow.outbox.claim(owner="w0", now=T0, lease_seconds=60, limit=100)
        await uow.commit()


async def test_claim_uses_the_partial_indexes(migrated_postgres_engine: AsyncEngine) -> None:
    """With 60,000 finished jobs, both lanes' claim statements scan indexes, never the table."""
    engine = migrated_postgres_engine
    await fill(engine)
    statements: list[tuple[str, Mapping[str, Any]]] = []

    def capture(
        _conn: object, _cursor: object, statement: str, parameters: Any, *_rest: object
    ) -> None:
        if statement.lstrip().startswith("WITH claimable"):
            statements.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with SqlUnitOfWorkFactory(engine)() as uow:
            # More than the live lane holds, so the bulk lane is claimed from too.
            jobs = await uow.outbox.claim(owner="w1", now=T0, lease_seconds=60, limit=500)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
    assert {job.lane for job in jobs} == {Lane.LIVE, Lane.BULK}

    assert len(statements) == 2
    for statement, parameters in statements:
        async with engine.connect() as conn:
            result = await conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)
            plan = "\n".join(result.scalars())
        assert "Seq Scan" not in plan, plan
        assert "Index Scan using ix_outbox_jobs_pending_due" in plan, plan
