"""Recovery of the inbound pipeline: messages stored but never handled by the gate."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

import attrs

from lia_core.domain.conversations import PendingInbound
from lia_core.ports import Clock, UnitOfWorkFactory

__all__ = ["ProcessStaleInboundHandler"]


STALE_AFTER = timedelta(seconds=30)
"""Stored messages not handled after this long go to the recovery sweep, by default."""
INBOUND_BATCH = 200
"""Most stored messages handled per transaction (the gate, each round of the sweep), by default."""


@attrs.frozen
class ProcessStaleInboundHandler:
    """Recovery: handle messages stored but never processed (a process died after the ack)."""

    uow: UnitOfWorkFactory
    clock: Clock
    process: Callable[[Sequence[PendingInbound]], Awaitable[object]]
    """The gate (`ProcessInboundHandler`), or a wrapper that isolates failing messages."""
    grace: timedelta = STALE_AFTER
    batch_size: int = INBOUND_BATCH

    async def __call__(self) -> int:
        """Process every message older than the grace period once; return how many were tried.

        A message that still fails (its batch raised, or a wrapper skipped it) stays
        unprocessed for the next sweep; a page holding only messages already tried in this
        sweep ends it, so a poison message cannot make it loop.
        """
        tried: set[str] = set()
        while True:
            async with self.uow() as uow:
                stale = await uow.messages.unprocessed(
                    stored_before=self.clock.now() - self.grace, limit=self.batch_size
                )
            fresh = [p for p in stale if p.id not in tried]
            if not fresh:
                return len(tried)
            tried.update(p.id for p in fresh)
            await self.process(fresh)
