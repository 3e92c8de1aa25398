"""The desk over the in-memory store: handoffs open tickets, commands, clocks, rules, alerts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_core.desk.commands import (
    Escalate,
    Note,
    OpenTicket,
    Reassign,
    Reopen,
    Resolve,
    SetPriority,
    Unwait,
    Wait,
)
from lia_core.desk.policy import DeskPolicy, builtin_desk_policy
from lia_core.desk.service import FixedPolicySource
from lia_core.domain.activity import ActivityFilter, Actor
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.recipients import Phone
from lia_core.domain.tickets import (
    EventKind,
    Priority,
    SupportLevel,
    Ticket,
    TicketStatus,
)
from lia_core.domain.users import Role, User
from lia_core.errors import ConcurrencyConflict, InvalidTransition, NotPermitted, ValidationError
from lia_core.ports import TicketFilter, UnitOfWork
from lia_core.services import Services
from lia_core.sla.calendar import BusinessCalendar
from lia_core.sla.readings import SlaState
from lia_core.sla.workweek import HolidayRules, WeeklyHours

SP = ZoneInfo("America/Sao_Paulo")
MONDAY_10H = datetime(2026, 5, 4, 10, 0, tzinfo=SP)  # a working Monday
ANA = Actor(name="ana.sup", ip="10.0.0.1", user_agent="pytest")


@attrs.define
class Notified:
    """A staff notifier that remembers what it was asked (the outbox one is tested apart)."""

    calls: list[tuple[str, str, str]] = attrs.Factory(list)

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
        """Record (ticket, policy, cause)."""
        self.calls.append((ticket.id, policy, cause))
        return 1


@attrs.define
class DeskWorld:
    """Services over one in-memory store, with a settable clock and a recording notifier."""

    store: InMemoryStore
    clock: FixedClock
    services: Services
    notified: Notified

    async def ticket(self, ticket_id: str) -> Ticket:
        """The stored ticket."""
        async with self.store.unit_of_work() as uow:
            return await uow.tickets.get(ticket_id)

    async def revisit(self, ticket_id: str) -> Ticket:
        """What the SLA monitor does to one ticket now."""
        async with self.store.unit_of_work() as uow:
            ticket = await uow.tickets.get(ticket_id)
            settled = await self.services.desk.revisit(uow, ticket, now=self.clock.now())
            await uow.commit()
        return settled.ticket

    def kinds(self, ticket: Ticket) -> list[EventKind]:
        """The timeline's kinds in order."""
        return [e.kind for e in ticket.timeline.events]


def _world(policy: DeskPolicy | None = None) -> DeskWorld:
    store, clock, ids = InMemoryStore(), FixedClock(MONDAY_10H.astimezone(UTC)), SequentialIds()
    notified = Notified()
    services = Services.build(
        uow=store.unit_of_work,
        clock=clock,
        ids=ids,
        hasher=PlainTextHasher(),
        tz=SP,
        desk_policies=FixedPolicySource(policy or builtin_desk_policy("America/Sao_Paulo")),
        staff_notifier=notified,
    )
    return DeskWorld(store, clock, services, notified)


@pytest.fixture
def w() -> DeskWorld:
    """The built-in desk policy (Mon-Fri 08:00-18:00 in São Paulo, Brazil's holidays)."""
    return _world()


def _message(text: str, mid: str, at: datetime) -> InboundMessage:
    return InboundMessage(
        channel=Channel.WHATSAPP,
        provider_message_id=mid,
        sender=Phone("5511987654321"),
        reply_to="5511987654321",
        sent_at=at,
        text=text,
        display_name="Maria",
    )


async def _receive(w: DeskWorld, *messages: InboundMessage) -> None:
    report = await w.services.ingest(messages)
    await w.services.process_inbound(report.new)


async def _all(w: DeskWorld) -> Sequence[Ticket]:
    async with w.store.unit_of_work() as uow:
        listed = await uow.tickets.list(TicketFilter(), limit=100)
        return [await uow.tickets.get(t.id) for t in listed]


async def test_a_handoff_opens_one_ticket_that_later_messages_join(w: DeskWorld) -> None:
    """The human queue opens a ticket with the routing's reason; the next message joins it."""
    now = w.clock.now()
    await _receive(w, _message("quero falar com um atendente", "m1", now))
    w.clock.advance(minutes=3)
    await _receive(w, _message("alô?", "m2", w.clock.now()))
    tickets = await _all(w)
    assert len(tickets) == 1
    ticket = tickets[0]
    assert ticket.status is TicketStatus.OPEN
    assert ticket.contact == Phone("5511987654321")
    assert ticket.subject == "quero falar com um atendente"
    assert w.kinds(ticket) == [
        EventKind.CREATED,
        EventKind.HANDED_TO_HUMAN,
        EventKind.CUSTOMER_MESSAGE,
        EventKind.CUSTOMER_MESSAGE,
    ]
    handed = ticket.timeline.events[1]
    assert (handed.reason, dict(handed.data)) == ("human queue", {"to": "support"})
    assert ticket.timeline.events[-1].reason == "alô?"


async def test_a_resolved_ticket_is_followed_by_a_new_one(w: DeskWorld) -> None:
    """Once the ticket is resolved, the customer's next handed message opens another."""
    await _receive(w, _message("sem sinal", "m1", w.clock.now()))
    (first,) = await _all(w)
    await w.services.desk.act(first.id, Resolve(), ANA)
    w.clock.advance(hours=1)
    await _receive(w, _message("voltou a cair", "m2", w.clock.now()))
    tickets = await _all(w)
    assert [t.status for t in tickets] == [TicketStatus.OPEN, TicketStatus.RESOLVED]


async def _open(w: DeskWorld, **fields: object) -> Ticket:
    request = OpenTicket(subject="lentidão", contact=Phone("5511987654321"), **fields)  # type: ignore[arg-type]
    return await w.services.desk.open(request, ANA)


async def test_commands_record_who_and_why_and_refuse_past_n3(w: DeskWorld) -> None:
    """Escalate twice, then a third escalation is refused; a missing reason names the field."""
    ticket = await _open(w)
    await w.services.desk.act(ticket.id, Escalate(reason="sem sinal após reset"), ANA)
    top = await w.services.desk.act(ticket.id, Escalate(reason="fibra"), ANA)
    assert top.level is SupportLevel.N3
    assert (top.escalation_reason, top.escalated_by) == ("fibra", "ana.sup")
    with pytest.raises(InvalidTransition, match="already at N3"):
        await w.services.desk.act(ticket.id, Escalate(reason="mais"), ANA)
    with pytest.raises(ValidationError) as missing:
        await w.services.desk.act(ticket.id, Reopen(reason="  "), ANA)
    assert missing.value.field == "reason"
    stored = await w.ticket(ticket.id)
    assert stored.version == top.version
    async with w.store.unit_of_work() as uow:
        logged = await uow.activity.list(ActivityFilter(entity="ticket"), limit=10)
    assert [(a.action, a.from_state, a.to_state) for a in logged] == [
        ("ticket.escalate", "N2", "N3"),
        ("ticket.escalate", "N1", "N2"),
        ("ticket.open", None, "open"),
    ]
    assert logged[0].ip == "10.0.0.1"


async def test_every_command_moves_the_ticket_as_documented(w: DeskWorld) -> None:
    """Priority, reassign, wait/unwait, note, resolve, reopen each leave their event."""
    ticket = await _open(w)
    act = w.services.desk.act
    await act(ticket.id, SetPriority(priority=Priority.LOW, reason="cliente pediu"), ANA)
    await act(ticket.id, Reassign(reason="é cobrança", department="financial", assignee="bia"), ANA)
    waiting = await act(ticket.id, Wait(reason="aguardando foto"), ANA)
    assert waiting.status is TicketStatus.WAITING_CUSTOMER
    await act(ticket.id, Unwait(), ANA)
    await act(ticket.id, Note(text="cliente educado"), ANA)
    resolved = await act(ticket.id, Resolve(reason="trocado o roteador"), ANA)
    reopened = await act(ticket.id, Reopen(reason="voltou a cair"), ANA)
    assert (resolved.status, reopened.status) == (TicketStatus.RESOLVED, TicketStatus.OPEN)
    assert (reopened.department, reopened.assignee) == ("financial", "bia")
    kinds = w.kinds(reopened)
    for kind in (
        EventKind.PRIORITY_CHANGED,
        EventKind.REASSIGNED,
        EventKind.WAITING_CUSTOMER_ON,
        EventKind.WAITING_CUSTOMER_OFF,
        EventKind.PRIVATE_NOTE,
        EventKind.RESOLVED,
        EventKind.SLA_MET,
        EventKind.REOPENED,
    ):
        assert kind in kinds
    with pytest.raises(InvalidTransition):
        await act(ticket.id, Reopen(reason="de novo"), ANA)


async def test_a_stale_version_is_a_conflict(w: DeskWorld) -> None:
    """A command sent with the version the caller read is refused once someone else acted."""
    ticket = await _open(w)
    await w.services.desk.act(ticket.id, Note(text="primeiro"), ANA)
    with pytest.raises(ConcurrencyConflict):
        await w.services.desk.act(
            ticket.id, Note(text="segundo"), ANA, expected_version=ticket.version
        )


async def test_an_agent_acts_only_in_their_departments(w: DeskWorld) -> None:
    """An agent with no department covering the ticket gets NotPermitted; a supervisor acts."""
    ticket = await _open(w, department="financial")
    agent = User(
        id="u-1", username="agata", role=Role.AGENT, password_hash="x", created_at=MONDAY_10H
    )
    with pytest.raises(NotPermitted):
        await w.services.desk.act(ticket.id, Note(text="oi"), Actor(name="agata"), viewer=agent)
    with pytest.raises(NotPermitted):
        await w.services.desk.show(ticket.id, viewer=agent)
    assert await w.services.desk.list(TicketFilter(), viewer=agent) == []
    supervisor = attrs.evolve(agent, role=Role.SUPERVISOR)
    await w.services.desk.act(ticket.id, Note(text="oi"), ANA, viewer=supervisor)
    colleague = attrs.evolve(agent, departments=frozenset({"financial"}))
    await w.services.desk.act(ticket.id, Note(text="eu"), Actor(name="agata"), viewer=colleague)
    assert [t.id for t in await w.services.desk.list(TicketFilter(), viewer=colleague)] == [
        ticket.id
    ]


async def test_business_hours_warning_then_breach_each_alerted_once(w: DeskWorld) -> None:
    """MEDIUM: 240 business minutes to resolve... first response 240 too: warning at 70%."""
    await _receive(w, _message("sem internet", "m1", w.clock.now()))
    (ticket,) = await _all(w)
    w.clock.advance(minutes=100)
    assert w.kinds(await w.revisit(ticket.id))[-1] is EventKind.CUSTOMER_MESSAGE
    w.clock.advance(minutes=70)  # 170 of 240 minutes: past 70 %
    warned = await w.revisit(ticket.id)
    assert EventKind.SLA_WARNING in w.kinds(warned)
    w.clock.advance(minutes=71)  # 241 minutes
    breached = await w.revisit(ticket.id)
    await w.revisit(ticket.id)
    alerts = [c for c in w.notified.calls if c[1] == "sla-alert"]
    assert alerts == [
        (ticket.id, "sla-alert", "first_response-warning"),
        (ticket.id, "sla-alert", "first_response-breached"),
    ]
    async with w.store.unit_of_work() as uow:
        (summary,) = await uow.tickets.list(TicketFilter(sla=SlaState.BREACHED), limit=5)
    assert summary.id == ticket.id
    assert breached.timeline.last(EventKind.SLA_BREACHED) is not None


async def test_a_holiday_pauses_the_clock() -> None:
    """A custom holiday on Tuesday: a ticket opened Monday 17:00 is not due until Wednesday."""
    calendar = BusinessCalendar(
        hours=WeeklyHours.of({day: "08:00-18:00" for day in range(5)}),
        timezone="America/Sao_Paulo",
        holidays=HolidayRules(custom=frozenset({date(2026, 5, 5)})),
    )
    builtin = builtin_desk_policy("America/Sao_Paulo")
    policy = attrs.evolve(
        builtin,
        sla=attrs.evolve(
            builtin.sla, fallback=attrs.evolve(builtin.sla.fallback, calendar=calendar)
        ),
    )
    w = _world(policy)
    w.clock.set(datetime(2026, 5, 4, 17, 0, tzinfo=SP))
    ticket = await _open(w, priority=Priority.HIGH)  # 480 business minutes to resolve
    view = await w.services.desk.show(ticket.id)
    assert view.index.resolution_due_at == datetime(2026, 5, 6, 15, 0, tzinfo=SP)
    w.clock.set(datetime(2026, 5, 5, 17, 0, tzinfo=SP))  # the holiday: one hour counted
    view = await w.services.desk.show(ticket.id)
    assert view.status.resolution.elapsed == timedelta(hours=1)  # type: ignore[union-attr]


async def test_escalation_and_high_priority_notify_once(w: DeskWorld) -> None:
    """The built-in rules notify on escalation and on HIGH/URGENT, each once per ticket."""
    ticket = await _open(w)
    await w.services.desk.act(ticket.id, Escalate(reason="sem sinal"), ANA)
    await w.services.desk.act(ticket.id, Escalate(reason="fibra"), ANA)
    await w.services.desk.act(ticket.id, SetPriority(priority=Priority.HIGH, reason="vip"), ANA)
    await w.services.desk.act(ticket.id, SetPriority(priority=Priority.URGENT, reason="x"), ANA)
    assert w.notified.calls == [
        (ticket.id, "ticket-escalation", "rule:notify-escalation"),
        (ticket.id, "ticket-priority-high", "rule:notify-high-priority"),
    ]
    stored = await w.ticket(ticket.id)
    notified = [e for e in stored.timeline.events if e.kind is EventKind.NOTIFIED]
    assert [e.by for e in notified] == ["rule:notify-escalation", "rule:notify-high-priority"]


async def test_waiting_pauses_and_reopening_rearms(w: DeskWorld) -> None:
    """No look is scheduled while waiting on the customer; a reopening alerts again."""
    ticket = await _open(w, priority=Priority.URGENT)  # 240 business minutes to resolve
    waiting = await w.services.desk.act(ticket.id, Wait(), ANA)
    assert (await w.services.desk.show(waiting.id)).index.next_check_at is None
    await w.services.desk.act(ticket.id, Unwait(), ANA)
    w.clock.advance(minutes=200)
    await w.revisit(ticket.id)
    await w.services.desk.act(ticket.id, Resolve(), ANA)
    await w.services.desk.act(ticket.id, Reopen(reason="voltou"), ANA)
    w.clock.advance(minutes=5)
    await w.revisit(ticket.id)
    warnings = [c for c in w.notified.calls if c[2] == "resolution-warning"]
    assert len(warnings) == 2
