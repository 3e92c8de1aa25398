"""The November 2026 team: tickets and NPS answers whose ranking the tests compute by hand.

Default settings (weights 40/30/20/10, target volume 500, target response 120 s):

| agent | tickets | resolved | first replies (s) | answers   | nps | vol | res | time | points |
|-------|---------|----------|-------------------|-----------|-----|-----|-----|------|--------|
| ana   | 4       | 3        | 60, 90, 150, -    | 9, 10, 8  | 90  | 1   | 75  | 100  | 6130   |
| bia   | 2       | 2        | 200, 400          | 10, 10    | 100 | 0   | 100 | 40   | 6400   |
| caio  | 5       | 1        | 30 x 5            | 6         | 60  | 1   | 20  | 100  | 3830   |
| dani  | 10      | 10       | 10 x 10           | 10        | (opted out: never ranked)           |

ana's last ticket opens at 23:30 on 30 November in São Paulo (02:30 UTC on 1 December): it
is November's. One more of ana's, at 23:00 on 31 October there, is October's.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lia_core.desk.index import TicketIndex
from lia_core.domain.feedback import Feedback
from lia_core.domain.tickets import EventKind, Priority, Severity, Ticket
from lia_core.domain.users import Role, User
from lia_core.ports import UnitOfWorkFactory

__all__ = ["NOV_START", "an_answer", "store_november"]

NOV_START = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
"""Midnight of 1 November 2026 in São Paulo."""

_TEAM = {"ana": True, "bia": True, "caio": True, "dani": False}
"""Username → participates in gamification."""


def _ticket(tid: str, agent: str, at: datetime, reply_after: int | None, resolved: bool) -> Ticket:
    ticket = Ticket.open(
        id=tid,
        department="support",
        priority=Priority.MEDIUM,
        severity=Severity.LOW,
        at=at,
        conversation_id=f"c-{tid}",
        assignee=agent,
    )
    if reply_after is not None:
        ticket = ticket.record(
            EventKind.HUMAN_PUBLIC_REPLY, at=at + timedelta(seconds=reply_after), by=agent
        )
    if resolved:
        ticket = ticket.record(EventKind.RESOLVED, at=at + timedelta(hours=1), by=agent)
    return ticket


def an_answer(fid: str, agent: str, score: int, at: datetime) -> Feedback:
    """An NPS answer about *agent*."""
    return Feedback.record(
        id=fid,
        survey_id=f"s-{fid}",
        conversation_id=f"c-{fid}",
        ticket_id=None,
        customer="5521999990001",
        client_name="Maria",
        score=score,
        comment="",
        agent=agent,
        assistant=None,
        department="support",
        at=at,
    )


def _tickets(year: int) -> list[Ticket]:
    day = timedelta(days=1)
    t0 = NOV_START.replace(year=year) + timedelta(hours=12)
    rows = [
        _ticket("ana-1", "ana", t0, 60, True),
        _ticket("ana-2", "ana", t0 + day, 90, True),
        _ticket("ana-3", "ana", t0 + 2 * day, 150, False),
        _ticket("ana-4", "ana", datetime(year, 12, 1, 2, 30, tzinfo=UTC), None, True),
        _ticket("ana-oct", "ana", datetime(year, 11, 1, 2, 0, tzinfo=UTC), 5, True),
        _ticket("bia-1", "bia", t0, 200, True),
        _ticket("bia-2", "bia", t0 + day, 400, True),
    ]
    rows += [_ticket(f"caio-{n}", "caio", t0 + n * day, 30, n == 0) for n in range(5)]
    rows += [_ticket(f"dani-{n}", "dani", t0 + n * day, 10, True) for n in range(10)]
    return rows


def _answers(year: int) -> list[Feedback]:
    start = NOV_START.replace(year=year)
    t0 = start + timedelta(days=3)
    return [
        an_answer("f-ana-1", "ana", 9, t0),
        an_answer("f-ana-2", "ana", 10, t0),
        an_answer("f-ana-3", "ana", 8, t0),
        an_answer("f-bia-1", "bia", 10, t0),
        an_answer("f-bia-2", "bia", 10, t0),
        an_answer("f-caio-1", "caio", 6, t0),
        an_answer("f-dani-1", "dani", 10, t0),
        an_answer("f-ana-oct", "ana", 0, start - timedelta(minutes=1)),
    ]


async def store_november(uow_factory: UnitOfWorkFactory, *, year: int = 2026) -> None:
    """Store the team (dani opted out), their tickets and answers, in November of *year*
    (a year after 2019: São Paulo keeps -03:00 all year, so the month's ends are as above)."""
    async with uow_factory() as uow:
        for n, (name, plays) in enumerate(_TEAM.items()):
            await uow.users.add(
                User(
                    id=f"gamification-u{n}",
                    username=name,
                    role=Role.AGENT,
                    password_hash="x",
                    created_at=NOV_START.replace(year=year),
                    participates_in_gamification=plays,
                )
            )
        for ticket in _tickets(year):
            await uow.tickets.add(ticket, TicketIndex(), at=ticket.opened_at)
        for answer in _answers(year):
            await uow.feedback.add(answer)
        await uow.commit()
