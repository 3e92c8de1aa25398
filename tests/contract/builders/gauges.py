"""A small desk to count by hand: live and final tickets, queues, agents, surveys, answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs

from lia_core.desk.index import TicketIndex
from lia_core.domain.agents import AgentProfile, Presence
from lia_core.domain.assignments import Assignment
from lia_core.domain.delivery import Channel
from lia_core.domain.feedback import Feedback
from lia_core.domain.surveys import Survey
from lia_core.domain.tickets import EventKind, Priority, Severity, Ticket
from lia_core.ports import UnitOfWorkFactory
from lia_core.sla.readings import SlaState

__all__ = ["NOW", "PRESENCE_TTL", "seed_desk"]

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
PRESENCE_TTL = timedelta(seconds=90)
_MIN = timedelta(minutes=1)


def _ticket(tid: str, *, at: datetime) -> Ticket:
    return Ticket.open(
        id=tid,
        department="support",
        priority=Priority.MEDIUM,
        severity=Severity.LOW,
        at=at,
        subject="sem internet",
    )


def _queued(
    cid: str,
    department: str,
    *,
    waited: int,
    priority: Priority = Priority.MEDIUM,
    offer_id: str | None = None,
) -> Assignment:
    since = NOW - waited * _MIN
    return Assignment(
        conversation_id=cid,
        department=department,
        priority=priority,
        offer_id=offer_id,
        waiting_since=since,
        updated_at=since,
    )


def _survey(sid: str, *, sent: datetime) -> Survey:
    return Survey(
        id=sid,
        subject=f"ticket:{sid}",
        conversation_id=f"c-{sid}",
        customer=f"55219999900{sid[-2:]}",
        channel=Channel.WHATSAPP,
        chat_id=f"55219999900{sid[-2:]}",
        client_name="Maria",
        sent_at=sent,
        expires_at=sent + timedelta(days=1),
    )


async def seed_desk(uow_factory: UnitOfWorkFactory) -> None:
    """Store the desk the gauge tests count (the hand counts are in each test).

    Tickets: t-1 open (ok: first response and resolution running), t-2 open (warning:
    resolution only), t-3 open (breached: first response only), t-4 waiting on the customer
    (no clock running), t-5 resolved, t-6 closed. Queues: support 3 waiting (the longest 30
    minutes, one of them offered), financial 1 (5 minutes); not counted: one assigned, one
    closed. Agents: ana online (heard now), bia online but silent for 10 minutes (offline),
    caio busy and silent with auto-offline off (busy), duda away, edu offline. Surveys: five
    sent, four an hour ago and s-05 two days ago; s-01 and s-02 answered a minute ago, s-03
    withdrawn, s-04 open, s-05 open but expired.
    """
    running = TicketIndex(
        sla_state=SlaState.OK,
        first_response_due_at=NOW + 10 * _MIN,
        resolution_due_at=NOW + 60 * _MIN,
        next_check_at=NOW + 5 * _MIN,
    )
    warning = TicketIndex(sla_state=SlaState.WARNING, resolution_due_at=NOW + 5 * _MIN)
    breached = TicketIndex(sla_state=SlaState.BREACHED, first_response_due_at=NOW - _MIN)
    opened = NOW - 90 * _MIN
    waiting = _ticket("t-4", at=opened).record(EventKind.WAITING_CUSTOMER_ON, at=opened, by="ana")
    resolved = _ticket("t-5", at=opened).record(EventKind.RESOLVED, at=opened, by="ana")
    closed = _ticket("t-6", at=opened).record(EventKind.RESOLVED, at=opened, by="ana")
    closed = closed.record(EventKind.CLOSED, at=opened, by="ana")
    async with uow_factory() as uow:
        await uow.tickets.add(_ticket("t-1", at=opened), running, at=opened)
        await uow.tickets.add(_ticket("t-2", at=opened), warning, at=opened)
        await uow.tickets.add(_ticket("t-3", at=opened), breached, at=opened)
        await uow.tickets.add(waiting, TicketIndex(), at=opened)
        await uow.tickets.add(resolved, TicketIndex(), at=opened)
        await uow.tickets.add(closed, TicketIndex(), at=opened)
        await uow.assignments.save_many(
            [
                _queued("c-1", "support", waited=30),
                _queued("c-2", "support", waited=10, offer_id="o-1"),
                _queued("c-3", "support", waited=1, priority=Priority.URGENT),
                _queued("c-4", "financial", waited=5),
                attrs.evolve(_queued("c-5", "support", waited=50), assignee="ana", assigned_at=NOW),
                attrs.evolve(_queued("c-6", "financial", waited=90), closed_at=NOW),
            ]
        )
        for profile in (
            AgentProfile(username="ana", status=Presence.ONLINE, last_seen_at=NOW),
            AgentProfile(username="bia", status=Presence.ONLINE, last_seen_at=NOW - 10 * _MIN),
            AgentProfile(
                username="caio", status=Presence.BUSY, auto_offline=False, last_seen_at=None
            ),
            AgentProfile(username="duda", status=Presence.AWAY, last_seen_at=NOW),
            AgentProfile(username="edu", status=Presence.OFFLINE, last_seen_at=NOW),
        ):
            await uow.agents.save(profile)
        surveys = [_survey(f"s-0{i}", sent=NOW - 60 * _MIN) for i in range(1, 5)]
        surveys.append(_survey("s-05", sent=NOW - timedelta(days=2)))
        for survey in surveys:
            await uow.surveys.add(survey)
        await uow.commit()
    async with uow_factory() as uow:
        for sid in ("s-01", "s-02"):
            survey = await uow.surveys.get(sid)
            await uow.surveys.save(survey.answer(at=NOW - _MIN))
            await uow.feedback.add(_answer(survey, score=9 if sid == "s-01" else 4))
        withdrawn = await uow.surveys.get("s-03")
        await uow.surveys.save(withdrawn.withdraw(at=NOW - _MIN))
        await uow.commit()


def _answer(survey: Survey, *, score: int) -> Feedback:
    return Feedback.record(
        id=f"f-{survey.id}",
        survey_id=survey.id,
        conversation_id=survey.conversation_id,
        ticket_id=None,
        customer=survey.customer,
        client_name="Maria",
        score=score,
        comment="",
        agent="ana",
        assistant=None,
        department="support",
        at=NOW - _MIN,
    )
