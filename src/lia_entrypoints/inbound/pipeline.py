"""The inbound pipeline of one `lia serve` process: group commit, the gate loop, the recovery sweep.

`bootstrap` builds the use cases; this module only runs them: the queues and tasks belong
to the serving event loop, so they are made when the app starts. With
`LIA_INBOUND__GATE=worker` only the group commit runs here: `lia worker` gates what it stored.
"""

from __future__ import annotations

import asyncio
import contextlib

import attrs
import structlog

from lia_core.domain.conversations import PendingInbound
from lia_core.errors import PortUnavailable
from lia_core.services import Services
from lia_core.services.ingest import IngestReport
from lia_core.services.isolation import IsolatingGate
from lia_core.services.recovery import ProcessStaleInboundHandler
from lia_entrypoints.inbound.group_commit import GroupCommit
from lia_entrypoints.inbound.metrics import InboundMetrics
from lia_entrypoints.inbound_settings import InboundSettings

__all__ = ["GateQueue", "InboundRuntime"]

log = structlog.get_logger(__name__)


@attrs.define
class GateQueue:
    """Newly stored messages waiting for the gate, with a count that other loops can poll."""

    metrics: InboundMetrics
    queue: asyncio.Queue[PendingInbound] = attrs.field(factory=asyncio.Queue)
    unfinished: int = 0

    def record(self, report: IngestReport) -> None:
        """Count what a group commit stored (the gate runs elsewhere: `lia worker`)."""
        self.metrics.stored(report)
        if report.settled_job_ids:
            log.info("delivery.settled_by_receipt", jobs=list(report.settled_job_ids))

    def hand_over(self, report: IngestReport) -> None:
        """Queue newly stored messages for the gate (duplicates never get here)."""
        self.metrics.stored(report)
        for pending in report.new:
            self.unfinished += 1
            self.queue.put_nowait(pending)
        self.metrics.backlog.set(self.unfinished)
        if report.settled_job_ids:
            log.info("delivery.settled_by_receipt", jobs=list(report.settled_job_ids))


@attrs.define
class InboundRuntime:
    """Owns the writer and the gate tasks; `start` inside the event loop, `close` at shutdown."""

    group: GroupCommit
    waiting: GateQueue
    gate: IsolatingGate
    sweep: ProcessStaleInboundHandler
    metrics: InboundMetrics
    batch_size: int
    sweep_every: float
    gate_window: float = 0.0
    gates: bool = True
    """False with `LIA_INBOUND__GATE=worker`: store and acknowledge only."""
    _tasks: list[asyncio.Task[None]] = attrs.field(factory=list)

    @classmethod
    def create(
        cls, services: Services, metrics: InboundMetrics, settings: InboundSettings
    ) -> InboundRuntime:
        """The pipeline over the use cases `bootstrap` built, paced by `LIA_INBOUND__*`."""
        waiting = GateQueue(metrics)
        gates = settings.gate == "inline"
        group = GroupCommit(
            ingest=services.ingest,
            on_stored=waiting.hand_over if gates else waiting.record,
            window=settings.commit_window_ms / 1000,
            max_batch=settings.max_batch,
        )
        return cls(
            group=group,
            waiting=waiting,
            gate=services.gate,
            sweep=services.sweep_stale_inbound,
            metrics=metrics,
            batch_size=settings.process_batch,
            sweep_every=settings.stale_after_seconds,
            gate_window=settings.gate_window_ms / 1000,
            gates=gates,
        )

    def start(self) -> None:
        """Start the writer, and the gate loop and the recovery sweep if this process gates."""
        self.group.start()
        if not self.gates:
            return  # the gate workers lease what is stored, old and new alike
        self._tasks = [
            asyncio.create_task(self._gate_loop(), name="lia-gate"),
            asyncio.create_task(self._sweep_loop(), name="lia-inbound-sweep"),
        ]

    async def close(self) -> None:
        """Write what is queued, let the gate finish its queue, stop."""
        await self.group.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.waiting.queue.join(), 10)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def drain(self) -> None:
        """Wait until every stored message handed over has been through the gate (tests, demos).

        Polls a counter rather than joining the queue, so it also works from another event
        loop (a test client running the app in its own thread).
        """
        while self.waiting.unfinished:  # noqa: ASYNC110 - an Event would be bound to the app's loop
            await asyncio.sleep(0.005)

    async def _gate_loop(self) -> None:
        queue = self.waiting.queue
        while True:
            batch = [await queue.get()]
            if self.gate_window and queue.qsize() < self.batch_size:
                await asyncio.sleep(self.gate_window)  # the reply can wait; fewer commits
            while len(batch) < self.batch_size and not queue.empty():
                batch.append(queue.get_nowait())
            try:
                await self.gate(batch)
            finally:
                self.waiting.unfinished -= len(batch)
                self.metrics.backlog.set(self.waiting.unfinished)
                for _ in batch:
                    queue.task_done()

    async def _sweep_loop(self) -> None:
        while True:
            try:
                if handled := await self.sweep():
                    log.warning("inbound.recovered", messages=handled)
            except PortUnavailable as exc:  # an outage, not a bug: no traceback each round
                log.warning("inbound.sweep_unavailable", error=str(exc))
            except Exception:  # try again next round
                log.exception("inbound.sweep_failed")
            await asyncio.sleep(self.sweep_every)
