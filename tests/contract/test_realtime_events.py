"""The realtime contract (`uow.events` and the process's feed) on the fake, SQLite and PostgreSQL.

Events leave only with a commit, in publishing order, every field intact; a rolled-back unit
of work sends nothing. On PostgreSQL they travel through NOTIFY and a `PgEventListener`.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import attrs
import pytest
from sqlalchemy.exc import IntegrityError

from lia_adapters.memory import InMemoryStore
from lia_adapters.memory.realtime import InProcessEventBus
from lia_adapters.sql import SqlUnitOfWorkFactory
from lia_adapters.sql.realtime import PgEventListener, libpq_conninfo
from lia_core.domain.activity import Activity, Actor
from lia_core.domain.realtime import RealtimeEvent, RealtimeKind
from lia_core.errors import AlreadyExists
from lia_core.ports import EventFeed, UnitOfWorkFactory
from lia_core.sla.readings import Metric, SlaState
from tests.conftest import BACKENDS, connected_engine, migrate_from_template
from tests.contract.builders.outages import T0


@attrs.frozen
class Realtime:
    """A store's units of work and the feed that hears what they commit."""

    uow: UnitOfWorkFactory
    feed: EventFeed


@pytest.fixture(params=BACKENDS)
async def realtime(request: pytest.FixtureRequest) -> AsyncIterator[Realtime]:
    """Each backend with its feed (PostgreSQL: a listener on a channel of this test's own)."""
    if request.param == "memory":
        store = InMemoryStore()
        yield Realtime(store.unit_of_work, store.bus)
        return
    url: str = request.getfixturevalue(f"{request.param}_url")
    migrate_from_template(request, url)
    engine = await connected_engine(url)
    bus = InProcessEventBus()
    channel = f"lia_test_{uuid.uuid4().hex[:12]}"
    listener = PgEventListener(libpq_conninfo(url), bus, channel=channel)
    try:
        if request.param == "postgres":
            listener.start()
            async with asyncio.timeout(10):
                await listener.wait_listening()
        yield Realtime(SqlUnitOfWorkFactory(engine, bus=bus, channel=channel), bus)
    finally:
        await listener.close()
        await engine.dispose()


class Heard:
    """What a listener heard, with a way to wait for the next events."""

    def __init__(self, feed: EventFeed) -> None:
        self.events: list[RealtimeEvent] = []
        self._changed = asyncio.Event()
        self.unsubscribe = feed.subscribe(self._hear)

    def _hear(self, event: RealtimeEvent) -> None:
        self.events.append(event)
        self._changed.set()

    async def at_least(self, count: int) -> list[RealtimeEvent]:
        """The events heard once there are *count* (TimeoutError after 5 seconds)."""
        async with asyncio.timeout(5):
            while len(self.events) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.events


def an_event(n: int, kind: RealtimeKind = RealtimeKind.TICKET_UPDATED) -> RealtimeEvent:
    """A small event numbered *n* (its ticket id)."""
    return RealtimeEvent(kind=kind, at=T0 + timedelta(seconds=n), ticket_id=f"t-{n}")


FULL = RealtimeEvent(
    kind=RealtimeKind.SLA_ALERT,
    at=T0,
    department="suporte-n1",
    conversation_id="2f0c4a5e-9d7b-4c1e-8a3f-6b2d1e0f9c87",
    message_id="m-1",
    ticket_id="t-1",
    offer_id="o-1",
    agent="ana.souza@isp.example",
    previous_agent="bruno",
    previous_department="comercial",
    status="open",
    priority="urgent",
    channel="whatsapp",
    waiting_since=T0 - timedelta(minutes=7),
    due_at=T0 + timedelta(minutes=30),
    expires_at=T0 + timedelta(minutes=2),
    metric=Metric.FIRST_RESPONSE,
    sla_state=SlaState.BREACHED,
)


async def _audit(uow_factory: UnitOfWorkFactory, entry_id: str, *events: RealtimeEvent) -> None:
    """Commit an audit entry and *events* in one unit of work."""
    async with uow_factory() as uow:
        await uow.activity.add(
            Activity.of(
                Actor.service("test"),
                id=entry_id,
                at=T0,
                action="ticket.note",
                entity="ticket",
                entity_id="t-1",
            )
        )
        uow.events.publish(*events)
        await uow.commit()


async def _fail_after_publishing(uow_factory: UnitOfWorkFactory, event: RealtimeEvent) -> None:
    async with uow_factory() as uow:
        uow.events.publish(event)
        raise RuntimeError("boom")


async def test_committed_events_arrive_whole_and_in_order(realtime: Realtime) -> None:
    """Every field of every event arrives, in publishing order, after the commit."""
    heard = Heard(realtime.feed)
    minimal = an_event(2, RealtimeKind.AGENT_PRESENCE)
    await _audit(realtime.uow, "a-1", FULL, minimal)
    assert await heard.at_least(2) == [FULL, minimal]


async def test_nothing_leaves_before_the_commit(realtime: Realtime) -> None:
    """Published events wait for the commit: none is heard while the transaction is open."""
    heard = Heard(realtime.feed)
    async with realtime.uow() as uow:
        uow.events.publish(an_event(1))
        await asyncio.sleep(0.05)
        assert heard.events == []
        await uow.commit()
    assert await heard.at_least(1) == [an_event(1)]


async def test_a_rolled_back_unit_of_work_sends_nothing(realtime: Realtime) -> None:
    """Events of a unit of work left uncommitted, or rolled back, or failed, are never heard."""
    heard = Heard(realtime.feed)
    async with realtime.uow() as uow:
        uow.events.publish(an_event(1))
    async with realtime.uow() as uow:
        uow.events.publish(an_event(2))
        await uow.rollback()
        uow.events.publish(an_event(3))
        await uow.commit()
    with pytest.raises(RuntimeError, match="boom"):
        await _fail_after_publishing(realtime.uow, an_event(4))
    await _audit(realtime.uow, "a-1", an_event(5))
    assert await heard.at_least(2) == [an_event(3), an_event(5)]
    await asyncio.sleep(0.05)
    assert heard.events == [an_event(3), an_event(5)]


async def test_a_commit_that_fails_sends_nothing(realtime: Realtime) -> None:
    """A commit the store refuses (a duplicate key here) takes its events down with it."""
    await _audit(realtime.uow, "a-1")
    heard = Heard(realtime.feed)
    with pytest.raises((AlreadyExists, IntegrityError)):  # the fake checks, the database refuses
        await _audit(realtime.uow, "a-1", an_event(1))
    await _audit(realtime.uow, "a-2", an_event(2))
    assert await heard.at_least(1) == [an_event(2)]
    await asyncio.sleep(0.05)
    assert heard.events == [an_event(2)]


async def test_a_unit_of_work_can_commit_twice(realtime: Realtime) -> None:
    """After a commit the next transaction's events leave with the next commit, not before."""
    heard = Heard(realtime.feed)
    async with realtime.uow() as uow:
        uow.events.publish(an_event(1))
        await uow.commit()
        uow.events.publish(an_event(2))
        await heard.at_least(1)
        await asyncio.sleep(0.05)
        assert heard.events == [an_event(1)]
        await uow.commit()
    assert await heard.at_least(2) == [an_event(1), an_event(2)]


async def test_a_large_batch_keeps_its_order(realtime: Realtime) -> None:
    """Five hundred events of one commit all arrive, in order (one statement on PostgreSQL)."""
    heard = Heard(realtime.feed)
    events = [an_event(n) for n in range(500)]
    async with realtime.uow() as uow:
        uow.events.publish(*events)
        await uow.commit()
    assert await heard.at_least(500) == events


async def test_every_listener_hears_and_unsubscribing_stops_it(realtime: Realtime) -> None:
    """Two listeners both hear an event; one that unsubscribed hears no more, and the count drops."""
    before = realtime.feed.listeners
    first, second = Heard(realtime.feed), Heard(realtime.feed)
    assert realtime.feed.listeners == before + 2
    await _audit(realtime.uow, "a-1", an_event(1))
    assert await first.at_least(1) == await second.at_least(1) == [an_event(1)]
    first.unsubscribe()
    assert realtime.feed.listeners == before + 1
    await _audit(realtime.uow, "a-2", an_event(2))
    await second.at_least(2)
    assert first.events == [an_event(1)]
