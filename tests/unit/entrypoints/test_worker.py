"""The worker activates scheduled failures when due, once or in a loop until stopped."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_core.domain.delivery import Channel, JobStatus, MessageContent
from lia_core.domain.failures import FailureStatus
from lia_core.domain.regions import CityArea
from lia_core.services import DeclareFailure, EnqueueMessage
from lia_entrypoints.bootstrap import Runtime, bootstrap
from lia_entrypoints.settings import Settings
from lia_entrypoints.worker import Timer, WorkerReport, run_worker, timers


async def runtime_with_store(tmp_path: Path, clock: FixedClock, store: InMemoryStore) -> Runtime:
    """A runtime over the in-memory store with a fast poll interval."""
    settings = Settings(_env_file=None, data_dir=tmp_path, worker={"poll_interval_seconds": 0.01})
    return await bootstrap(
        settings, uow=store.unit_of_work, clock=clock, ids=SequentialIds(), hasher=PlainTextHasher()
    )


async def schedule(runtime: Runtime, clock: FixedClock, *, minutes: int) -> str:
    """Declare a failure starting *minutes* from now and return its id."""
    failure = await runtime.services.declare_failure(
        DeclareFailure(
            name="Manutenção",
            message="Olá {nome}",
            cities=(CityArea.parse("Magé"),),
            starts_at=clock.now() + timedelta(minutes=minutes),
            actor="sup",
        )
    )
    return failure.id


async def test_once_activates_only_what_is_due(tmp_path: Path) -> None:
    """--once activates due failures, leaves future ones scheduled, and records the scheduler."""
    clock, store = FixedClock(), InMemoryStore()
    runtime = await runtime_with_store(tmp_path, clock, store)
    due = await schedule(runtime, clock, minutes=5)
    later = await schedule(runtime, clock, minutes=60)
    clock.advance(minutes=5)
    report = await run_worker(runtime, once=True)
    assert report.activated == [due]
    assert store.failures[due].status is FailureStatus.ACTIVE
    assert store.failures[due].activated_at == clock.now()
    assert store.failures[later].status is FailureStatus.SCHEDULED


async def test_loop_keeps_activating_until_stopped(tmp_path: Path) -> None:
    """The loop picks up a failure that becomes due while it runs, then stops when told."""
    clock, store = FixedClock(), InMemoryStore()
    runtime = await runtime_with_store(tmp_path, clock, store)
    failure_id = await schedule(runtime, clock, minutes=1)
    stop = asyncio.Event()
    task = asyncio.create_task(run_worker(runtime, stop=stop))
    await asyncio.sleep(0.05)
    assert store.failures[failure_id].status is FailureStatus.SCHEDULED
    clock.advance(minutes=1)
    for _ in range(100):
        if store.failures[failure_id].status is FailureStatus.ACTIVE:
            break
        await asyncio.sleep(0.01)
    stop.set()
    report = await asyncio.wait_for(task, timeout=2)
    assert report.activated == [failure_id]
    assert report.ticks >= 2


async def test_once_sends_due_messages_through_the_sandbox(tmp_path: Path) -> None:
    """Without provider credentials, --once delivers queued messages on the sandbox channel."""
    clock, store = FixedClock(), InMemoryStore()
    runtime = await runtime_with_store(tmp_path, clock, store)
    queued = await runtime.services.enqueue_message(
        EnqueueMessage(
            channel=Channel.WHATSAPP, recipient="5521999998888", content=MessageContent(text="Oi")
        )
    )
    report = await run_worker(runtime, once=True)
    job = store.jobs[queued.job.id]
    assert report.sent == 1
    assert job.status is JobStatus.SENT
    assert job.provider_message_id is not None
    assert job.provider_message_id.startswith("sandbox-")


async def test_a_new_timer_plugs_into_the_loop(tmp_path: Path) -> None:
    """A job added to the scheduler's list runs on its interval without changing the loop."""
    clock, store = FixedClock(), InMemoryStore()
    runtime = await runtime_with_store(tmp_path, clock, store)
    runs: list[int] = []
    stop = asyncio.Event()

    async def monitor(_runtime: Runtime, report: WorkerReport) -> None:
        runs.append(report.ticks)
        if len(runs) == 3:
            stop.set()

    jobs = [*timers(runtime), Timer("monitor", 0.01, monitor)]
    report = await asyncio.wait_for(run_worker(runtime, stop=stop, jobs=jobs), timeout=5)
    assert len(runs) == 3
    assert report.ticks >= 1  # the built-in schedule still ran


async def test_the_file_crm_is_read_once_and_gets_no_http_client(tmp_path: Path) -> None:
    """With LIA_CRM__KIND=file, bootstrap makes no HTTP client, and the gate and the notice share the file."""
    csv = tmp_path / "clientes.csv"
    csv.write_text("phone,name,city\n21999998888,Maria,Magé\n")
    settings = Settings(_env_file=None, data_dir=tmp_path, crm={"kind": "file", "file": csv})
    runtime = await bootstrap(settings, uow=InMemoryStore().unit_of_work, hasher=PlainTextHasher())
    assert runtime.clients.made == 0
    assert runtime.directory is not None
    found = await runtime.directory.find_by_phone("5521999998888")
    assert found is not None
    assert found.name == "Maria"
    assert runtime.proactive_notice() is runtime.services.proactive_notice
