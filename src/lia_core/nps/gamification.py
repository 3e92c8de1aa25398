"""Per-agent gamification scores (0-100 per metric) and their weighted total, per the schema.

``totalScore = npsScore*40% + volumeScore*30% + resolutionScore*20% + timeScore*10%`` by
default; the weights are configurable and must sum to 100. Metric scores are integers
(rounded half up) computed from an agent's metrics in one period:

- nps: the average 0-10 answer * 10 (0 with no answers);
- volume: conversations * 100 / ``target_volume``, capped at 100;
- resolution: resolved * 100 / conversations (0 with no conversations);
- time: 100 when the average first response is within ``target_response_seconds``, else
  100 * target / average (0 with no response recorded).
"""

from __future__ import annotations

from fractions import Fraction

import attrs

from lia_core.errors import ValidationError
from lia_core.nps.categories import MAX_SCORE

__all__ = ["AgentMetrics", "AgentScores", "GamificationSettings", "ScoreWeights", "score_agent"]


def _non_negative_int(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value < 0:
        raise ValidationError(
            f"{attribute.name} must be a non-negative integer, got {value!r}", field=attribute.name
        )


def _positive_int(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value <= 0:
        raise ValidationError(
            f"{attribute.name} must be a positive integer, got {value!r}", field=attribute.name
        )


def _percent(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or not 0 <= value <= 100:
        raise ValidationError(f"{attribute.name} is a percentage (0-100)", field=attribute.name)


def _score_0_10(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or not 0 <= value <= MAX_SCORE:
        raise ValidationError(f"{attribute.name} is an NPS answer (0-10)", field=attribute.name)


@attrs.frozen(kw_only=True)
class ScoreWeights:
    """Weight (%) of each metric in the total; the four must sum to 100."""

    nps: int = attrs.field(default=40, validator=_non_negative_int)
    volume: int = attrs.field(default=30, validator=_non_negative_int)
    resolution: int = attrs.field(default=20, validator=_non_negative_int)
    response_time: int = attrs.field(default=10, validator=_non_negative_int)

    def __attrs_post_init__(self) -> None:
        total = self.nps + self.volume + self.resolution + self.response_time
        if total != 100:
            raise ValidationError(f"the weights must sum to 100, got {total}", field="weights")


@attrs.frozen(kw_only=True)
class GamificationSettings:
    """Weights, targets and badge thresholds (the schema's ``gamification_settings``)."""

    weights: ScoreWeights = ScoreWeights()
    target_volume: int = attrs.field(default=500, validator=_positive_int)
    target_response_seconds: int = attrs.field(default=120, validator=_positive_int)
    solucionador_nps_min: int = attrs.field(default=7, validator=_score_0_10)
    solucionador_resolution_min: int = attrs.field(default=70, validator=_percent)
    velocista_nps_min: int = attrs.field(default=7, validator=_score_0_10)
    velocista_top_n: int = attrs.field(default=1, validator=_non_negative_int)
    campeao_volume_top_n: int = attrs.field(default=1, validator=_non_negative_int)
    history_size: int = attrs.field(default=5, validator=_non_negative_int)


def _agent_id(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value:
        raise ValidationError("agent_id cannot be empty", field=attribute.name)


def _avg_nps(
    _: object, attribute: attrs.Attribute[Fraction | None], value: Fraction | None
) -> None:
    if value is not None and not 0 <= value <= MAX_SCORE:
        raise ValidationError("avg_nps is an average answer (0-10)", field=attribute.name)


def _seconds(_: object, attribute: attrs.Attribute[int | None], value: int | None) -> None:
    if value is not None and value < 0:
        raise ValidationError(f"{attribute.name} cannot be negative", field=attribute.name)


@attrs.frozen(kw_only=True)
class AgentMetrics:
    """What one agent did in one period (the raw inputs of ``gamification_scores``)."""

    agent_id: str = attrs.field(validator=_agent_id)
    conversations: int = attrs.field(validator=_non_negative_int)
    resolved: int = attrs.field(validator=_non_negative_int)
    avg_response_seconds: int | None = attrs.field(default=None, validator=_seconds)
    avg_nps: Fraction | None = attrs.field(default=None, validator=_avg_nps)
    """The average 0-10 answer (``NpsResult.mean``), None when nobody answered."""

    def __attrs_post_init__(self) -> None:
        if self.resolved > self.conversations:
            raise ValidationError("resolved cannot exceed conversations", field="resolved")

    @property
    def resolution_rate(self) -> Fraction | None:
        """Resolved / conversations (0-1), None with no conversations."""
        return Fraction(self.resolved, self.conversations) if self.conversations else None


def _half_up(value: Fraction) -> int:
    return (2 * value.numerator + value.denominator) // (2 * value.denominator)


@attrs.frozen(kw_only=True)
class AgentScores:
    """An agent's metric scores (0-100 each) and weighted total."""

    metrics: AgentMetrics
    nps: int
    volume: int
    resolution: int
    response_time: int
    points: int
    """Σ score * weight, 0-10,000: the total * 100, kept as an integer so it is exact."""

    @property
    def agent_id(self) -> str:
        """The agent these scores are about."""
        return self.metrics.agent_id

    @property
    def total(self) -> Fraction:
        """The exact weighted total, 0-100."""
        return Fraction(self.points, 100)

    @property
    def total_score(self) -> int:
        """The total rounded half up (the schema's integer ``totalScore``)."""
        return _half_up(self.total)


def score_agent(metrics: AgentMetrics, settings: GamificationSettings) -> AgentScores:
    """The agent's metric scores and weighted total under *settings*."""
    nps = 0 if metrics.avg_nps is None else _half_up(metrics.avg_nps * 10)
    volume = min(100, _half_up(Fraction(metrics.conversations * 100, settings.target_volume)))
    rate = metrics.resolution_rate
    resolution = 0 if rate is None else _half_up(rate * 100)
    seconds = metrics.avg_response_seconds
    target = settings.target_response_seconds
    if seconds is None:
        response_time = 0
    elif seconds <= target:
        response_time = 100
    else:
        response_time = _half_up(Fraction(100 * target, seconds))
    w = settings.weights
    points = (
        nps * w.nps
        + volume * w.volume
        + resolution * w.resolution
        + response_time * w.response_time
    )
    return AgentScores(
        metrics=metrics,
        nps=nps,
        volume=volume,
        resolution=resolution,
        response_time=response_time,
        points=points,
    )
