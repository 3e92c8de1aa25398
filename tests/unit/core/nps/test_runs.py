"""A run's facts → AgentMetrics: order does not matter, only participants with activity are
kept, every ticket and answer of theirs is counted once; Month bounds in the ISP's timezone."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.errors import ValidationError
from lia_core.nps.runs import HandledTicket, Month, RatedAnswer, gather_metrics

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
