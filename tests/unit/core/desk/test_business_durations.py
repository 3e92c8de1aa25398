"""The desk measures a ticket's business-hours durations when the reply and the resolution
happen (the settle step, on the SLA policy's calendar) and the store keeps them."""

from __future__ import annotations

from datetime import datetime

from lia_core.desk.commands import Reopen, Resolve
from lia_core.domain.tickets import EventKind

from .test_desk import ANA, SP, DeskWorld, _open, _world

FRIDAY_1730 = datetime(2026, 5, 8, 17, 30, tzinfo=SP)
"""A working Friday on the built-in calendar (Mon-Fri 08:00-18:00, Brazil's holidays)."""


async def _reply(w: DeskWorld, ticket_id: str) -> None:
    """What an agent's public reply does to the ticket (`services.replies`)."""
    async with w.store.unit_of_work() as uow:
        ticket = await uow.tickets.get(ticket_id)
        replied = ticket.record(EventKind.HUMAN_PUBLIC_REPLY, at=w.clock.now(), by="ana")
        await w.services.desk.revisit(uow, replied, now=w.clock.now())
        await uow.commit()


async def test_reply_and_resolution_are_measured_in_business_time() -> None:
    """Opened Friday 17:30, replied Monday 08:30 (60 business minutes of 63 h), resolved at
    10:00 (150 business minutes); reopened: no resolution until resolved again at 11:00."""
    w = _world()
    w.clock.set(FRIDAY_1730)
    ticket = await _open(w)
    assert (await w.ticket(ticket.id)).first_response_business_seconds is None
    w.clock.set(datetime(2026, 5, 11, 8, 30, tzinfo=SP))
    await _reply(w, ticket.id)
    assert (await w.ticket(ticket.id)).first_response_business_seconds == 3600.0
    w.clock.set(datetime(2026, 5, 11, 10, 0, tzinfo=SP))
    resolved = await w.services.desk.act(ticket.id, Resolve(), ANA)
    assert resolved.resolution_business_seconds == 9000.0
    stored = await w.ticket(ticket.id)
    assert (stored.first_response_business_seconds, stored.resolution_business_seconds) == (
        3600.0,
        9000.0,
    )
    await w.services.desk.act(ticket.id, Reopen(reason="voltou"), ANA)
    assert (await w.ticket(ticket.id)).resolution_business_seconds is None
    w.clock.set(datetime(2026, 5, 11, 11, 0, tzinfo=SP))
    await w.services.desk.act(ticket.id, Resolve(), ANA)
    again = await w.ticket(ticket.id)
    assert (again.first_response_business_seconds, again.resolution_business_seconds) == (
        3600.0,
        12600.0,
    )
