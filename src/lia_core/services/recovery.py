"""Stored messages handled apart from their ack: the recovery sweep, and the gate in workers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

import attrs

from lia_core.domain.conversations import PendingInbound
from lia_core.ports import Clock, UnitOfWorkFactory

__all__ = ["GateStoredInboundHandler", "ProcessStaleInboundHandler"]


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


@attrs.frozen
class GateStoredInboundHandler:
    """The gate away from the process that acks (`lia worker`): lease stored messages, gate them.

    Any number of workers may call it at once: a lease gives each message, and each chat,
    to one of them at a time, so no message is gated twice and a conversation's messages
    are gated in the order they were stored. The lease is also the recovery: a worker that
    dies mid-batch, or a message the gate refuses, is leased again once the lease ends.
    """

    uow: UnitOfWorkFactory
    clock: Clock
    process: Callable[[Sequence[PendingInbound]], Awaitable[object]]
    """The gate (`ProcessInboundHandler`), or a wrapper that isolates failing messages."""
    lease: timedelta = STALE_AFTER
    batch_size: int = INBOUND_BATCH

    async def __call__(self) -> int:
        """Lease one batch (oldest first) and run the gate over it; return how many were leased."""
        now = self.clock.now()
        async with self.uow() as uow:
            batch = await uow.messages.claim_unprocessed(
                now=now, lease_until=now + self.lease, limit=self.batch_size
            )
            await uow.commit()
        if batch:
            await self.process(batch)
        return len(batch)
