"""A run's facts → AgentMetrics: order does not matter, only participants with activity are
kept, every ticket and answer of theirs is counted once; Month bounds in the ISP's timezone;
response times in whole seconds; a ranked run stored row for row."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.errors import ValidationError
from lia_core.nps.gamification import AgentMetrics, GamificationSettings
from lia_core.nps.ranking import Badge, rank_agents
from lia_core.nps.runs import (
    BadgeRow,
    HandledTicket,
    HistoryRow,
    Month,
    RatedAnswer,
    ScoreRow,
    StoredRun,
    gather_metrics,
    response_seconds,
    stored_run,
)

AGENTS = ("ana", "bia", "caio", "dani")
tickets = st.lists(
    st.builds(
        HandledTicket,
        agent=st.sampled_from(AGENTS),
        resolved=st.booleans(),
        first_response_seconds=st.none() | st.integers(0, 10_000),
    ),
    max_size=40,
)
answers = st.lists(
    st.builds(RatedAnswer, agent=st.sampled_from(AGENTS), score=st.integers(0, 10)), max_size=40
)


@given(tickets, answers, st.sets(st.sampled_from(AGENTS)), st.randoms())
def test_metrics_count_each_participant_fact_once(
    handled: list[HandledTicket],
    rated: list[RatedAnswer],
    playing: set[str],
    rnd: random.Random,
) -> None:
    """Shuffled input, same metrics; per agent, the counts and means a direct count gives."""
    metrics = gather_metrics(handled, rated, participants=playing)
    shuffled = handled[:]
    rnd.shuffle(shuffled)
    assert gather_metrics(shuffled, rated[::-1], participants=playing) == metrics
    active = {t.agent for t in handled} | {a.agent for a in rated}
    assert [m.agent_id for m in metrics] == sorted(active & playing)
    for m in metrics:
        mine = [t for t in handled if t.agent == m.agent_id]
        scores = [a.score for a in rated if a.agent == m.agent_id]
        assert m.conversations == len(mine)
        assert m.resolved == sum(t.resolved for t in mine)
        assert m.avg_nps == (Fraction(sum(scores), len(scores)) if scores else None)
        waits = [t.first_response_seconds for t in mine if t.first_response_seconds is not None]
        if waits:
            assert m.avg_response_seconds is not None
            assert abs(m.avg_response_seconds - Fraction(sum(waits), len(waits))) <= Fraction(1, 2)
        else:
            assert m.avg_response_seconds is None


def test_month_bounds_are_local_midnights() -> None:
    """November 2026 in São Paulo: 03:00 UTC on the 1st to 03:00 UTC on 1 December."""
    start, end = Month.parse("2026-11").bounds(ZoneInfo("America/Sao_Paulo"))
    assert (start.astimezone(UTC), end.astimezone(UTC)) == (
        datetime(2026, 11, 1, 3, tzinfo=UTC),
        datetime(2026, 12, 1, 3, tzinfo=UTC),
    )
    assert Month.parse("2026-01").previous().label == "2025-12"
    assert Month.parse("2026-12").following().label == "2027-01"
    assert Month.of(datetime(2026, 12, 1, 2, 30, tzinfo=UTC), ZoneInfo("America/Sao_Paulo")) == (
        Month(2026, 11)
    )


@pytest.mark.parametrize("raw", ["2026-13", "2026-1", " nov/2026 ", ""])
def test_a_period_that_is_not_a_month_is_refused_quoting_it(raw: str) -> None:
    """Not YYYY-MM with a month 01-12: the message shows the form and what was typed."""
    with pytest.raises(ValidationError) as refused:
        Month.parse(raw)
    assert refused.value.field == "period"
    assert str(refused.value) == f"period must be a month as YYYY-MM (e.g. 2026-11), not {raw!r}"


OPENED = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("reply", "seconds"),
    [
        (None, None),
        (OPENED, 0),
        (datetime(2026, 11, 3, 8, 59, tzinfo=UTC), 0),
        (datetime(2026, 11, 3, 9, 0, 1, 900_000, tzinfo=UTC), 1),
        (datetime(2026, 11, 3, 9, 2, tzinfo=UTC), 120),
    ],
)
def test_response_seconds_are_whole_and_never_negative(
    reply: datetime | None, seconds: int | None
) -> None:
    """No reply: None; a reply at or before the opening: 0; otherwise whole seconds, truncated."""
    assert response_seconds(OPENED, reply) == seconds


def test_a_run_is_stored_as_its_scores_badges_and_history() -> None:
    """Every metric, score and badge of each standing is kept; no answers store no average."""
    ana = AgentMetrics(
        agent_id="ana",
        conversations=10,
        resolved=8,
        avg_response_seconds=60,
        avg_nps=Fraction(26, 3),
    )
    bia = AgentMetrics(agent_id="bia", conversations=4, resolved=1, avg_response_seconds=240)
    result = rank_agents([bia, ana], settings=GamificationSettings(), period="2026-11")
    at = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    won = (Badge.SOLUCIONADOR, Badge.VELOCISTA, Badge.CAMPEAO_VOLUME)
    assert stored_run(result, calculated_at=at) == StoredRun(
        period="2026-11",
        calculated_at=at,
        scores=(
            ScoreRow(
                agent_id="ana",
                rank=1,
                conversations=10,
                resolved=8,
                avg_nps_centi=867,
                success_rate=80,
                avg_response_seconds=60,
                nps_score=87,
                volume_score=2,
                resolution_score=80,
                time_score=100,
                points=6140,
                total_score=61,
                badges=won,
            ),
            ScoreRow(
                agent_id="bia",
                rank=2,
                conversations=4,
                resolved=1,
                avg_nps_centi=None,
                success_rate=25,
                avg_response_seconds=240,
                nps_score=0,
                volume_score=1,
                resolution_score=25,
                time_score=50,
                points=1030,
                total_score=10,
            ),
        ),
        badges=(
            BadgeRow(agent_id="ana", badge=Badge.SOLUCIONADOR, metric=80),
            BadgeRow(agent_id="ana", badge=Badge.VELOCISTA, metric=60),
            BadgeRow(agent_id="ana", badge=Badge.CAMPEAO_VOLUME, metric=10),
        ),
        history=(
            HistoryRow(period="2026-11", rank=1, agent_id="ana", total_score=61, badges=won),
            HistoryRow(period="2026-11", rank=2, agent_id="bia", total_score=10),
        ),
    )


@pytest.mark.parametrize(
    ("month", "previous"),
    [("2026-03", "2026-02"), ("2026-12", "2026-11"), ("2026-01", "2025-12")],
)
def test_the_previous_month_steps_back_one_month_and_over_new_year(
    month: str, previous: str
) -> None:
    """March gives February, December November, and January the December before."""
    assert Month.parse(month).previous() == Month.parse(previous)


def test_the_average_first_response_is_the_mean_of_the_replied_tickets() -> None:
    """Replies after 10, 20 and 40 s (a ticket without one left out): 23.33 s rounds to 23."""
    handled = [
        HandledTicket(agent="ana", resolved=True, first_response_seconds=s) for s in (10, 20, 40)
    ] + [HandledTicket(agent="ana", resolved=False, first_response_seconds=None)]
    (ana,) = gather_metrics(handled, [], participants={"ana"})
    assert (ana.avg_response_seconds, ana.conversations, ana.resolved) == (23, 4, 3)
