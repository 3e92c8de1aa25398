"""The AgentRepository, AssignmentRepository and OfferRepository contract on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from lia_core.domain.agents import AgentProfile, Presence
from lia_core.domain.assignments import Assignment, Offer, OfferStatus
from lia_core.domain.tickets import Priority
from lia_core.errors import AlreadyExists, ConcurrencyConflict, NotFound
from lia_core.ports import QueueCounts, UnitOfWorkFactory

T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
TTL = timedelta(seconds=60)


def waiting(cid: str, *, department: str = "support", minutes: int = 0, **kw: Any) -> Assignment:
    """A conversation queued *minutes* after T0 (other fields from *kw*)."""
    at = T0 + timedelta(minutes=minutes)
    return Assignment(
        conversation_id=cid, department=department, waiting_since=at, updated_at=at, **kw
    )


async def test_assignments_are_versioned_and_a_stale_save_conflicts(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Two units of work read one assignment; the second save is refused and nothing of it stays."""
    async with uow_factory() as uow:
        await uow.assignments.save_many([waiting("c-1")])
        await uow.commit()
    async with uow_factory() as first, uow_factory() as second:
        mine = await first.assignments.get("c-1")
        theirs = await second.assignments.get("c-1")
        mine.assign("ana", at=T0, reason="claimed", return_due_at=T0 + TTL)
        await first.assignments.save_many([mine])
        await first.commit()
        theirs.assign("bia", at=T0, reason="claimed", return_due_at=None)
        with pytest.raises(ConcurrencyConflict):  # noqa: PT012 - either call may find it
            await second.assignments.save_many([theirs])
            await second.commit()
    async with uow_factory() as uow:
        stored = await uow.assignments.get("c-1")
        with pytest.raises(NotFound):
            await uow.assignments.get("c-2")
    assert stored.assignee == "ana"
    assert stored.version == 2
    assert stored.return_due_at == T0 + TTL


async def test_the_queue_is_ordered_by_priority_vip_then_waiting_time(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Urgent before VIP before older; offered ones are left out of the offerable batch."""
    async with uow_factory() as uow:
        await uow.assignments.save_many(
            [
                waiting("a", minutes=0),
                waiting("b", minutes=5, vip=True),
                waiting("c", minutes=9, priority=Priority.URGENT),
                waiting("d", minutes=1, offer_id="o-1"),
                waiting("e", minutes=2, department="financial"),
                waiting("f", minutes=3, assignee="ana"),
            ]
        )
        await uow.commit()
    async with uow_factory() as uow:
        queue = [a.conversation_id for a in await uow.assignments.queue("support", limit=10)]
        offerable = [
            a.conversation_id
            for a in await uow.assignments.queue("support", limit=2, offerable=True)
        ]
        counts = await uow.assignments.counts("ana")
        one = await uow.assignments.counts("ana", department="sales")
        held = [a.conversation_id for a in await uow.assignments.held_by("ana")]
    assert queue == ["c", "b", "a", "d"]
    assert offerable == ["c", "b"]
    assert counts == [
        QueueCounts(department="financial", mine=0, unassigned=1, all=1),
        QueueCounts(department="support", mine=1, unassigned=4, all=5),
    ]
    assert one == [QueueCounts(department="sales", mine=0, unassigned=0, all=0)]
    assert held == ["f"]


async def test_return_timers_come_due_in_order(uow_factory: UnitOfWorkFactory) -> None:
    """Only open assignments whose return time passed, earliest first."""
    async with uow_factory() as uow:
        await uow.assignments.save_many(
            [
                waiting("a", assignee="ana", return_due_at=T0 + TTL),
                waiting("b", assignee="ana", return_due_at=T0),
                waiting("c", assignee="ana", return_due_at=T0 + 3 * TTL),
                waiting("d", assignee="ana", return_due_at=T0, closed_at=T0),
            ]
        )
        await uow.commit()
    async with uow_factory() as uow:
        due = [a.conversation_id for a in await uow.assignments.return_due(T0 + TTL, limit=10)]
    assert due == ["b", "a"]


async def test_offers_come_due_and_are_decided_once(uow_factory: UnitOfWorkFactory) -> None:
    """A pending offer past its time is due; deciding one already decided conflicts."""
    offer = Offer(
        id="o-1",
        conversation_id="c-1",
        agent="ana",
        department="support",
        offered_at=T0,
        due_at=T0 + TTL,
    )
    later = Offer(
        id="o-2",
        conversation_id="c-2",
        agent="ana",
        department="support",
        offered_at=T0,
        due_at=T0 + 2 * TTL,
    )
    async with uow_factory() as uow:
        await uow.offers.add_many([offer, later])
        await uow.commit()
    async with uow_factory() as uow:
        assert [o.id for o in await uow.offers.due(T0 + TTL, limit=10)] == ["o-1"]
        assert [o.id for o in await uow.offers.pending_for("ana")] == ["o-1", "o-2"]
    async with uow_factory() as first, uow_factory() as second:
        a = await first.offers.get("o-1")
        b = await second.offers.get("o-1")
        a.decide(OfferStatus.ACCEPTED, at=T0)
        await first.offers.decide_many([a])
        await first.commit()
        b.decide(OfferStatus.TIMED_OUT, at=T0)
        with pytest.raises(ConcurrencyConflict):  # noqa: PT012 - either call may find it
            await second.offers.decide_many([b])
            await second.commit()
    async with uow_factory() as uow:
        assert (await uow.offers.get("o-1")).status is OfferStatus.ACCEPTED


async def test_profiles_presence_counters_and_loads(uow_factory: UnitOfWorkFactory) -> None:
    """Available means online and heard from (or auto-offline off); counters add; loads recount."""
    async with uow_factory() as uow:
        for profile in (
            AgentProfile(username="ana", status=Presence.ONLINE, last_seen_at=T0),
            AgentProfile(username="bia", status=Presence.ONLINE, last_seen_at=T0 - 2 * TTL),
            AgentProfile(username="mob", status=Presence.ONLINE, auto_offline=False),
            AgentProfile(username="zed", status=Presence.AWAY, last_seen_at=T0),
        ):
            await uow.agents.save(profile)
        await uow.assignments.save_many(
            [waiting("a", assignee="ana"), waiting("b", assignee="ana", closed_at=T0)]
        )
        await uow.offers.add_many(
            [
                Offer(
                    id="o-1",
                    conversation_id="c",
                    agent="ana",
                    department="support",
                    offered_at=T0,
                    due_at=T0 + TTL,
                )
            ]
        )
        await uow.commit()
    async with uow_factory() as uow:
        available = [p.username for p in await uow.agents.available(T0 + TTL / 2, TTL)]
        silent = [p.username for p in await uow.agents.silent(T0 + TTL / 2, TTL, limit=10)]
        await uow.agents.tally("ana", offered=3, timed_out=1, offered_at=T0)
        loads = await uow.agents.recount(["ana", "nobody"])
        await uow.commit()
    assert available == ["ana", "mob"]
    assert silent == ["bia"]
    assert loads == {"ana": 2, "nobody": 0}
    async with uow_factory() as uow:
        ana = await uow.agents.get("ana")
        ana.capacity = 9
        await uow.agents.save(ana)
        await uow.commit()
    async with uow_factory() as uow:
        ana = await uow.agents.get("ana")
        stale = AgentProfile(username="ana", version=1)
        with pytest.raises(ConcurrencyConflict):  # noqa: PT012 - either call may find it
            await uow.agents.save(stale)
            await uow.commit()
    assert (ana.capacity, ana.load, ana.offers_offered, ana.offers_timed_out) == (9, 2, 3, 1)
    assert ana.last_offered_at == T0
    assert ana.version == 2


async def test_many_known_assignments_save_at_once(uow_factory: UnitOfWorkFactory) -> None:
    """A batch of changes (the offer tick's) saves in one call, every version bumped."""
    async with uow_factory() as uow:
        await uow.assignments.save_many([waiting("a"), waiting("b"), waiting("c")])
        await uow.commit()
    async with uow_factory() as uow:
        batch = list((await uow.assignments.get_many(["a", "b", "c"])).values())
        for item in batch:
            item.offer_id = f"o-{item.conversation_id}"
        await uow.assignments.save_many(batch)
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.assignments.get_many(["a", "b", "c"])
    assert {a.offer_id for a in stored.values()} == {"o-a", "o-b", "o-c"}
    assert {a.version for a in stored.values()} == {2}


async def test_a_taken_offer_id_is_refused(uow_factory: UnitOfWorkFactory) -> None:
    """Adding an offer whose id is stored raises AlreadyExists."""
    offer = Offer(
        id="o-1", conversation_id="c-1", agent="ana", department="support", offered_at=T0, due_at=T0
    )
    async with uow_factory() as uow:
        await uow.offers.add_many([offer])
        await uow.commit()
    with pytest.raises(AlreadyExists):  # noqa: PT012 - either call may find it
        async with uow_factory() as uow:
            await uow.offers.add_many([offer])
            await uow.commit()
