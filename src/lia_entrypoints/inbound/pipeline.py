"""The inbound pipeline of one `lia serve` process: group commit, the gate loop, the recovery sweep."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import timedelta, tzinfo

import attrs
import httpx
import structlog

from lia_core.domain.conversations import PendingInbound
from lia_core.domain.delivery import Channel
from lia_core.domain.gate import GatePolicy
from lia_core.errors import PortUnavailable
from lia_core.ports import Clock, CustomerDirectory, IdGenerator, UnitOfWorkFactory
from lia_core.services.failures import CheckLocationHandler
from lia_core.services.inbound import (
    HumanQueueRouter,
    ProcessInboundHandler,
    ProcessReport,
    ProcessStaleInboundHandler,
)
from lia_core.services.ingest import ActiveFailures, IngestHandler, IngestReport
from lia_entrypoints.crm_config import build_customer_directory
from lia_entrypoints.delivery_config import configured_channels
from lia_entrypoints.inbound.group_commit import GroupCommit
from lia_entrypoints.inbound.metrics import InboundMetrics
from lia_entrypoints.settings import Settings

__all__ = ["InboundRuntime", "gate_policy", "reply_channels"]

log = structlog.get_logger(__name__)


def gate_policy(settings: Settings) -> GatePolicy:
    """The gate's knobs from `LIA_INBOUND__*`."""
    s = settings.inbound
    return GatePolicy(
        address_ttl=timedelta(days=s.address_ttl_days),
        reminder_interval=timedelta(minutes=s.reminder_interval_minutes),
        max_attempts=s.max_attempts,
        human_keywords=tuple(s.human_keywords),
        menu_option=s.menu_option,
        texts=s.texts(),
    )


def reply_channels(settings: Settings) -> dict[Channel, Channel]:
    """Replies go back on the customer's channel, or to the sandbox when it has no credentials."""
    real = set(configured_channels(settings))
    return {c: (c if c in real else Channel.SANDBOX) for c in Channel}


def _log_report(report: ProcessReport) -> None:
    log.info(
        "inbound.processed",
        messages=report.processed,
        outcomes={k.value: v for k, v in report.outcomes.items()},
        notices=report.notices,
        replies=report.replies,
        crm_lookups=report.crm_lookups,
        crm_unavailable=report.crm_unavailable,
    )
    for error in report.crm_errors:
        log.warning("inbound.crm_unavailable", error=error)


@attrs.define
class InboundRuntime:
    """Owns the writer and the gate tasks; `start` inside the event loop, `close` at shutdown."""

    group: GroupCommit
    process: ProcessInboundHandler
    failures: ActiveFailures
    batch_size: int
    sweep_every: float
    gate_window: float = 0.0
    crm_client: httpx.AsyncClient | None = None
    metrics: InboundMetrics = attrs.field(factory=InboundMetrics)
    sweep: ProcessStaleInboundHandler | None = None
    """Set by `build`: the recovery sweep, isolating failing messages like the gate loop."""
    _queue: asyncio.Queue[PendingInbound] = attrs.field(factory=asyncio.Queue)
    _tasks: list[asyncio.Task[None]] = attrs.field(factory=list)
    _unfinished: int = 0

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        ids: IdGenerator,
        tz: tzinfo,
        directory: CustomerDirectory | None = None,
    ) -> InboundRuntime:
        """Wire the pipeline; the CRM comes from `LIA_CRM__*` unless *directory* is given."""
        s = settings.inbound
        crm_client: httpx.AsyncClient | None = None
        if directory is None and settings.crm.kind in {"rest", "ixc"}:
            crm_client = httpx.AsyncClient(timeout=settings.crm.timeout_seconds)
        if directory is None and settings.crm.kind != "none":
            directory = build_customer_directory(
                settings, clock=clock, client=crm_client or httpx.AsyncClient()
            )
        failures = ActiveFailures(
            CheckLocationHandler(uow), clock, timedelta(seconds=s.failures_max_age_seconds)
        )
        process = ProcessInboundHandler(
            uow=uow,
            clock=clock,
            ids=ids,
            failures=failures,
            router=HumanQueueRouter(reply_text=s.queue_reply),
            directory=directory,
            policy=gate_policy(settings),
            tz=tz,
            reply_channels=reply_channels(settings),
            crm_timeout=timedelta(seconds=settings.crm.timeout_seconds),
        )
        runtime = cls(
            group=GroupCommit(
                ingest=IngestHandler(uow, clock, ids),
                on_stored=lambda report: None,
                window=s.commit_window_ms / 1000,
                max_batch=s.max_batch,
            ),
            process=process,
            failures=failures,
            batch_size=s.process_batch,
            sweep_every=s.stale_after_seconds,
            gate_window=s.gate_window_ms / 1000,
            crm_client=crm_client,
        )
        runtime.group.on_stored = runtime.hand_over
        runtime.sweep = ProcessStaleInboundHandler(
            uow,
            clock,
            runtime.process_isolated,
            grace=timedelta(seconds=s.stale_after_seconds),
            batch_size=s.process_batch,
        )
        return runtime

    def hand_over(self, report: IngestReport) -> None:
        """Queue newly stored messages for the gate (duplicates never get here)."""
        self.metrics.stored(report)
        for pending in report.new:
            self._unfinished += 1
            self._queue.put_nowait(pending)
        self.metrics.backlog.set(self._unfinished)
        if report.settled_job_ids:
            log.info("delivery.settled_by_receipt", jobs=list(report.settled_job_ids))

    def start(self) -> None:
        """Start the writer, the gate loop and the recovery sweep."""
        self.group.start()
        self._tasks = [
            asyncio.create_task(self._gate_loop(), name="lia-gate"),
            asyncio.create_task(self._sweep_loop(), name="lia-inbound-sweep"),
        ]

    async def close(self) -> None:
        """Write what is queued, let the gate finish its queue, stop."""
        await self.group.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._queue.join(), 10)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.crm_client is not None:
            await self.crm_client.aclose()

    async def drain(self) -> None:
        """Wait until every stored message handed over has been through the gate (tests, demos).

        Polls a counter rather than joining the queue, so it also works from another event
        loop (a test client running the app in its own thread).
        """
        while self._unfinished:  # noqa: ASYNC110 - an Event would be bound to the app's loop
            await asyncio.sleep(0.005)

    async def process_isolated(self, batch: Sequence[PendingInbound]) -> None:
        """Run the gate on *batch*, retrying message by message if the batch fails.

        One bad message then cannot hold back the others: it stays unprocessed, is logged
        with its id and counted as ``failed``, and the next sweep tries it again.
        """
        try:
            report = await self.process(batch)
        except Exception:  # isolate below; nothing of a failed batch was committed
            if len(batch) == 1:
                log.exception("inbound.message_failed", message_id=batch[0].id)
                self.metrics.gate.labels("failed").inc()
                return
            log.exception("inbound.batch_failed", messages=len(batch))
            for pending in batch:
                await self.process_isolated([pending])
            return
        _log_report(report)
        self.metrics.processed(report)

    async def _gate_loop(self) -> None:
        while True:
            batch = [await self._queue.get()]
            if self.gate_window and self._queue.qsize() < self.batch_size:
                await asyncio.sleep(self.gate_window)  # the reply can wait; fewer commits
            while len(batch) < self.batch_size and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self.process_isolated(batch)
            finally:
                self._unfinished -= len(batch)
                self.metrics.backlog.set(self._unfinished)
                for _ in batch:
                    self._queue.task_done()

    async def _sweep_loop(self) -> None:
        while True:
            try:
                if self.sweep is not None and (handled := await self.sweep()):
                    log.warning("inbound.recovered", messages=handled)
            except PortUnavailable as exc:  # an outage, not a bug: no traceback each round
                log.warning("inbound.sweep_unavailable", error=str(exc))
            except Exception:  # try again next round
                log.exception("inbound.sweep_failed")
            await asyncio.sleep(self.sweep_every)
