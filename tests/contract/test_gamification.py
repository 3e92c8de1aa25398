"""The gamification store on the fake, SQLite and PostgreSQL alike: the settings singleton,
the facts a run reads (tickets with their first reply, answers), a month's rows replaced."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs

from lia_core.desk.index import TicketIndex
from lia_core.domain.feedback import Feedback
from lia_core.domain.tickets import EventKind, Priority, Severity, Ticket
from lia_core.domain.users import Role, User
from lia_core.nps import Badge, GamificationSettings, ScoreWeights
from lia_core.nps.runs import BadgeRow, HandledTicket, HistoryRow, RatedAnswer, ScoreRow, StoredRun
from lia_core.ports import UnitOfWorkFactory

NOV = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)  # midnight in São Paulo
DEC = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def a_ticket(
    tid: str, *, agent: str | None, at: datetime, reply_after: int | None, resolve: bool
) -> Ticket:
    """A ticket opened at *at* for *agent*, replied *reply_after* seconds later, maybe resolved."""
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
        later = at + timedelta(seconds=reply_after)
        ticket = ticket.record(EventKind.HUMAN_PUBLIC_REPLY, at=later, by=agent)
        ticket = ticket.record(EventKind.HUMAN_PUBLIC_REPLY, at=later + MINUTE, by=agent)
    if resolve:
        ticket = ticket.record(EventKind.RESOLVED, at=at + 30 * MINUTE, by=agent)
    return ticket


def an_answer(fid: str, *, agent: str | None, score: int, at: datetime) -> Feedback:
    """An answer about *agent* given at *at*."""
    return Feedback.record(
        id=fid,
        survey_id=f"s-{fid}",
        conversation_id="c-1",
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


def a_run(period: str, *, with_badge: bool, at: datetime = DEC) -> StoredRun:
    """Two agents ranked; ana's Solucionador badge only *with_badge*."""
    ana = ScoreRow(
        agent_id="ana",
        rank=1,
        conversations=4,
        resolved=3,
        avg_nps_centi=867,
        success_rate=75,
        avg_response_seconds=90,
        nps_score=87,
        volume_score=1,
        resolution_score=75,
        time_score=100,
        points=5110,
        total_score=51,
        badges=(Badge.SOLUCIONADOR, Badge.CAMPEAO_VOLUME)
        if with_badge
        else (Badge.CAMPEAO_VOLUME,),
    )
    bia = ScoreRow(
        agent_id="bia",
        rank=2,
        conversations=1,
        resolved=0,
        avg_nps_centi=None,
        success_rate=0,
        avg_response_seconds=None,
        nps_score=0,
        volume_score=0,
        resolution_score=0,
        time_score=0,
        points=0,
        total_score=0,
    )
    badges: tuple[BadgeRow, ...] = (
        (BadgeRow(agent_id="ana", badge=Badge.SOLUCIONADOR, metric=75),) if with_badge else ()
    )
    badges += (BadgeRow(agent_id="ana", badge=Badge.CAMPEAO_VOLUME, metric=4),)
    return StoredRun(
        period=period,
        calculated_at=at,
        scores=(ana, bia),
        badges=badges,
        history=(
            HistoryRow(period=period, rank=1, agent_id="ana", total_score=51, badges=ana.badges),
            HistoryRow(period=period, rank=2, agent_id="bia", total_score=0),
        ),
    )


async def test_settings_are_a_singleton_with_defaults(uow_factory: UnitOfWorkFactory) -> None:
    """Defaults until saved; each save overwrites the one row."""
    async with uow_factory() as uow:
        assert await uow.gamification.settings() == GamificationSettings()
    first = GamificationSettings(
        weights=ScoreWeights(nps=25, volume=25, resolution=25, response_time=25),
        target_volume=40,
        history_size=3,
    )
    second = attrs.evolve(first, velocista_top_n=2, solucionador_resolution_min=80)
    for settings in (first, second):
        async with uow_factory() as uow:
            await uow.gamification.save_settings(settings, by="admin", at=NOV)
            await uow.commit()
    async with uow_factory() as uow:
        assert await uow.gamification.settings() == second


async def test_the_month_s_tickets_and_answers(uow_factory: UnitOfWorkFactory) -> None:
    """Tickets opened in [start, end) with an assignee, first reply in whole seconds; answers
    in the month about an agent."""
    rows = [
        a_ticket("t-1", agent="ana", at=NOV, reply_after=90, resolve=True),
        a_ticket("t-2", agent="ana", at=NOV + timedelta(days=29), reply_after=None, resolve=False),
        a_ticket("t-3", agent="bia", at=DEC - MINUTE, reply_after=30, resolve=False),
        a_ticket("t-4", agent=None, at=NOV + MINUTE, reply_after=10, resolve=False),
        a_ticket("t-5", agent="ana", at=DEC, reply_after=10, resolve=True),  # December
        a_ticket("t-6", agent="ana", at=NOV - MINUTE, reply_after=10, resolve=True),  # October
    ]
    answers = [
        an_answer("f-1", agent="ana", score=9, at=NOV),
        an_answer("f-2", agent="bia", score=4, at=DEC - MINUTE),
        an_answer("f-3", agent=None, score=10, at=NOV + MINUTE),
        an_answer("f-4", agent="ana", score=0, at=DEC),
    ]
    async with uow_factory() as uow:
        for ticket in rows:
            await uow.tickets.add(ticket, TicketIndex(), at=ticket.opened_at)
        for answer in answers:
            await uow.feedback.add(answer)
        await uow.commit()
    async with uow_factory() as uow:
        handled = await uow.gamification.handled(NOV, DEC)
        rated = await uow.gamification.answers(NOV, DEC)
    key = lambda t: (t.agent, t.resolved, t.first_response_seconds or -1)  # noqa: E731
    assert sorted(handled, key=key) == sorted(
        [
            HandledTicket(agent="ana", resolved=True, first_response_seconds=90),
            HandledTicket(agent="ana", resolved=False, first_response_seconds=None),
            HandledTicket(agent="bia", resolved=False, first_response_seconds=30),
        ],
        key=key,
    )
    assert sorted(rated, key=lambda a: a.agent) == [
        RatedAnswer(agent="ana", score=9),
        RatedAnswer(agent="bia", score=4),
    ]


async def test_a_run_replaces_the_month_s_rows(uow_factory: UnitOfWorkFactory) -> None:
    """A run reads back whole; the next run of the month replaces it (a badge gone with it);
    other months stay."""
    async with uow_factory() as uow:
        assert await uow.gamification.get("2026-11") is None
        await uow.gamification.replace(a_run("2026-11", with_badge=True))
        await uow.gamification.replace(a_run("2026-10", with_badge=True))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.gamification.get("2026-11") == a_run("2026-11", with_badge=True)
    again = a_run("2026-11", with_badge=False, at=DEC + MINUTE)
    async with uow_factory() as uow:
        await uow.gamification.replace(again)
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.gamification.get("2026-11")
        october = await uow.gamification.get("2026-10")
    assert stored == again
    assert stored is not None
    assert [b.badge for b in stored.badges] == [Badge.CAMPEAO_VOLUME]
    assert october == a_run("2026-10", with_badge=True)


async def test_a_month_run_with_nobody_to_rank_is_kept(uow_factory: UnitOfWorkFactory) -> None:
    """A run with no scores is still a run (not "never run"), and a later one replaces it."""
    empty = StoredRun(period="2026-09", calculated_at=DEC, scores=(), badges=(), history=())
    async with uow_factory() as uow:
        await uow.gamification.replace(empty)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.gamification.get("2026-09") == empty
        assert await uow.gamification.history(periods=12) == []
    full = attrs.evolve(a_run("2026-09", with_badge=True), calculated_at=DEC + MINUTE)
    async with uow_factory() as uow:
        await uow.gamification.replace(full)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.gamification.get("2026-09") == full


async def test_history_of_the_latest_months(uow_factory: UnitOfWorkFactory) -> None:
    """Newest month first, by rank; only the latest *periods* months."""
    async with uow_factory() as uow:
        for period in ("2026-09", "2026-11", "2026-10"):
            await uow.gamification.replace(a_run(period, with_badge=False))
        await uow.commit()
    async with uow_factory() as uow:
        rows = await uow.gamification.history(periods=2)
    assert [(h.period, h.rank, h.agent_id) for h in rows] == [
        ("2026-11", 1, "ana"),
        ("2026-11", 2, "bia"),
        ("2026-10", 1, "ana"),
        ("2026-10", 2, "bia"),
    ]
    assert rows[0].badges == (Badge.CAMPEAO_VOLUME,)


async def test_the_participation_flag_round_trips(uow_factory: UnitOfWorkFactory) -> None:
    """``participates_in_gamification`` defaults on and is saved off."""
    user = User(id="u-1", username="ana", role=Role.AGENT, password_hash="x", created_at=NOV)
    async with uow_factory() as uow:
        await uow.users.add(user)
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.users.get_by_username("ana")
        assert stored.participates_in_gamification
        stored.participates_in_gamification = False
        await uow.users.update(stored)
        await uow.commit()
    async with uow_factory() as uow:
        assert not (await uow.users.get_by_username("ana")).participates_in_gamification
