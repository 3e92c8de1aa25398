"""Two staff commands on one ticket at the same time, on PostgreSQL: one wins, none is lost.

Both commands read the ticket before either saves (a barrier inside the pipeline holds them
there), so the second save finds the version moved: ConcurrencyConflict (HTTP 409), with
nothing of it written; done again, it applies on top of the winner's change.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime

import attrs
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.sql import SqlUnitOfWorkFactory, create_engine
from lia_adapters.system import SystemClock, UuidGenerator
from lia_core.desk.alerts import OutboxStaffNotifier
from lia_core.desk.commands import Escalate, OpenTicket, SetPriority, TicketCommand
from lia_core.desk.policy import DeskPolicy, builtin_desk_policy
from lia_core.desk.service import Desk, FixedPolicySource
from lia_core.domain.activity import Actor
from lia_core.domain.tickets import EventKind, Priority, SupportLevel, Ticket
from lia_core.errors import ConcurrencyConflict
from lia_core.ports import UnitOfWork, UnitOfWorkFactory

pytestmark = pytest.mark.postgres


@attrs.define
class Meeting:
    """A notifier that makes the first *parties* notifications wait for each other."""

    barrier: asyncio.Barrier
    inner: OutboxStaffNotifier

    async def notify(
        self,
        uow: UnitOfWork,
        ticket: Ticket,
        *,
        policy: str,
        cause: str,
        now: datetime,
        desk: DeskPolicy,
    ) -> int:
        """Wait (at most 10 s) for the other command, then queue."""
        if self.barrier.n_waiting < self.barrier.parties and not self.barrier.broken:
            async with asyncio.timeout(10):
                await self.barrier.wait()
        return await self.inner.notify(uow, ticket, policy=policy, cause=cause, now=now, desk=desk)


def desk(factory: UnitOfWorkFactory, notifier: Meeting | OutboxStaffNotifier) -> Desk:
    """A desk on the built-in policy (escalation and high priority each notify: a meeting point)."""
    ids = UuidGenerator()
    return Desk(
        uow=factory,
        clock=SystemClock(),
        ids=ids,
        policies=FixedPolicySource(builtin_desk_policy("UTC")),
        notifier=notifier,
    )


@pytest.fixture
async def second_engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    """Another engine on the same schema: the other staff member's connection."""
    engine = create_engine(postgres_url)
    yield engine
    await engine.dispose()


async def test_one_of_two_concurrent_commands_wins_and_none_is_lost(
    migrated_postgres_engine: AsyncEngine, second_engine: AsyncEngine
) -> None:
    """Escalate and raise priority together: one saves, the other conflicts, then applies."""
    plain = desk(
        SqlUnitOfWorkFactory(migrated_postgres_engine), OutboxStaffNotifier(UuidGenerator())
    )
    ticket = await plain.open(OpenTicket(subject="Sem conexão"), Actor(name="ana"))
    meeting = Meeting(asyncio.Barrier(2), OutboxStaffNotifier(UuidGenerator()))
    desks = [
        desk(SqlUnitOfWorkFactory(migrated_postgres_engine), meeting),
        desk(SqlUnitOfWorkFactory(second_engine), meeting),
    ]
    commands: list[TicketCommand] = [
        Escalate(reason="cliente sem sinal há 2 dias"),
        SetPriority(priority=Priority.HIGH, reason="cliente empresarial"),
    ]
    results = await asyncio.gather(
        *(
            d.act(ticket.id, c, Actor(name=f"staff{n}"))
            for n, (d, c) in enumerate(zip(desks, commands, strict=True))
        ),
        return_exceptions=True,
    )
    won = [r for r in results if isinstance(r, Ticket)]
    lost = [n for n, r in enumerate(results) if isinstance(r, ConcurrencyConflict)]
    assert len(won) == 1, results
    assert len(lost) == 1, results
    async with SqlUnitOfWorkFactory(migrated_postgres_engine)() as uow:
        stored = await uow.tickets.get(ticket.id)
    assert stored.version == ticket.version + 1
    kinds = [e.kind for e in stored.timeline.events]
    assert (EventKind.ESCALATED in kinds) != (EventKind.PRIORITY_CHANGED in kinds)
    await plain.act(ticket.id, commands[lost[0]], Actor(name=f"staff{lost[0]}"))
    async with SqlUnitOfWorkFactory(migrated_postgres_engine)() as uow:
        final = await uow.tickets.get(ticket.id)
    assert final.level is SupportLevel.N2
    assert final.priority is Priority.HIGH
    kinds = [e.kind for e in final.timeline.events]
    assert kinds.count(EventKind.ESCALATED) == 1
    assert kinds.count(EventKind.PRIORITY_CHANGED) == 1


async def test_a_stale_expected_version_is_refused(migrated_postgres_engine: AsyncEngine) -> None:
    """A command sent with the version the client saw is refused once the ticket moved on."""
    plain = desk(
        SqlUnitOfWorkFactory(migrated_postgres_engine), OutboxStaffNotifier(UuidGenerator())
    )
    ticket = await plain.open(OpenTicket(subject="Sem conexão"), Actor(name="ana"))
    await plain.act(
        ticket.id, Escalate(reason="primeira"), Actor(name="ana"), expected_version=ticket.version
    )
    with pytest.raises(ConcurrencyConflict):
        await plain.act(
            ticket.id,
            Escalate(reason="segunda"),
            Actor(name="bia"),
            expected_version=ticket.version,
        )
