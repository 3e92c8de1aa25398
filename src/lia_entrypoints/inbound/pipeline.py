"""The inbound pipeline of one `lia serve` process: group commit, the gate loop, the recovery sweep.

`bootstrap` builds the use cases; this module only runs them: the queues and tasks belong
to the serving event loop, so they are made when the app starts. With
`LIA_INBOUND__GATE=worker` only the group commit runs here: `lia worker` gates what it stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib

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
from lia_entrypoints.inbound.priority import AckFirst
from lia_entrypoints.inbound_settings import InboundSettings

__all__ = ["GateQueue", "InboundRuntime"]

log = structlog.get_logger(__name__)
_BUSY_BATCH = 8
"""Most messages the inline gate takes at once while webhooks are waiting (ack first)."""


@attrs.define
class GateQueue:
    """Newly stored messages waiting for the gate, with a count that other loops can poll.

    With several lanes each chat's messages go to one lane, in the order stored: the gate
    handles a lane's batches one after another and the lanes side by side, so one batch's
    database round trips overlap another's work and no conversation is in two batches at once.
    """

    metrics: InboundMetrics
    lanes: int = 1
    queues: list[asyncio.Queue[PendingInbound]] = attrs.field(init=False)
    unfinished: int = 0

    def __attrs_post_init__(self) -> None:
        if self.lanes < 1:
            raise ValueError("a gate queue needs at least one lane")
        self.queues = [asyncio.Queue() for _ in range(self.lanes)]

    @property
    def queue(self) -> asyncio.Queue[PendingInbound]:
        """The first lane (the only one by default)."""
        return self.queues[0]

    def lane_of(self, pending: PendingInbound) -> asyncio.Queue[PendingInbound]:
        """The lane of the message's chat (the same for every message of that chat)."""
        if len(self.queues) == 1:
            return self.queues[0]
        chat = f"{pending.message.channel}:{pending.message.reply_to}".encode()
        return self.queues[zlib.crc32(chat) % len(self.queues)]  # stable, unlike hash()

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
            self.lane_of(pending).put_nowait(pending)
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
    ack_first: AckFirst | None = None
    """Holds the gate back while webhooks are pressing (`LIA_INBOUND__GATE_YIELD_MS`)."""
    _tasks: list[asyncio.Task[None]] = attrs.field(factory=list)

    @classmethod
    def create(
        cls,
        services: Services,
        metrics: InboundMetrics,
        settings: InboundSettings,
        *,
        lanes: int | None = None,
    ) -> InboundRuntime:
        """The pipeline over the use cases `bootstrap` built, paced by `LIA_INBOUND__*`.

        *lanes* overrides `LIA_INBOUND__GATE_LANES` (SQLite: 1, one writer at a time).
        """
        waiting = GateQueue(metrics, lanes=lanes or settings.gate_lanes)
        gates = settings.gate == "inline"
        group = GroupCommit(
            ingest=services.ingest,
            on_stored=waiting.hand_over if gates else waiting.record,
            window=settings.commit_window_ms / 1000,
            max_batch=settings.max_batch,
        )
        ack_first = None
        if gates and settings.gate_yield_ms > 0:
            ack_first = AckFirst(group.pressed_since, max_wait=settings.gate_yield_ms / 1000)
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
            ack_first=ack_first,
        )

    def start(self) -> None:
        """Start the writer, and the gate loop and the recovery sweep if this process gates."""
        self.group.start()
        if not self.gates:
            return  # the gate workers lease what is stored, old and new alike
        self._tasks = [
            *(
                asyncio.create_task(self._gate_loop(queue), name=f"lia-gate-{n}")
                for n, queue in enumerate(self.waiting.queues)
            ),
            asyncio.create_task(self._sweep_loop(), name="lia-inbound-sweep"),
        ]

    async def close(self) -> None:
        """Write what is queued, let the gate finish its queue, stop."""
        await self.group.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*(queue.join() for queue in self.waiting.queues)), 10
            )
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

    async def _gate_loop(self, queue: asyncio.Queue[PendingInbound]) -> None:
        while True:
            batch = [await queue.get()]
            if self.gate_window and queue.qsize() < self.batch_size:
                await asyncio.sleep(self.gate_window)  # the reply can wait; fewer commits
            size = self.batch_size
            if self.ack_first is not None:
                waited = self.ack_first.waited
                if await self.ack_first.stand_back():
                    # Still pressing after the longest wait: a short turn, then stand back again.
                    size = min(size, _BUSY_BATCH)
                self.metrics.stood_back.inc(self.ack_first.waited - waited)
            while len(batch) < size and not queue.empty():
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
