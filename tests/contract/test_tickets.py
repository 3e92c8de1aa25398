"""The TicketRepository contract on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest

from lia_core.desk.index import TicketIndex, index_status
from lia_core.desk.plan import DueVisits
from lia_core.desk.policy import DeskPolicy
from lia_core.desk.settle import Gathered, plan_visits, run
from lia_core.domain.recipients import Phone
from lia_core.domain.tickets import (
    EventKind,
    Priority,
    Severity,
    SupportLevel,
    Ticket,
    TicketStatus,
)
from lia_core.errors import AlreadyExists, ConcurrencyConflict, NotFound
from lia_core.escalation import escalate
from lia_core.escalation.book import RuleBook
from lia_core.ports import TicketFilter, UnitOfWorkFactory
from lia_core.sla.calendar import BusinessCalendar
from lia_core.sla.policy import PolicyBook, SlaPolicy, SlaTargets, Target
from lia_core.sla.readings import SlaState

T0 = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
CUSTOMER = Phone("5511987654321")


def a_ticket(
    ticket_id: str = "t-1",
    *,
    conversation_id: str | None = "c-1",
    at: datetime = T0,
    department: str = "support",
    priority: Priority = Priority.MEDIUM,
) -> Ticket:
    """An open ticket handed to a human, with a contact and a conversation."""
    ticket = Ticket.open(
        id=ticket_id,
        department=department,
        priority=priority,
        severity=Severity.LOW,
        at=at,
        subject="sem internet",
        conversation_id=conversation_id,
        contact=CUSTOMER,
        failure_id="f-9",
        vip=True,
        sla_policy="standard",
    )
    return ticket.record(
        EventKind.HANDED_TO_HUMAN, at=at, by="bot", reason="pediu atendente", data={"to": "support"}
    )


DUE = TicketIndex(
    sla_state=SlaState.OK,
    first_response_due_at=T0 + 60 * MINUTE,
    resolution_due_at=T0 + 480 * MINUTE,
    next_check_at=T0 + 42 * MINUTE,
)


async def test_a_ticket_round_trips_with_its_timeline(uow_factory: UnitOfWorkFactory) -> None:
    """What add stores, get returns: state, timeline events with actor, reason and data."""
    ticket = a_ticket()
    async with uow_factory() as uow:
        stored = await uow.tickets.add(ticket, DUE, at=T0)
        await uow.commit()
    assert stored.version == 1
    async with uow_factory() as uow:
        loaded = await uow.tickets.get("t-1")
    assert loaded == attrs.evolve(ticket, version=1)
    assert loaded.contact == CUSTOMER
    assert dict(loaded.timeline.events[-1].data) == {"to": "support"}


async def test_deadlines_and_the_gate_mark_round_trip(uow_factory: UnitOfWorkFactory) -> None:
    """Explicit deadlines and answered_by_outage_gate come back as stored, and after a save."""
    ticket = attrs.evolve(
        a_ticket(),
        deadline=T0 + 90 * MINUTE,
        first_response_deadline=T0 + 15 * MINUTE,
        answered_by_outage_gate=True,
    )
    async with uow_factory() as uow:
        await uow.tickets.add(ticket, DUE, at=T0)
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.tickets.get("t-1")
        saved = await uow.tickets.save(attrs.evolve(loaded, deadline=T0 + 120 * MINUTE), DUE, at=T0)
        await uow.commit()
    async with uow_factory() as uow:
        again = await uow.tickets.get("t-1")
    assert loaded == attrs.evolve(ticket, version=1)
    assert again == saved
    assert (again.deadline, again.first_response_deadline, again.answered_by_outage_gate) == (
        T0 + 120 * MINUTE,
        T0 + 15 * MINUTE,
        True,
    )


async def test_save_appends_events_and_bumps_the_version(uow_factory: UnitOfWorkFactory) -> None:
    """Saved changes and appended events come back; the version grows by one per save."""
    async with uow_factory() as uow:
        await uow.tickets.add(a_ticket(), DUE, at=T0)
        await uow.commit()
    async with uow_factory() as uow:
        ticket = await uow.tickets.get("t-1")
        moved = escalate(ticket, reason="sem sinal", by="ana", at=T0 + MINUTE).ticket
        moved = moved.record(EventKind.PRIVATE_NOTE, at=T0 + 2 * MINUTE, by="ana", reason="ok")
        saved = await uow.tickets.save(moved, TicketIndex(), at=T0 + 2 * MINUTE)
        await uow.commit()
    assert saved.version == 2
    async with uow_factory() as uow:
        loaded = await uow.tickets.get("t-1")
    assert loaded == saved
    assert loaded.level is SupportLevel.N2
    assert [e.kind for e in loaded.timeline.events][-2:] == [
        EventKind.ESCALATED,
        EventKind.PRIVATE_NOTE,
    ]


async def test_a_stale_save_is_a_conflict_and_changes_nothing(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Two writers read version 1: the second save (or its commit) raises ConcurrencyConflict."""
    async with uow_factory() as uow:
        await uow.tickets.add(a_ticket(), DUE, at=T0)
        await uow.commit()
    async with uow_factory() as uow:
        stale = await uow.tickets.get("t-1")
    async with uow_factory() as uow:
        fresh = await uow.tickets.get("t-1")
        await uow.tickets.save(
            fresh.record(EventKind.PRIVATE_NOTE, at=T0, by="ana", reason="a"), DUE, at=T0
        )
        await uow.commit()
    late = stale.record(EventKind.PRIVATE_NOTE, at=T0, by="bia", reason="b")
    with pytest.raises(ConcurrencyConflict):
        await _save_and_commit(uow_factory, late)
    async with uow_factory() as uow:
        loaded = await uow.tickets.get("t-1")
    assert [e.reason for e in loaded.timeline.events if e.kind is EventKind.PRIVATE_NOTE] == ["a"]


async def _save_and_commit(uow_factory: UnitOfWorkFactory, ticket: Ticket) -> None:
    """Save in a fresh unit of work and commit (the fake checks versions at commit)."""
    async with uow_factory() as uow:
        await uow.tickets.save(ticket, DUE, at=T0)
        await uow.commit()


async def test_missing_tickets_are_not_found(uow_factory: UnitOfWorkFactory) -> None:
    """get and save of an unknown id raise NotFound."""
    async with uow_factory() as uow:
        with pytest.raises(NotFound):
            await uow.tickets.get("nope")
        with pytest.raises(NotFound):
            await uow.tickets.save(attrs.evolve(a_ticket("nope"), version=1), DUE, at=T0)


async def test_one_live_ticket_per_conversation(uow_factory: UnitOfWorkFactory) -> None:
    """A second live ticket for a conversation is refused; once resolved, a new one opens."""
    async with uow_factory() as uow:
        await uow.tickets.add(a_ticket("t-1"), DUE, at=T0)
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(AlreadyExists):
            await uow.tickets.add(a_ticket("t-2"), DUE, at=T0)
    async with uow_factory() as uow:
        with pytest.raises(AlreadyExists):
            await uow.tickets.add(a_ticket("t-1", conversation_id="c-other"), DUE, at=T0)
    async with uow_factory() as uow:
        ticket = await uow.tickets.get("t-1")
        resolved = ticket.record(EventKind.RESOLVED, at=T0 + MINUTE, by="ana")
        await uow.tickets.save(resolved, TicketIndex(), at=T0 + MINUTE)
        await uow.tickets.add(a_ticket("t-2", at=T0 + 2 * MINUTE), DUE, at=T0)
        await uow.commit()
    async with uow_factory() as uow:
        live = await uow.tickets.live_for_conversations(["c-1", "c-unknown"])
    assert {cid: t.id for cid, t in live.items()} == {"c-1": "t-2"}


async def test_list_filters_and_orders_newest_first(uow_factory: UnitOfWorkFactory) -> None:
    """Each filter keeps only matching tickets; newest opened first; limit applies."""
    async with uow_factory() as uow:
        for n in range(5):
            ticket = a_ticket(
                f"t-{n}",
                conversation_id=f"c-{n}",
                at=T0 + n * MINUTE,
                department="financial" if n % 2 else "support",
                priority=Priority.HIGH if n == 3 else Priority.MEDIUM,
            )
            state = SlaState.BREACHED if n == 4 else SlaState.OK
            await uow.tickets.add(ticket, attrs.evolve(DUE, sla_state=state), at=T0)
        await uow.commit()
    async with uow_factory() as uow:
        everything = await uow.tickets.list(TicketFilter(), limit=10)
        financial = await uow.tickets.list(TicketFilter(department="financial"), limit=10)
        high = await uow.tickets.list(TicketFilter(priority=Priority.HIGH), limit=10)
        breached = await uow.tickets.list(TicketFilter(sla=SlaState.BREACHED), limit=10)
        scoped = await uow.tickets.list(TicketFilter(departments=frozenset({"support"})), limit=2)
        open_ = await uow.tickets.list(TicketFilter(status=TicketStatus.OPEN), limit=10)
        outage = await uow.tickets.list(TicketFilter(failure_id="f-9"), limit=10)
        level = await uow.tickets.list(TicketFilter(level=SupportLevel.N2), limit=10)
    assert [t.id for t in everything] == ["t-4", "t-3", "t-2", "t-1", "t-0"]
    assert [t.id for t in financial] == ["t-3", "t-1"]
    assert [t.id for t in high] == ["t-3"]
    assert [t.id for t in breached] == ["t-4"]
    assert [t.id for t in scoped] == ["t-4", "t-2"]
    assert len(open_) == len(outage) == 5
    assert level == []
    assert everything[0].index.sla_state is SlaState.BREACHED
    first = everything[0]
    assert (first.level, first.priority, first.severity, first.status) == (
        SupportLevel.N1,
        Priority.MEDIUM,
        Severity.LOW,
        TicketStatus.OPEN,
    )
    assert all(
        type(value) is kind
        for value, kind in (
            (first.level, SupportLevel),
            (first.priority, Priority),
            (first.severity, Severity),
            (first.status, TicketStatus),
            (first.index.sla_state, SlaState),
        )
    )
    assert everything[0].contact == CUSTOMER
    assert everything[0].vip


async def test_due_returns_live_tickets_due_earliest_first(uow_factory: UnitOfWorkFactory) -> None:
    """Only live tickets whose next check is at or before now; rescheduling makes all due."""
    async with uow_factory() as uow:
        for n, minutes in enumerate((30, 10, 90)):
            index = attrs.evolve(DUE, next_check_at=T0 + minutes * MINUTE)
            await uow.tickets.add(a_ticket(f"t-{n}", conversation_id=f"c-{n}"), index, at=T0)
        await uow.tickets.add(a_ticket("t-none", conversation_id=None), TicketIndex(), at=T0)
        await uow.commit()
    async with uow_factory() as uow:
        due = await uow.tickets.due(T0 + 30 * MINUTE, limit=10)
    assert [t.id for t in due] == ["t-1", "t-0"]
    async with uow_factory() as uow:
        assert await uow.tickets.reschedule_live(T0) == 4
        await uow.commit()
    async with uow_factory() as uow:
        assert len(await uow.tickets.due(T0, limit=10)) == 4
        assert len(await uow.tickets.due(T0, limit=2)) == 2


async def test_count_due_counts_what_is_due_up_to_the_limit(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Next checks at or before now, up to the limit; later ones and none are not counted."""
    async with uow_factory() as uow:
        for n, minutes in enumerate((30, 10, 90, 20)):
            index = attrs.evolve(DUE, next_check_at=T0 + minutes * MINUTE)
            await uow.tickets.add(a_ticket(f"t-{n}", conversation_id=f"c-{n}"), index, at=T0)
        await uow.tickets.add(a_ticket("t-none", conversation_id=None), TicketIndex(), at=T0)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.tickets.count_due(T0 + 5 * MINUTE, limit=10) == 0
        assert await uow.tickets.count_due(T0 + 30 * MINUTE, limit=10) == 3
        assert await uow.tickets.count_due(T0 + 30 * MINUTE, limit=2) == 2
        assert await uow.tickets.count_due(T0 + 90 * MINUTE, limit=10) == 4


async def test_a_final_ticket_never_takes_a_due_slot(uow_factory: UnitOfWorkFactory) -> None:
    """A resolved ticket with a stale next check is skipped before the limit, not after it."""
    async with uow_factory() as uow:
        resolved = a_ticket("t-old").record(EventKind.RESOLVED, at=T0, by="ana")
        await uow.tickets.add(resolved, attrs.evolve(DUE, next_check_at=T0), at=T0)
        live = attrs.evolve(DUE, next_check_at=T0 + MINUTE)
        await uow.tickets.add(a_ticket("t-live", conversation_id="c-2"), live, at=T0)
        await uow.commit()
    async with uow_factory() as uow:
        due = await uow.tickets.due(T0 + MINUTE, limit=1)
    assert [t.id for t in due] == ["t-live"]


async def test_contacts_are_counted_by_opening(uow_factory: UnitOfWorkFactory) -> None:
    """opened_for_contact lists the contact's openings since an instant, oldest first."""
    async with uow_factory() as uow:
        for n in range(3):
            ticket = a_ticket(f"t-{n}", conversation_id=None, at=T0 + n * 60 * MINUTE)
            await uow.tickets.add(ticket, DUE, at=T0)
        await uow.commit()
    async with uow_factory() as uow:
        since = await uow.tickets.opened_for_contact(CUSTOMER, since=T0 + 30 * MINUTE)
        other = await uow.tickets.opened_for_contact(Phone("5511900000000"), since=T0)
    assert since == [T0 + 60 * MINUTE, T0 + 120 * MINUTE]
    assert other == []


async def test_batches_add_and_save_like_single_calls(uow_factory: UnitOfWorkFactory) -> None:
    """add_many and save_many store what add and save would; one stale ticket fails the batch."""
    fresh = [(a_ticket(f"t-{n}", conversation_id=f"c-{n}"), DUE) for n in range(3)]
    async with uow_factory() as uow:
        stored = await uow.tickets.add_many(fresh, at=T0)
        await uow.commit()
    assert [t.version for t in stored] == [1, 1, 1]
    async with uow_factory() as uow:
        loaded = [await uow.tickets.get(f"t-{n}") for n in range(3)]
        noted = [
            (t.record(EventKind.CUSTOMER_MESSAGE, at=T0 + MINUTE, reason=f"oi {t.id}"), DUE)
            for t in loaded
        ]
        saved = await uow.tickets.save_many(noted, at=T0 + MINUTE)
        await uow.commit()
    assert [t.version for t in saved] == [2, 2, 2]
    async with uow_factory() as uow:
        again = await uow.tickets.get("t-2")
    assert again.timeline.events[-1].reason == "oi t-2"
    assert len(again.timeline.events) == len(fresh[2][0].timeline.events) + 1
    stale = [(loaded[0], DUE), (again, DUE)]
    with pytest.raises(ConcurrencyConflict):
        await _save_many_and_commit(uow_factory, stale)


async def _save_many_and_commit(
    uow_factory: UnitOfWorkFactory, items: list[tuple[Ticket, TicketIndex]]
) -> None:
    async with uow_factory() as uow:
        await uow.tickets.save_many(items, at=T0)
        await uow.commit()


def _planned(ticket: Ticket, *, revision: int | None = None) -> tuple[Ticket, TicketIndex]:
    """*ticket* with the index and visit plan the desk's pipeline makes at T0."""
    policy = attrs.evolve(_ROUND_CLOCK, revision=revision)
    done = run(ticket, desk=policy, gathered=Gathered(), now=T0)
    index = index_status(done.ticket, done.status, done.policy, now=T0)
    plan = plan_visits(done.ticket, index, desk=policy, gathered=Gathered(), now=T0)
    assert plan is not None
    return done.ticket, attrs.evolve(index, plan=plan)


_ROUND_CLOCK = DeskPolicy(
    sla=PolicyBook(
        fallback=SlaPolicy(
            name="standard",
            calendar=BusinessCalendar.always(),
            by_priority={p: SlaTargets(resolution=Target.calendar(100)) for p in Priority},
        )
    ),
    rules=RuleBook(rules=()),
)
"""Resolution due 100 minutes after opening: warning at 70, breach at 100."""


async def test_visit_due_applies_the_plan_without_a_new_version(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """At the warning's instant the store records it from the plan: event, index, the plan
    moved on; the version stays (SLA events alone); a stale save then conflicts."""
    ticket, index = _planned(a_ticket(at=T0))
    async with uow_factory() as uow:
        await uow.tickets.add(ticket, index, at=T0)
        await uow.commit()
    async with uow_factory() as uow:
        read = await uow.tickets.get(ticket.id)
    async with uow_factory() as uow:
        early = await uow.tickets.visit_due(T0 + 69 * MINUTE, limit=10, revision=None)
        assert early.taken == 0
        due = await uow.tickets.visit_due(T0 + 71 * MINUTE, limit=10, revision=None)
        await uow.commit()
    assert due.unplanned == ()
    (applied,) = due.applied
    assert applied.kinds == (EventKind.SLA_WARNING,)
    assert [a.cause for a in applied.alerts] == ["resolution-warning"]
    assert applied.next_check_at == T0 + 100 * MINUTE
    async with uow_factory() as uow:
        stored = await uow.tickets.get(ticket.id)
        (summary,) = await uow.tickets.list(TicketFilter(sla=SlaState.WARNING), limit=5)
    assert stored.version == read.version
    assert stored.timeline.events[-1].kind is EventKind.SLA_WARNING
    assert stored.timeline.events[-1].at == T0 + 70 * MINUTE  # the crossing's own instant
    assert summary.index.next_check_at == T0 + 100 * MINUTE

    async def save_stale() -> None:
        async with uow_factory() as uow:
            stale = read.record(EventKind.PRIVATE_NOTE, at=T0 + 72 * MINUTE, by="ana", reason="x")
            await uow.tickets.save(stale, DUE, at=T0 + 72 * MINUTE)
            await uow.commit()

    with pytest.raises(ConcurrencyConflict):  # read before the visit: its note would be lost
        await save_stale()
    async with uow_factory() as uow:
        breach = await uow.tickets.visit_due(T0 + 101 * MINUTE, limit=10, revision=None)
        await uow.commit()
    assert [a.kinds for a in breach.applied] == [(EventKind.SLA_BREACHED,)]
    async with uow_factory() as uow:
        assert await uow.tickets.visit_due(T0 + 999 * MINUTE, limit=10, revision=None) == (
            DueVisits()
        )


async def test_visit_due_leaves_what_a_plan_cannot_answer_to_the_pipeline(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Another revision in force, or no plan at all: taken (and locked), not applied."""
    planned, index = _planned(a_ticket("t-1", conversation_id="c-1"), revision=3)
    bare = a_ticket("t-2", conversation_id="c-2")
    async with uow_factory() as uow:
        await uow.tickets.add(planned, index, at=T0)
        await uow.tickets.add(bare, attrs.evolve(DUE, next_check_at=T0 + MINUTE), at=T0)
        await uow.commit()
    async with uow_factory() as uow:
        due = await uow.tickets.visit_due(T0 + 71 * MINUTE, limit=10, revision=4)
        assert (due.applied, sorted(due.unplanned)) == ((), ["t-1", "t-2"])
        loaded = await uow.tickets.get_many(["t-2", "t-1"])
        assert [t.id for t in loaded] == ["t-2", "t-1"]
    async with uow_factory() as uow:
        same = await uow.tickets.visit_due(T0 + 71 * MINUTE, limit=10, revision=3)
        assert ([a.ticket_id for a in same.applied], same.unplanned) == (["t-1"], ("t-2",))


async def test_the_planner_finds_what_saves_left_unplanned(uow_factory: UnitOfWorkFactory) -> None:
    """`unplanned` returns live tickets with a next check and no plan (locked), `set_plans`
    stores them (not a plan made for another timeline); then they are not unplanned."""
    bare = a_ticket("t-1", conversation_id="c-1")
    resolved = a_ticket("t-2", conversation_id="c-2").record(
        EventKind.RESOLVED, at=T0 + MINUTE, by="ana"
    )
    async with uow_factory() as uow:
        await uow.tickets.add(bare, DUE, at=T0)
        await uow.tickets.add(resolved, attrs.evolve(DUE, next_check_at=T0), at=T0)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.tickets.unplanned(before=T0 + 42 * MINUTE, limit=10) == []  # not yet
        (ticket,) = await uow.tickets.unplanned(before=T0 + DAY, limit=10)
        assert ticket.id == "t-1"
        _, index = _planned(ticket)
        assert index.plan is not None
        stale = attrs.evolve(index.plan, seq=index.plan.seq + 1)
        assert await uow.tickets.set_plans([(ticket, stale)]) == 0
        assert await uow.tickets.set_plans([(ticket, index.plan)]) == 1
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.tickets.unplanned(before=T0 + DAY, limit=10) == []
        stored = await uow.tickets.get("t-1")
    assert stored.version == ticket.version
