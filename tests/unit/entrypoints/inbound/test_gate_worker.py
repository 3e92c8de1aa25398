"""`LIA_INBOUND__GATE=worker`: `lia serve` stores and acks, `lia worker` runs the gate."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_adapters.sql import SqlUnitOfWorkFactory
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.recipients import Phone
from lia_entrypoints.bootstrap import Runtime, bootstrap
from lia_entrypoints.inbound import InboundRuntime
from lia_entrypoints.settings import Settings
from lia_entrypoints.worker import run_worker


def text(n: int, body: str) -> InboundMessage:
    """A WhatsApp text from sender *n*."""
    phone = f"55219999900{n:02d}"
    return InboundMessage(
        channel=Channel.WHATSAPP,
        provider_message_id=f"wamid.{n}.{body}",
        sender=Phone(phone),
        reply_to=phone,
        sent_at=FixedClock().now(),
        text=body,
    )


MESSAGES = [text(1, "oi"), text(2, "quero falar com um atendente"), text(1, "sem internet")]


async def runtime_over(store: InMemoryStore, tmp_path: Path, gate: str) -> Runtime:
    """A runtime over *store* whose gate runs *gate* (`inline` or `worker`)."""
    settings = Settings(_env_file=None, data_dir=tmp_path, inbound={"gate": gate})
    return await bootstrap(
        settings,
        uow=store.unit_of_work,
        clock=FixedClock(),
        ids=SequentialIds(),
        hasher=PlainTextHasher(),
    )


async def serve(runtime: Runtime, *batches: list[InboundMessage]) -> None:
    """What `lia serve` does with webhooks: the group commit (and the gate, inline)."""
    inbound = InboundRuntime.create(runtime.services, runtime.metrics, runtime.settings.inbound)
    inbound.start()
    for batch in batches:
        await inbound.group.submit(batch)
    await inbound.drain()
    await inbound.close()


def effects(store: InMemoryStore) -> tuple[int, int, list[str]]:
    """Conversations, tickets, and the texts queued to customers, sorted."""
    texts = sorted(job.content.text or "" for job in store.jobs.values())
    return len(store.conversation_tables.conversations), len(store.tickets), texts


async def test_serve_stores_and_the_worker_gates_as_inline_does(tmp_path: Path) -> None:
    """With the gate in workers `lia serve` leaves stored messages to them; `lia worker
    --once` then has the same effects the inline gate has (replies queued, tickets opened)."""
    inline, split = InMemoryStore(), InMemoryStore()
    await serve(await runtime_over(inline, tmp_path / "a", "inline"), MESSAGES[:2], MESSAGES[2:])
    worker = await runtime_over(split, tmp_path / "b", "worker")
    await serve(worker, MESSAGES[:2], MESSAGES[2:])

    assert len(split.conversation_tables.inbound) == 3
    assert split.conversation_tables.processed == {}
    assert split.jobs == {}

    report = await run_worker(worker, once=True)

    assert report.gated == 3
    assert set(split.conversation_tables.processed) == set(split.conversation_tables.inbound)
    assert effects(split) == effects(inline)
    assert effects(split)[1] >= 1  # the customer who asked for a person has a ticket
    assert (await run_worker(worker, once=True)).gated == 0


async def test_gate_only_gates_and_sends_nothing(tmp_path: Path) -> None:
    """`lia worker --gate-only` gates the stored messages but leaves the replies it queues,
    and the failures due, to the other workers: it runs no dispatcher and no timed job."""
    store = InMemoryStore()
    runtime = await runtime_over(store, tmp_path, "worker")
    await serve(runtime, MESSAGES)

    report = await run_worker(runtime, once=True, gate_only=True)

    assert report.gated == 3
    assert set(store.conversation_tables.processed) == set(store.conversation_tables.inbound)
    assert store.jobs, "the gate queued its replies"
    assert {job.status.value for job in store.jobs.values()} == {"pending"}
    assert (report.ticks, report.sent) == (0, 0)


async def test_gate_only_needs_the_gate_in_workers(tmp_path: Path) -> None:
    """With the inline gate there is nothing for a gate-only worker to do: refused."""
    runtime = await runtime_over(InMemoryStore(), tmp_path, "inline")
    with pytest.raises(ValueError, match="LIA_INBOUND__GATE=worker"):
        await run_worker(runtime, once=True, gate_only=True)


async def test_the_inline_default_gates_in_serve(tmp_path: Path) -> None:
    """By default nothing changes: `lia serve` gates, the worker finds nothing to lease."""
    store = InMemoryStore()
    runtime = await runtime_over(store, tmp_path, "inline")
    await serve(runtime, MESSAGES)

    assert set(store.conversation_tables.processed) == set(store.conversation_tables.inbound)
    assert store.conversation_tables.leases == {}
    assert (await run_worker(runtime, once=True)).gated == 0


@pytest.mark.parametrize("gate_only", [False, True])
async def test_the_worker_loop_polls_for_stored_messages(tmp_path: Path, gate_only: bool) -> None:
    """Without NOTIFY (the fake, SQLite) the running worker finds new messages by polling;
    a gate-only worker does the same and nothing else (no tick, no send)."""
    store = InMemoryStore()
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        inbound={"gate": "worker", "gate_poll_seconds": 0.02, "gate_window_ms": 0},
        worker={"poll_interval_seconds": 0.01},
    )
    runtime = await bootstrap(
        settings, uow=store.unit_of_work, clock=FixedClock(), hasher=PlainTextHasher()
    )
    stop = asyncio.Event()
    task = asyncio.create_task(run_worker(runtime, stop=stop, gate_only=gate_only))
    await asyncio.sleep(0.05)
    await runtime.services.ingest(MESSAGES)
    async with asyncio.timeout(2):
        while len(store.conversation_tables.processed) < len(MESSAGES):  # noqa: ASYNC110 - the store has no event
            await asyncio.sleep(0.01)
    stop.set()
    report = await asyncio.wait_for(task, timeout=2)
    assert report.gated == len(MESSAGES)
    if gate_only:
        assert (report.ticks, report.sent) == (0, 0)
    else:
        assert report.ticks > 0


@pytest.mark.postgres
async def test_postgres_wakes_the_worker_by_notify(
    migrated_postgres_engine: AsyncEngine, tmp_path: Path
) -> None:
    """On PostgreSQL the ingest transaction NOTIFYs: an idle worker polling once a minute
    gates a stored message within moments."""
    channel = f"lia_test_{uuid.uuid4().hex[:12]}_stored"
    uow = SqlUnitOfWorkFactory(migrated_postgres_engine, stored_channel=channel)
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        inbound={"gate": "worker", "gate_poll_seconds": 60, "gate_window_ms": 0},
        worker={"poll_interval_seconds": 60},
    )
    runtime = await bootstrap(settings, uow=uow, hasher=PlainTextHasher())
    stop = asyncio.Event()
    task = asyncio.create_task(run_worker(runtime, stop=stop))
    await asyncio.sleep(0.5)  # the LISTEN is in place and the first empty lease is done
    stored = await runtime.services.ingest(MESSAGES[:1])
    try:
        async with asyncio.timeout(5):
            while not await _processed(uow, stored.new[0].id):  # noqa: ASYNC110 - polls the database
                await asyncio.sleep(0.05)
    finally:
        stop.set()
        report = await asyncio.wait_for(task, timeout=5)
    assert report.gated == 1


async def _processed(uow: SqlUnitOfWorkFactory, message_id: str) -> bool:
    async with uow() as unit:
        waiting = await unit.messages.unprocessed(
            stored_before=FixedClock().now().replace(year=2100), limit=10
        )
    return message_id not in {p.id for p in waiting}
