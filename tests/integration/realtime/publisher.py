"""A separate process that publishes realtime events on PostgreSQL, then exits.

`python -m tests.integration.realtime.publisher URL CHANNEL`: one unit of work rolled back
(event `t-rolled-back`), one failing with an exception (`t-failed`), then one committed
(`t-committed`) — each alongside an audit row, so the events ride real transactions.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from datetime import UTC, datetime

from lia_adapters.sql import SqlUnitOfWorkFactory, create_engine
from lia_core.domain.activity import Activity, Actor
from lia_core.domain.realtime import RealtimeEvent, RealtimeKind
from lia_core.ports import UnitOfWork


def ticket_event(ticket_id: str) -> RealtimeEvent:
    """A `ticket.updated` event for *ticket_id*."""
    return RealtimeEvent(
        kind=RealtimeKind.TICKET_UPDATED,
        at=datetime.now(UTC),
        ticket_id=ticket_id,
        department="suporte",
        status="open",
    )


async def _stage(uow: UnitOfWork, ticket_id: str) -> None:
    await uow.activity.add(
        Activity.of(
            Actor.service("publisher"),
            id=ticket_id,
            at=datetime.now(UTC),
            action="ticket.note",
            entity="ticket",
            entity_id=ticket_id,
        )
    )
    uow.events.publish(ticket_event(ticket_id))


async def main(url: str, channel: str) -> None:
    """Publish the three units of work described in the module docstring."""
    engine = create_engine(url)
    factory = SqlUnitOfWorkFactory(engine, channel=channel)
    try:
        async with factory() as uow:
            await _stage(uow, "t-rolled-back")
            await uow.rollback()
        with contextlib.suppress(RuntimeError):
            async with factory() as uow:
                await _stage(uow, "t-failed")
                raise RuntimeError("the use case failed after publishing")
        async with factory() as uow:
            await _stage(uow, "t-committed")
            await uow.commit()
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
