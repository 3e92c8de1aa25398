"""The gate in `lia worker` (`LIA_INBOUND__GATE=worker`): wake, lease a batch, gate it, again.

`lia serve` then only stores and acknowledges; each ingest transaction that stored a new
message NOTIFYs the gate workers on PostgreSQL (`PgWakeup`), and they also poll (SQLite
has no NOTIFY). The lease (`GateStoredInboundHandler`) keeps any number of workers apart.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import attrs
import structlog

from lia_core.errors import DatabaseUnavailable
from lia_entrypoints.outage import Outage

__all__ = ["GateWorker"]

log = structlog.get_logger(__name__)


@attrs.define
class GateWorker:
    """Runs the leased gate until stopped: at once while batches come back full, else on a
    wake-up (a NOTIFY), a poll, or after *window* when the last batch was partial."""

    gate_stored: Callable[[], Awaitable[int]]
    """Leases one batch and gates it; returns how many messages it leased."""
    batch_size: int
    poll: float
    """Seconds an idle worker waits for a wake-up before looking anyway."""
    window: float = 0.0
    """Seconds to let more messages arrive after a partial batch (fewer, larger transactions)."""
    wake: asyncio.Event = attrs.field(factory=asyncio.Event)
    """Set when messages were stored (the LISTEN connection sets it)."""
    gated: int = 0
    """Messages leased and gated by this worker so far."""

    async def drain(self) -> int:
        """Lease and gate until a lease finds nothing; return how many messages that took."""
        total = 0
        while n := await self.gate_stored():
            total += n
        self.gated += total
        return total

    async def run(self, stop: asyncio.Event) -> None:
        """Gate stored messages until *stop* is set (the batch in hand is finished first)."""
        outage = Outage("gate_worker.database", initial=self.poll)
        while not stop.is_set():
            self.wake.clear()  # before the lease: a NOTIFY during the batch is not lost
            pause = self.poll
            try:
                leased = await self.gate_stored()
                outage.succeeded()
            except DatabaseUnavailable as exc:
                leased, pause = 0, outage.failed(exc)
            except Exception:  # a bug in one batch must not stop the gate; its lease lapses
                log.exception("gate_worker.round_failed")
                leased = 0
            self.gated += leased
            if leased >= self.batch_size:
                continue
            if leased == 0:
                await _first(self.wake, stop, within=pause)
            if self.window and not stop.is_set():
                await asyncio.sleep(self.window)


async def _first(*events: asyncio.Event, within: float) -> None:
    """Wait until one of *events* is set, or *within* seconds."""
    waits = [asyncio.create_task(e.wait()) for e in events]
    try:
        await asyncio.wait(waits, timeout=within, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in waits:
            task.cancel()
        for task in waits:
            with contextlib.suppress(asyncio.CancelledError):
                await task
