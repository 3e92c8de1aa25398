"""The AssignmentRepository's inbox on the fake, SQLite and PostgreSQL: tabs, department scope,
filters, search, the three orders, and the join to conversation, live ticket and clock row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest

from lia_core.desk.index import TicketIndex
from lia_core.domain.assignments import Assignment
from lia_core.domain.conversations import Conversation, ConversationStatus
from lia_core.domain.delivery import Channel
from lia_core.domain.recipients import Phone
from lia_core.domain.tickets import EventKind, Priority, Severity, Ticket, TicketStatus
from lia_core.ports import InboxQuery, InboxSort, InboxTab, UnitOfWorkFactory
from lia_core.sla.readings import SlaState

T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def conversation(cid: str, name: str, *, last: int) -> Conversation:
    """A WhatsApp conversation at the desk whose last message came *last* minutes after T0."""
    return Conversation(
        id=cid,
        channel=Channel.WHATSAPP,
        chat_id=f"55219999{cid[-1]}0001",
        contact_phone=f"55219999{cid[-1]}0001",
        client_name=name,
        status=ConversationStatus.WAITING,
        last_message="oi",
        last_message_at=T0 + last * MINUTE,
        created_at=T0,
        updated_at=T0,
    )


def at_desk(cid: str, *, department: str = "support", minutes: int = 0, **kw: Any) -> Assignment:
    """An open assignment queued (or, with assignee, assigned) *minutes* after T0."""
    at = T0 + minutes * MINUTE
    if kw.get("assignee"):
        return Assignment(
            conversation_id=cid, department=department, assigned_at=at, updated_at=at, **kw
        )
    return Assignment(
        conversation_id=cid, department=department, waiting_since=at, updated_at=at, **kw
    )


def ticket(tid: str, cid: str, *, department: str = "support") -> Ticket:
    """An open ticket of conversation *cid*."""
    return Ticket.open(
        id=tid,
        department=department,
        priority=Priority.MEDIUM,
        severity=Severity.LOW,
        at=T0,
        subject="sem internet",
        conversation_id=cid,
        contact=Phone("5521999990001"),
    )


@pytest.fixture
async def desk(uow_factory: UnitOfWorkFactory) -> UnitOfWorkFactory:
    """Six conversations: four queued or offered, two held by ana, one closed; live tickets."""
    async with uow_factory() as uow:
        await uow.conversations.save_many(
            [
                conversation("c-1", "Ana Souza", last=1),
                conversation("c-2", "Bruno Lima", last=5),
                conversation("c-3", "Carla 100%", last=3),
                conversation("c-4", "Davi", last=2),
                conversation("c-6", "Eva", last=4),
            ]
        )
        await uow.assignments.save_many(
            [
                at_desk("c-1", minutes=0),
                at_desk("c-2", minutes=10, priority=Priority.URGENT, offer_id="o-1"),
                at_desk("c-3", minutes=2, assignee="ana"),
                at_desk("c-4", department="financial", minutes=1, priority=Priority.HIGH),
                attrs.evolve(at_desk("c-5", minutes=0), closed_at=T0),
                at_desk("c-6", department="financial", minutes=4, assignee="ana"),
                at_desk("c-7", minutes=20),  # no conversation row: still listed
            ]
        )
        ok = TicketIndex(sla_state=SlaState.OK, first_response_due_at=T0 + 60 * MINUTE)
        warn = TicketIndex(
            sla_state=SlaState.WARNING,
            first_response_due_at=T0 + 30 * MINUTE,
            resolution_due_at=T0 + 20 * MINUTE,
        )
        waiting = ticket("t-3", "c-3").record(EventKind.WAITING_CUSTOMER_ON, at=T0, by="ana")
        old = ticket("t-old", "c-4").record(EventKind.RESOLVED, at=T0, by="ana")
        await uow.tickets.add(ticket("t-1", "c-1"), ok, at=T0)
        await uow.tickets.add(waiting, warn, at=T0)
        await uow.tickets.add(old, TicketIndex(), at=T0)
        await uow.commit()
    return uow_factory


async def ids(uow_factory: UnitOfWorkFactory, **query: Any) -> list[str]:
    """The conversation ids an inbox query lists, in order."""
    async with uow_factory() as uow:
        items = await uow.assignments.inbox(InboxQuery(viewer="ana", **query))
    return [i.assignment.conversation_id for i in items]


async def test_tabs_and_the_agent_scope(desk: UnitOfWorkFactory) -> None:
    """Mine is every conversation held (any department); the others keep to the departments."""
    assert await ids(desk, tab=InboxTab.MINE) == ["c-3", "c-6"]
    assert await ids(desk, tab=InboxTab.UNASSIGNED) == ["c-2", "c-4", "c-1", "c-7"]
    assert await ids(desk) == ["c-2", "c-4", "c-1", "c-3", "c-6", "c-7"]
    support = frozenset({"support"})
    assert await ids(desk, tab=InboxTab.ALL, departments=support) == ["c-2", "c-1", "c-3", "c-7"]
    assert await ids(desk, tab=InboxTab.MINE, departments=support) == ["c-3", "c-6"]
    assert await ids(desk, tab=InboxTab.UNASSIGNED, departments=frozenset()) == []
    assert await ids(desk, department="financial") == ["c-4", "c-6"]
    assert await ids(desk, conversation_ids=frozenset({"c-2", "c-5"})) == ["c-2"]


async def test_the_three_orders(desk: UnitOfWorkFactory) -> None:
    """Priority (urgency, then since), waiting (since: queued or assigned), last message."""
    assert await ids(desk, sort=InboxSort.WAITING) == ["c-1", "c-4", "c-3", "c-6", "c-2", "c-7"]
    assert await ids(desk, sort=InboxSort.LAST_MESSAGE) == [
        "c-2",
        "c-6",
        "c-3",
        "c-4",
        "c-1",
        "c-7",
    ]
    assert await ids(desk, sort=InboxSort.WAITING, limit=2) == ["c-1", "c-4"]


async def test_filters_and_search(desk: UnitOfWorkFactory) -> None:
    """Ticket status and SLA come from the live ticket; search is name, conversation or ticket."""
    assert await ids(desk, ticket_status=TicketStatus.WAITING_CUSTOMER) == ["c-3"]
    assert await ids(desk, ticket_status=TicketStatus.OPEN) == ["c-1"]
    assert await ids(desk, sla=SlaState.WARNING) == ["c-3"]
    assert await ids(desk, priority=Priority.HIGH) == ["c-4"]
    assert await ids(desk, search="souza") == ["c-1"]
    assert await ids(desk, search="BRUNO") == ["c-2"]
    assert await ids(desk, search="c-6") == ["c-6"]
    assert await ids(desk, search="t-3") == ["c-3"]
    assert await ids(desk, search="t-old") == []  # a resolved ticket is not the live one
    assert await ids(desk, search="100%") == ["c-3"]  # a wildcard is a plain character
    assert await ids(desk, search="1_0") == []


async def test_an_item_joins_conversation_live_ticket_and_clock(desk: UnitOfWorkFactory) -> None:
    """What a row shows: the contact, the live ticket, its SLA state and nearest due time."""
    async with desk() as uow:
        items = {
            i.assignment.conversation_id: i
            for i in await uow.assignments.inbox(InboxQuery(viewer="ana"))
        }
    held = items["c-3"]
    assert (held.client_name, held.channel, held.contact_phone) == (
        "Carla 100%",
        Channel.WHATSAPP,
        "5521999930001",
    )
    assert (held.ticket_id, held.ticket_status, held.sla_state) == (
        "t-3",
        TicketStatus.WAITING_CUSTOMER,
        SlaState.WARNING,
    )
    assert held.due_at == T0 + 20 * MINUTE
    assert held.since == T0 + 2 * MINUTE
    assert held.assignment.assignee == "ana"
    offered = items["c-2"]
    assert offered.assignment.offer_id == "o-1"
    assert offered.last_message_at == T0 + 5 * MINUTE
    assert (offered.ticket_id, offered.sla_state, offered.due_at) == (None, None, None)
    assert items["c-4"].ticket_id is None  # only a resolved ticket: no live one
    bare = items["c-7"]
    assert (bare.client_name, bare.channel, bare.last_message_at) == ("", None, None)
