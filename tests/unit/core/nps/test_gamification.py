"""Gamification: metric scores, weights that sum to 100, a total-order ranking, badges, top 5."""

from __future__ import annotations

import random
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.errors import ValidationError
from lia_core.nps import (
    AgentMetrics,
    Badge,
    BadgeAward,
    GamificationSettings,
    ScoreWeights,
    award_badges,
    rank_agents,
    ranking_key,
    score_agent,
)
from lia_core.testing.nps import agent_metric_sets, agent_metrics, score_weights
from tests.unit.core.nps._profile import PROPERTIES

DEFAULTS = GamificationSettings()


def agent(
    agent_id: str,
    *,
    conversations: int = 100,
    resolved: int = 80,
    seconds: int | None = 100,
    avg: Fraction | None = Fraction(8),
) -> AgentMetrics:
    """Metrics with sensible defaults."""
    return AgentMetrics(
        agent_id=agent_id,
        conversations=conversations,
        resolved=resolved,
        avg_response_seconds=seconds,
        avg_nps=avg,
    )


def test_the_schema_formula_with_default_weights() -> None:
    """nps 80*40% + volume 20*30% + resolution 80*20% + time 100*10% = 64."""
    scores = score_agent(agent("ana"), DEFAULTS)
    assert (scores.nps, scores.volume, scores.resolution, scores.response_time) == (80, 20, 80, 100)
    assert scores.total == 64
    assert scores.total_score == 64


def test_slow_responses_and_missing_data_score_low() -> None:
    """240 s against a 120 s target scores 50; 250 of a 500 target is 50; no data scores 0."""
    slow = score_agent(agent("ana", seconds=240), DEFAULTS)
    assert slow.response_time == 50
    assert score_agent(agent("ana", conversations=250, resolved=0), DEFAULTS).volume == 50
    empty = score_agent(agent("bia", conversations=0, resolved=0, seconds=None, avg=None), DEFAULTS)
    assert (empty.nps, empty.volume, empty.resolution, empty.response_time) == (0, 0, 0, 0)


@pytest.mark.parametrize(
    "weights",
    [
        {"nps": 40, "volume": 30, "resolution": 20, "response_time": 11},
        {"nps": 0, "volume": 0, "resolution": 0, "response_time": 0},
        {"nps": 50, "volume": 60, "resolution": -10, "response_time": 0},
    ],
)
def test_weights_not_summing_to_100_are_rejected(weights: dict[str, int]) -> None:
    """Sum other than 100, or a negative weight, is a ValidationError."""
    with pytest.raises(ValidationError) as caught:
        ScoreWeights(**weights)
    assert caught.value.field in {"weights", "resolution"}


@PROPERTIES
@given(st.lists(st.integers(min_value=0, max_value=100), min_size=4, max_size=4))
def test_weights_are_accepted_iff_they_sum_to_100(parts: list[int]) -> None:
    """Any four non-negative weights: accepted exactly when they sum to 100."""
    nps, volume, resolution, response_time = parts
    if sum(parts) == 100:
        ScoreWeights(nps=nps, volume=volume, resolution=resolution, response_time=response_time)
    else:
        with pytest.raises(ValidationError) as caught:
            ScoreWeights(nps=nps, volume=volume, resolution=resolution, response_time=response_time)
        assert caught.value.field == "weights"
        assert str(caught.value) == f"the weights must sum to 100, got {sum(parts)}"


@PROPERTIES
@given(agent_metrics(), score_weights())
def test_scores_are_within_0_and_100(metrics: AgentMetrics, weights: ScoreWeights) -> None:
    """Every metric score and the total are in [0, 100]; the total is the weighted mean."""
    s = score_agent(metrics, GamificationSettings(weights=weights))
    parts = (s.nps, s.volume, s.resolution, s.response_time)
    assert all(0 <= p <= 100 for p in parts)
    assert 0 <= s.total <= 100
    w = (weights.nps, weights.volume, weights.resolution, weights.response_time)
    assert s.total == Fraction(sum(p * x for p, x in zip(parts, w, strict=True)), 100)


@PROPERTIES
@given(agent_metric_sets(), st.randoms(use_true_random=False), score_weights())
def test_ranking_is_deterministic_under_permutation(
    metrics: list[AgentMetrics], rng: random.Random, weights: ScoreWeights
) -> None:
    """Shuffling the input changes nothing in the result."""
    settings = GamificationSettings(weights=weights)
    shuffled = list(metrics)
    rng.shuffle(shuffled)
    first = rank_agents(metrics, settings=settings, period="2026-05")
    assert first == rank_agents(shuffled, settings=settings, period="2026-05")


@PROPERTIES
@given(agent_metric_sets())
def test_ranking_is_a_total_order(metrics: list[AgentMetrics]) -> None:
    """Ranks are 1..N, totals never increase down the table, and keys are strictly ordered."""
    result = rank_agents(metrics, settings=DEFAULTS, period="2026-05")
    assert [s.rank for s in result.standings] == list(range(1, len(metrics) + 1))
    keys = [ranking_key(s.scores) for s in result.standings]
    assert all(a < b for a, b in pairwise(keys))
    totals = [s.scores.total for s in result.standings]
    assert totals == sorted(totals, reverse=True)
    assert len(result.history) == min(5, len(metrics))
    assert [h.agent_id for h in result.history] == [s.scores.agent_id for s in result.standings[:5]]


@PROPERTIES
@given(agent_metric_sets())
def test_badges_follow_their_rules(metrics: list[AgentMetrics]) -> None:
    """Solucionador by threshold; at most one Velocista and one Campeão, each the best eligible."""
    result = rank_agents(metrics, settings=DEFAULTS, period="2026-05")
    by_badge: dict[Badge, list[str]] = {b: [] for b in Badge}
    for award in result.awards:
        by_badge[award.badge].append(award.agent_id)
    solvers = {
        m.agent_id
        for m in metrics
        if m.avg_nps is not None
        and m.avg_nps >= 7
        and m.conversations
        and Fraction(m.resolved, m.conversations) >= Fraction(70, 100)
    }
    assert set(by_badge[Badge.SOLUCIONADOR]) == solvers
    fast = [m for m in metrics if m.avg_response_seconds is not None and (m.avg_nps or 0) >= 7]
    assert len(by_badge[Badge.VELOCISTA]) == min(1, len(fast))
    if fast:
        best = min(m.avg_response_seconds or 0 for m in fast)
        winner = next(m for m in metrics if m.agent_id == by_badge[Badge.VELOCISTA][0])
        assert winner.avg_response_seconds == best
    busy = [m for m in metrics if m.conversations > 0]
    assert len(by_badge[Badge.CAMPEAO_VOLUME]) == min(1, len(busy))
    if busy:
        champion = next(m for m in metrics if m.agent_id == by_badge[Badge.CAMPEAO_VOLUME][0])
        assert champion.conversations == max(m.conversations for m in busy)
    for standing in result.standings:
        mine = {a.badge for a in result.awards if a.agent_id == standing.scores.agent_id}
        assert set(standing.badges) == mine


def test_ties_are_broken_by_nps_then_agent_id() -> None:
    """Equal totals: the higher NPS score first; fully equal: the lower agent id first."""
    weights = ScoreWeights(nps=50, volume=50, resolution=0, response_time=0)
    settings = GamificationSettings(weights=weights)
    a = agent("zeca", conversations=500, avg=Fraction(6))  # nps 60, volume 100 -> 80
    b = agent("ana", conversations=300, avg=Fraction(10))  # nps 100, volume 60 -> 80
    c = agent("bia", conversations=300, avg=Fraction(10))
    order = [
        s.scores.agent_id for s in rank_agents([a, b, c], settings=settings, period="p").standings
    ]
    assert order == ["ana", "bia", "zeca"]


def test_badge_thresholds_are_configurable_and_history_keeps_five() -> None:
    """Lower thresholds award more; Top-N widens; history stops at five."""
    team = [
        agent(f"a{i}", conversations=10 * i, resolved=5 * i, seconds=60 + i) for i in range(1, 8)
    ]
    strict = rank_agents(team, settings=DEFAULTS, period="2026-05")
    assert not [a for a in strict.awards if a.badge is Badge.SOLUCIONADOR]
    velocista = [a for a in strict.awards if a.badge is Badge.VELOCISTA]
    assert [(a.agent_id, a.metric) for a in velocista] == [("a1", 61)]
    champion = [a for a in strict.awards if a.badge is Badge.CAMPEAO_VOLUME]
    assert [(a.agent_id, a.metric) for a in champion] == [("a7", 70)]
    loose = GamificationSettings(solucionador_resolution_min=50, campeao_volume_top_n=2)
    result = rank_agents(team, settings=loose, period="2026-05")
    assert len([a for a in result.awards if a.badge is Badge.SOLUCIONADOR]) == 7
    assert {a.agent_id for a in result.awards if a.badge is Badge.CAMPEAO_VOLUME} == {"a6", "a7"}
    assert [h.rank for h in result.history] == [1, 2, 3, 4, 5]
    assert all(h.period == "2026-05" for h in result.history)


def test_invalid_inputs_are_validation_errors() -> None:
    """Duplicate agents, resolved above conversations, an average outside 0-10."""
    with pytest.raises(ValidationError) as caught:
        rank_agents([agent("ana"), agent("ana")], settings=DEFAULTS, period="2026-05")
    assert caught.value.field == "agent_id"
    assert str(caught.value) == "agent 'ana' appears twice"
    with pytest.raises(ValidationError) as caught:
        agent("ana", conversations=1, resolved=2)
    assert caught.value.field == "resolved"
    with pytest.raises(ValidationError) as caught:
        agent("ana", avg=Fraction(11))
    assert caught.value.field == "avg_nps"
    with pytest.raises(ValidationError) as caught:
        GamificationSettings(target_volume=0)
    assert caught.value.field == "target_volume"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"agent_id": ""}, "agent_id", "agent_id cannot be empty"),
        (
            {"conversations": -1},
            "conversations",
            "conversations must be a non-negative integer, got -1",
        ),
        ({"resolved": 1.0}, "resolved", "resolved must be a non-negative integer, got 1.0"),
        ({"resolved": 101}, "resolved", "resolved cannot exceed conversations"),
        (
            {"avg_response_seconds": -1},
            "avg_response_seconds",
            "avg_response_seconds cannot be negative",
        ),
        ({"avg_nps": Fraction(-1, 10)}, "avg_nps", "avg_nps is an average answer (0-10)"),
        ({"avg_nps": Fraction(101, 10)}, "avg_nps", "avg_nps is an average answer (0-10)"),
    ],
)
def test_metrics_out_of_bounds_are_refused_naming_the_field(
    changes: dict[str, object], field: str, message: str
) -> None:
    """An empty id, a negative count or wait, resolved above handled, an average outside 0-10."""
    valid: dict[str, object] = {
        "agent_id": "ana",
        "conversations": 100,
        "resolved": 80,
        "avg_response_seconds": 100,
        "avg_nps": Fraction(8),
    }
    with pytest.raises(ValidationError) as caught:
        AgentMetrics(**(valid | changes))  # type: ignore[arg-type]
    assert (caught.value.field, str(caught.value)) == (field, message)


def test_metric_bounds_are_inclusive() -> None:
    """Averages of 0 and 10, a 0 s wait, nothing handled, and everything resolved are valid."""
    assert [agent("ana", avg=Fraction(a)).avg_nps for a in (0, 10)] == [0, 10]
    assert agent("ana", seconds=0).avg_response_seconds == 0
    assert agent("ana", conversations=0, resolved=0).conversations == 0
    assert agent("ana", conversations=3, resolved=3).resolved == 3


@pytest.mark.parametrize(
    ("field", "accepted", "refused", "message"),
    [
        ("solucionador_resolution_min", (0, 100), (-1, 101, 70.0, True), "is a percentage (0-100)"),
        ("solucionador_nps_min", (0, 10), (-1, 11, 7.0, True), "is an NPS answer (0-10)"),
        ("velocista_nps_min", (0, 10), (-1, 11), "is an NPS answer (0-10)"),
        ("target_volume", (1,), (0, -1, 1.0), "must be a positive integer, got {value!r}"),
        ("target_response_seconds", (1,), (0, True), "must be a positive integer, got {value!r}"),
        ("history_size", (0,), (-1, 0.0), "must be a non-negative integer, got {value!r}"),
        ("velocista_top_n", (0,), (-1,), "must be a non-negative integer, got {value!r}"),
        ("campeao_volume_top_n", (0,), (-1,), "must be a non-negative integer, got {value!r}"),
    ],
)
def test_settings_bounds_and_messages(
    field: str, accepted: tuple[object, ...], refused: tuple[object, ...], message: str
) -> None:
    """Each bound is inclusive as documented; a value out of it (or not an int) names the field."""
    for value in accepted:
        assert getattr(GamificationSettings(**{field: value}), field) == value  # type: ignore[arg-type]
    for value in refused:
        with pytest.raises(ValidationError) as caught:
            GamificationSettings(**{field: value})  # type: ignore[arg-type]
        assert caught.value.field == field
        assert str(caught.value) == f"{field} " + message.format(value=value)


def test_an_empty_period_label_is_refused() -> None:
    """The ranking is stored under its period: an empty label names `period`."""
    with pytest.raises(ValidationError) as caught:
        rank_agents([agent("ana")], settings=DEFAULTS, period="")
    assert (caught.value.field, str(caught.value)) == ("period", "the period label cannot be empty")


@pytest.mark.parametrize(
    ("weights", "first", "second"),
    [
        # resolution 80, volume 20 against resolution 20, volume 80: 5000 points each.
        (
            ScoreWeights(nps=0, volume=50, resolution=50, response_time=0),
            agent("zeca", conversations=100, resolved=80),
            agent("ana", conversations=400, resolved=80),
        ),
        # resolution 80 both; volume 100, time 50 against volume 50, time 100: 7500 each.
        (
            ScoreWeights(nps=0, volume=50, resolution=0, response_time=50),
            agent("zeca", conversations=500, resolved=400, seconds=240),
            agent("ana", conversations=250, resolved=200, seconds=100),
        ),
        # all equal but the response time score (100 against 50), weighted 0.
        (
            ScoreWeights(nps=40, volume=30, resolution=30, response_time=0),
            agent("zeca", seconds=100),
            agent("ana", seconds=240),
        ),
    ],
)
def test_ties_after_nps_go_to_resolution_then_volume_then_response_time(
    weights: ScoreWeights, first: AgentMetrics, second: AgentMetrics
) -> None:
    """Equal totals and NPS: the higher resolution, then volume, then time score ranks first."""
    settings = GamificationSettings(weights=weights)
    result = rank_agents([second, first], settings=settings, period="p")
    assert [s.scores.agent_id for s in result.standings] == [first.agent_id, second.agent_id]
    assert result.standings[0].scores.points == result.standings[1].scores.points


def test_badge_thresholds_are_inclusive_and_one_conversation_counts() -> None:
    """An average of exactly 7 and exactly 70 % resolved earn badges; 70 of 101 does not."""
    team = [
        agent("ana", conversations=100, resolved=70, seconds=300, avg=Fraction(7)),
        agent("bia", conversations=101, resolved=70, seconds=None, avg=Fraction(10)),
        agent("caio", conversations=1, resolved=1, seconds=None, avg=Fraction(8)),
        agent("duda", conversations=0, resolved=0, seconds=None, avg=Fraction(69, 10)),
    ]
    assert award_badges(team, DEFAULTS) == (
        BadgeAward(agent_id="ana", badge=Badge.SOLUCIONADOR, metric=70),
        BadgeAward(agent_id="caio", badge=Badge.SOLUCIONADOR, metric=100),
        BadgeAward(agent_id="ana", badge=Badge.VELOCISTA, metric=300),
        BadgeAward(agent_id="bia", badge=Badge.CAMPEAO_VOLUME, metric=101),
    )
    lone = [agent("caio", conversations=1, resolved=0), agent("duda", conversations=0, resolved=0)]
    champion = [a for a in award_badges(lone, DEFAULTS) if a.badge is Badge.CAMPEAO_VOLUME]
    assert champion == [BadgeAward(agent_id="caio", badge=Badge.CAMPEAO_VOLUME, metric=1)]


def test_history_rows_carry_the_standing_scores() -> None:
    """Each history row holds its standing's scores, total and badges."""
    result = rank_agents(
        [agent("ana"), agent("bia", avg=Fraction(9))], settings=DEFAULTS, period="p"
    )
    assert [(h.agent_id, h.scores, h.total_score, h.badges) for h in result.history] == [
        (s.scores.agent_id, s.scores, s.scores.total_score, s.badges) for s in result.standings
    ]
    assert result.history[0].scores == score_agent(agent("bia", avg=Fraction(9)), DEFAULTS)
