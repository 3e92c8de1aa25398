"""A small dataset every report is counted on by hand (tests/contract/test_reports.py and the
HTTP and CLI tests): tickets, answers and offers around November 2026 in São Paulo (UTC-3).

Times are UTC; 12:00 UTC is 09:00 in São Paulo. The range the tests ask for is
2026-11-01 .. 2026-11-30 in São Paulo: [2026-11-01 03:00 UTC, 2026-12-01 03:00 UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from lia_core.desk.index import TicketIndex
from lia_core.domain.assignments import Assignment, Offer, OfferStatus
from lia_core.domain.conversations import (
    Conversation,
    ConversationStatus,
    Direction,
    GateMemory,
    StoredMessage,
)
from lia_core.domain.delivery import Channel
from lia_core.domain.feedback import Feedback
from lia_core.domain.inbound import MessageKind, MessageStatus
from lia_core.domain.notices import FailureNotice, NoticeKind
from lia_core.domain.recipients import Phone, load_contact
from lia_core.domain.tickets import EventKind, Priority, Severity, SupportLevel, Ticket
from lia_core.handoff import HandoffReason
from lia_core.handoff.session import HandoffEntry
from lia_core.ports import UnitOfWorkFactory
from lia_core.sla import BusinessCalendar, WeeklyHours
from lia_core.sla.durations import with_business_durations
from tests.contract.builders.delivery import a_failure

__all__ = ["NOW", "SAO_PAULO", "T", "seed_reports"]

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
T = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
"""Tuesday 10 November 2026, 09:00 in São Paulo (its week starts on Monday the 9th)."""
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
TICKETS_CONTACT = "5511987650001"
"""Every ticket's contact (t3 and t4 opened on the 12th at 12:00 UTC)."""
DAY = timedelta(days=1)
OFFICE = BusinessCalendar(
    hours=WeeklyHours.of(dict.fromkeys(range(5), "08:00-18:00")), timezone="America/Sao_Paulo"
)
"""The calendar the business-hours durations of t2 and t5 are measured on (no holidays)."""


def _ticket(
    tid: str,
    at: datetime,
    *,
    department: str,
    assignee: str | None,
    priority: Priority = Priority.MEDIUM,
    level: SupportLevel = SupportLevel.N1,
    contact: str = "5511987650001",
) -> Ticket:
    return Ticket.open(
        id=tid,
        department=department,
        priority=priority,
        severity=Severity.LOW,
        at=at,
        level=level,
        assignee=assignee,
        contact=Phone(contact),
        conversation_id=f"c-{tid}",
    )


def _met(ticket: Ticket, at: datetime, clock: str, outcome: str) -> Ticket:
    return ticket.record(EventKind.SLA_MET, at=at, data={"clock": clock, "outcome": outcome})


def tickets() -> list[Ticket]:
    """t1, t2 answered and resolved; t3 open; t4 waiting for the customer; t5 from October.

    t2 and t5 carry their business-hours durations on `OFFICE`, as the desk measures them;
    t1 has none (a ticket stored before revision 0021): the business-hours reports leave it out.
    """
    t1 = _ticket("t1", T, department="support", assignee="ana", priority=Priority.HIGH)
    t1 = t1.record(EventKind.REASSIGNED, at=T + 5 * MIN, by="sup", data={"to_assignee": "ana"})
    t1 = t1.record(EventKind.HUMAN_PUBLIC_REPLY, at=T + 10 * MIN, by="ana")
    t1 = _met(t1, T + 10 * MIN, "first_response", "hit")
    t1 = t1.record(EventKind.RESOLVED, at=T + 60 * MIN, by="ana")
    t1 = _met(t1, T + 60 * MIN, "resolution", "hit")

    d2 = T + DAY
    t2 = _ticket("t2", d2, department="support", assignee="bia")
    t2 = t2.record(EventKind.HUMAN_PUBLIC_REPLY, at=d2 + 30 * MIN, by="bia")
    t2 = _met(t2, d2 + 30 * MIN, "first_response", "miss")
    t2 = t2.record(EventKind.ESCALATED, at=d2 + 40 * MIN, by="bia", data={"from": "N1", "to": "N2"})
    t2 = t2.record(EventKind.RESOLVED, at=d2 + 120 * MIN, by="bia")
    t2 = _met(t2, d2 + 120 * MIN, "resolution", "hit")

    d3 = T + 2 * DAY
    t3 = _ticket("t3", d3, department="financial", assignee="ana")
    t4 = _ticket("t4", d3, department="financial", assignee=None, level=SupportLevel.N2)
    t4 = t4.record(EventKind.WAITING_CUSTOMER_ON, at=d3 + MIN, by="bot")

    # Opened 2026-10-20 12:00 UTC, resolved 2026-11-01 03:30 UTC (00:30 on 1 November there).
    t5 = _ticket(
        "t5", datetime(2026, 10, 20, 12, 0, tzinfo=UTC), department="support", assignee="ana"
    )
    t5 = t5.record(EventKind.HUMAN_PUBLIC_REPLY, at=t5.opened_at + 20 * MIN, by="ana")
    t5 = t5.record(EventKind.RESOLVED, at=datetime(2026, 11, 1, 3, 30, tzinfo=UTC), by="ana")
    t2, t5 = (with_business_durations(t, OFFICE) for t in (t2, t5))
    return [t1, t2, t3, t4, t5]


def answers() -> list[Feedback]:
    """Scores 10 and 9 (ana), 3 and 7 (bia) in November; a 0 on 31 October (09:00 there)."""
    given = [
        ("f1", 10, "ana", "support", T),
        ("f2", 9, "ana", "support", T + DAY),
        ("f3", 3, "bia", "financial", T + DAY),
        # 13 Nov 01:00 UTC is still the 12th (22:00) in São Paulo: its day there is the 12th.
        ("f4", 7, "bia", "financial", datetime(2026, 11, 13, 1, 0, tzinfo=UTC)),
        ("f5", 0, "bia", "financial", datetime(2026, 10, 31, 12, 0, tzinfo=UTC)),
    ]
    return [
        Feedback.record(
            id=fid,
            survey_id=f"s-{fid}",
            conversation_id=f"c-{fid}",
            customer="5511987650001",
            client_name="Maria",
            score=score,
            comment="",
            agent=agent,
            assistant="bot-" + department,
            department=department,
            at=at,
        )
        for fid, score, agent, department, at in given
    ]


def offers() -> list[Offer]:
    """ana: one timed out, one accepted (10 Nov); bia: one timed out (11 Nov); ana: October's."""
    made = [
        ("o1", "ana", T, OfferStatus.TIMED_OUT),
        ("o2", "ana", T + MIN, OfferStatus.ACCEPTED),
        ("o3", "bia", T + DAY, OfferStatus.TIMED_OUT),
        ("o4", "ana", datetime(2026, 10, 1, 12, 0, tzinfo=UTC), OfferStatus.TIMED_OUT),
    ]
    result = []
    for oid, agent, at, status in made:
        offer = Offer(
            id=oid,
            conversation_id=f"c-{oid}",
            agent=agent,
            department="support",
            offered_at=at,
            due_at=at + MIN,
        )
        offer.decide(status, at=at + MIN)
        result.append(offer)
    return result


def conversations() -> list[Conversation]:
    """c-a active (the bot, 10 Nov), c-b transferred and c-c waiting (11 Nov), c-d resolved and
    c-e archived (12 Nov), c-f resolved (October). c-a and c-e were answered by the gate."""
    made = [
        ("c-a", ConversationStatus.ACTIVE, T, "5511987650010", True),
        ("c-b", ConversationStatus.TRANSFERRED, T + DAY, "5511987650020", False),
        ("c-c", ConversationStatus.WAITING, T + DAY, "5511987650030", False),
        ("c-d", ConversationStatus.RESOLVED, T + 2 * DAY, "5511987650040", False),
        ("c-e", ConversationStatus.ARCHIVED, T + 2 * DAY, TICKETS_CONTACT, True),
        (
            "c-f",
            ConversationStatus.RESOLVED,
            datetime(2026, 10, 15, 12, 0, tzinfo=UTC),
            "5511987650060",
            False,
        ),
    ]
    return [
        Conversation(
            id=cid,
            channel=Channel.WHATSAPP,
            chat_id=phone,
            contact_phone=phone,
            client_name="Cliente",
            status=status,
            last_message="oi",
            last_message_at=at,
            created_at=at,
            updated_at=at,
            gate=GateMemory(outage_ids=("out-1",)) if gated else GateMemory(),
        )
        for cid, status, at, phone, gated in made
    ]


def messages() -> list[StoredMessage]:
    """Two today (2 Dec 01:00 and 08:00 in São Paulo) and one late on 1 Dec there (02:00 UTC)."""
    sent = [
        datetime(2026, 12, 2, 4, 0, tzinfo=UTC),
        datetime(2026, 12, 2, 11, 0, tzinfo=UTC),
        datetime(2026, 12, 2, 2, 0, tzinfo=UTC),
    ]
    return [
        StoredMessage(
            id=f"m-{i}",
            conversation_id="c-a",
            channel=Channel.WHATSAPP,
            direction=Direction.OUTBOUND,
            contact_phone="5511987650010",
            kind=MessageKind.TEXT,
            text="Já estamos verificando.",
            status=MessageStatus.PENDING,
            sent_at=at,
            job_key=f"key-{i}",
        )
        for i, at in enumerate(sent)
    ]


def handoffs() -> list[HandoffEntry]:
    """c-b taken by ana (sent); c-c queued (pending); c-d closed untaken (failed); c-a never
    queued (pending); c-f in October."""
    made = [
        ("h1", "c-b", HandoffReason.CUSTOMER_ASKED, "support", T + DAY, "ana"),
        ("h2", "c-c", HandoffReason.CUSTOMER_ASKED, "support", T + DAY, None),
        ("h3", "c-d", HandoffReason.CRITICAL_INTENT, "financial", T + 2 * DAY, None),
        (
            "h4",
            "c-f",
            HandoffReason.LOW_CONFIDENCE,
            "support",
            datetime(2026, 10, 15, 12, 0, tzinfo=UTC),
            None,
        ),
        ("h5", "c-a", HandoffReason.CRITICAL_INTENT, "financial", T + 2 * DAY, None),
    ]
    return [
        HandoffEntry(
            id=hid,
            conversation_id=cid,
            reason=reason,
            department=department,
            level=SupportLevel.N1,
            priority=Priority.MEDIUM,
            at=at,
            accepted_by=by,
            accepted_at=at + MIN if by else None,
        )
        for hid, cid, reason, department, at, by in made
    ]


def assignments() -> list[Assignment]:
    """c-b held by ana, c-c in the support queue, c-d closed (resolved untaken)."""
    return [
        Assignment(
            conversation_id="c-b",
            department="support",
            assignee="ana",
            assigned_at=T + DAY + MIN,
            updated_at=T + DAY,
        ),
        Assignment(
            conversation_id="c-c", department="support", waiting_since=T + DAY, updated_at=T + DAY
        ),
        Assignment(
            conversation_id="c-d",
            department="financial",
            closed_at=T + 3 * DAY,
            updated_at=T + 3 * DAY,
        ),
    ]


def notices() -> list[FailureNotice]:
    """Outage out-1: notices to c-a's contact (10 Nov, no ticket since), to the tickets' contact
    (answered by the gate in c-e an hour before t3 and t4 opened), to a contact the gate never
    answered (a broadcast); a resolution to c-a's contact; an October notice."""
    sent = [
        ("5511987650010", NoticeKind.NOTICE, T),
        (TICKETS_CONTACT, NoticeKind.NOTICE, T + 2 * DAY - 60 * MIN),
        ("5511987650099", NoticeKind.NOTICE, T + DAY),
        ("5511987650010", NoticeKind.RESOLUTION, T + 3 * DAY),
        ("5511987650098", NoticeKind.NOTICE, datetime(2026, 10, 1, 12, 0, tzinfo=UTC)),
    ]
    return [
        FailureNotice(
            failure_id="out-1",
            recipient=load_contact(phone),
            name="Cliente",
            channel=Channel.WHATSAPP,
            kind=kind,
            job_id=f"job-{phone}-{kind.value}",
            created_at=at,
        )
        for phone, kind, at in sent
    ]


async def seed_reports(uow_factory: UnitOfWorkFactory) -> None:
    """Store the dataset (each kind in its own unit of work)."""
    async with uow_factory() as uow:
        for ticket in tickets():
            await uow.tickets.add(ticket, TicketIndex(), at=ticket.opened_at)
        await uow.commit()
    async with uow_factory() as uow:
        for answer in answers():
            await uow.feedback.add(answer)
        await uow.commit()
    async with uow_factory() as uow:
        await uow.offers.add_many(offers())
        await uow.commit()
    async with uow_factory() as uow:
        await uow.conversations.save_many(conversations())
        await uow.messages.add_outbound(messages())
        await uow.handoffs.add_many(handoffs())
        await uow.assignments.save_many(assignments())
        await uow.failures.add(a_failure("out-1"))
        await uow.notices.record_many(notices())
        await uow.commit()
