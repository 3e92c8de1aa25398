"""StateGauges (uow.gauges) on the fake, SQLite and PostgreSQL: each count against a hand count."""

from __future__ import annotations

from datetime import timedelta

from lia_core.domain.agents import Presence
from lia_core.domain.tickets import TicketStatus
from lia_core.ports import QueueGauge, StateCounts, UnitOfWorkFactory
from lia_core.sla.readings import Metric, SlaState

from .builders.gauges import NOW, PRESENCE_TTL, seed_desk

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)


async def read(uow_factory: UnitOfWorkFactory) -> StateCounts:
    """The counts at NOW."""
    async with uow_factory() as uow:
        return await uow.gauges.read(now=NOW, presence_ttl=PRESENCE_TTL, surveys_since=NOW - DAY)


async def test_an_empty_store_counts_nothing(uow_factory: UnitOfWorkFactory) -> None:
    """No rows: every mapping is empty, every total zero."""
    counts = await read(uow_factory)
    assert counts == StateCounts(
        tickets={},
        sla={},
        clocks={},
        queues=(),
        agents={},
        surveys_sent=0,
        surveys_open=0,
        surveys_answered=0,
    )


async def test_each_count_agrees_with_a_hand_count(uow_factory: UnitOfWorkFactory) -> None:
    """Live tickets, SLA states and running clocks, queues, presence and surveys of seed_desk."""
    await seed_desk(uow_factory)
    counts = await read(uow_factory)
    assert dict(counts.tickets) == {TicketStatus.OPEN: 3, TicketStatus.WAITING_CUSTOMER: 1}
    assert dict(counts.sla) == {SlaState.OK: 1, SlaState.WARNING: 1, SlaState.BREACHED: 1}
    assert dict(counts.clocks) == {Metric.FIRST_RESPONSE: 2, Metric.RESOLUTION: 2}
    assert counts.queues == (
        QueueGauge(department="financial", waiting=1, oldest_since=NOW - 5 * MINUTE),
        QueueGauge(department="support", waiting=3, oldest_since=NOW - 30 * MINUTE),
    )
    assert dict(counts.agents) == {
        Presence.ONLINE: 1,
        Presence.OFFLINE: 2,
        Presence.BUSY: 1,
        Presence.AWAY: 1,
    }
    assert (counts.surveys_sent, counts.surveys_open, counts.surveys_answered) == (4, 1, 2)


async def test_surveys_are_counted_from_the_instant_given(uow_factory: UnitOfWorkFactory) -> None:
    """Sent at or after surveys_since (s-05 two days ago is in a 3-day range), answered too."""
    await seed_desk(uow_factory)
    async with uow_factory() as uow:
        wide = await uow.gauges.read(
            now=NOW, presence_ttl=PRESENCE_TTL, surveys_since=NOW - 3 * DAY
        )
        recent = await uow.gauges.read(now=NOW, presence_ttl=PRESENCE_TTL, surveys_since=NOW)
    assert (wide.surveys_sent, wide.surveys_answered) == (5, 2)
    assert (recent.surveys_sent, recent.surveys_answered) == (0, 0)


async def test_a_uncommitted_write_is_counted_only_in_its_own_unit(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """The counts read the unit of work's own view: others see a write once it commits."""
    await seed_desk(uow_factory)
    async with uow_factory() as uow:
        survey = await uow.surveys.get("s-04")
        await uow.surveys.save(survey.withdraw(at=NOW))
        mine = await uow.gauges.read(now=NOW, presence_ttl=PRESENCE_TTL, surveys_since=NOW - DAY)
        assert mine.surveys_open == 0
    assert (await read(uow_factory)).surveys_open == 1
