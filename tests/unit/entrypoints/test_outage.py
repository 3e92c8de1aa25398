"""A database outage in the worker: one line when it starts, one when it ends, growing waits."""

from __future__ import annotations

import asyncio
from pathlib import Path

import structlog

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_core.errors import DatabaseUnavailable
from lia_entrypoints.bootstrap import Runtime, bootstrap
from lia_entrypoints.outage import Outage
from lia_entrypoints.settings import Settings
from lia_entrypoints.worker import Timer, WorkerReport, run_worker


def unavailable(retry_after: float | None = 5.0) -> DatabaseUnavailable:
    """The error the SQL unit of work raises, with a driver error as its cause."""
    error = DatabaseUnavailable("the database is unavailable", retry_after=retry_after)
    error.__cause__ = OSError("connection refused\nIs the server running on that host?")
    return error


def test_waits_double_up_to_the_ceiling_and_one_line_marks_each_end() -> None:
    """0.25, 0.5 … 5 s between rounds; `unavailable` logged once, `restored` with the time down."""
    now = [100.0]
    outage = Outage("worker.database", initial=0.25, ceiling=5.0, monotonic=lambda: now[0])
    with structlog.testing.capture_logs() as logs:
        waits = [outage.failed(unavailable()) for _ in range(8)]
        now[0] += 12.5
        outage.succeeded()
        outage.succeeded()  # nothing was down: nothing said
    assert waits == [0.25, 0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0]
    assert [e["event"] for e in logs] == ["worker.database_unavailable", "worker.database_restored"]
    assert logs[0]["cause"] == "OSError: connection refused"  # the driver's first line only
    assert logs[0]["retry_in"] == 0.25
    assert (logs[1]["down_seconds"], logs[1]["failed_rounds"]) == (12.5, 8)
    assert outage.down_since is None


def test_a_shorter_retry_after_lowers_the_ceiling_and_a_new_outage_starts_over() -> None:
    """The error's retry_after caps the wait; after a recovery the waits start small again."""
    outage = Outage("worker.database", initial=0.5, ceiling=5.0)
    assert [outage.failed(unavailable(retry_after=1.0)) for _ in range(3)] == [0.5, 1.0, 1.0]
    outage.succeeded()
    assert outage.failed(unavailable(retry_after=None)) == 0.5


async def test_the_worker_loop_rides_out_an_outage_without_tracebacks(tmp_path: Path) -> None:
    """Rounds failing with DatabaseUnavailable: the loop keeps going and logs two lines, no traceback."""
    settings = Settings(_env_file=None, data_dir=tmp_path, worker={"idle_seconds": 0.01})
    runtime: Runtime = await bootstrap(
        settings,
        uow=InMemoryStore().unit_of_work,
        clock=FixedClock(),
        ids=SequentialIds(),
        hasher=PlainTextHasher(),
    )
    calls = [0]
    stop = asyncio.Event()

    async def flaky(_runtime: Runtime, _report: WorkerReport) -> None:
        calls[0] += 1
        if calls[0] <= 3:
            raise unavailable()
        stop.set()

    with structlog.testing.capture_logs() as logs:
        await asyncio.wait_for(run_worker(runtime, stop=stop, jobs=[Timer("db", 0, flaky)]), 10)
    events = [e["event"] for e in logs if e["event"].startswith("worker.")]
    assert events == [
        "worker.started",
        "worker.database_unavailable",
        "worker.database_restored",
        "worker.stopped",
    ]
    assert not any("exc_info" in e for e in logs)
    assert calls[0] == 4
