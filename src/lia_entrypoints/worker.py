"""The background worker: runs the scheduler loop (activate due failures) until told to stop."""

from __future__ import annotations

import asyncio
import contextlib
import signal

import attrs
import structlog

from lia_entrypoints.bootstrap import Runtime

__all__ = ["WorkerReport", "run_worker"]

log = structlog.get_logger(__name__)


@attrs.define
class WorkerReport:
    """What one worker run did."""

    ticks: int = 0
    activated: list[str] = attrs.field(factory=list)


async def _tick(runtime: Runtime, report: WorkerReport) -> None:
    activated = await runtime.services.activate_due_failures()
    report.ticks += 1
    for failure in activated:
        report.activated.append(failure.id)
        log.info(
            "failure.activated",
            failure_id=failure.id,
            failure_name=failure.name,
            starts_at=failure.starts_at.isoformat(),
        )


async def run_worker(
    runtime: Runtime, *, once: bool = False, stop: asyncio.Event | None = None
) -> WorkerReport:
    """Process due work every poll interval; with *once*, process what is due now and return.

    SIGINT/SIGTERM (or setting *stop*) ends the loop after the current tick, so no
    transaction is cut in half.
    """
    report = WorkerReport()
    if once:
        await _tick(runtime, report)
        return report
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
    interval = runtime.settings.worker.poll_interval_seconds
    log.info("worker.started", poll_interval_seconds=interval)
    while not stop.is_set():
        try:
            await _tick(runtime, report)
        except Exception:
            # A database hiccup must not kill the worker; the next tick retries the same work.
            log.exception("worker.tick_failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
    log.info("worker.stopped", ticks=report.ticks, activated=len(report.activated))
    return report
