"""The NPS of a set of answers (exact, undefined when empty) and its grouping by agent, department and period."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta, tzinfo
from fractions import Fraction
from operator import attrgetter
from typing import TypeVar

import attrs

from lia_core.errors import ValidationError
from lia_core.nps.categories import MAX_SCORE, MIN_SCORE, NpsAnswer, check_score
from lia_core.validation import require_aware

__all__ = [
    "NpsResult",
    "Period",
    "compute_nps",
    "group_nps",
    "nps_by_agent",
    "nps_by_assistant",
    "nps_by_department",
    "nps_by_period",
    "period_start",
]

K = TypeVar("K", bound=Hashable)

_SCORES = range(MIN_SCORE, MAX_SCORE + 1)
_score_of = attrgetter("score")


def _non_negative(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 0:
        raise ValidationError(f"{attribute.name} cannot be negative", field=attribute.name)


@attrs.frozen(kw_only=True)
class NpsResult:
    """Counts of a set of answers and their NPS; ``score`` is None (undefined) when there are none."""

    detractors: int = attrs.field(default=0, validator=_non_negative)
    passives: int = attrs.field(default=0, validator=_non_negative)
    promoters: int = attrs.field(default=0, validator=_non_negative)
    score_sum: int = attrs.field(default=0, validator=_non_negative)

    @classmethod
    def from_scores(cls, scores: Iterable[int]) -> NpsResult:
        """Tally 0-10 scores; any other value raises ValidationError (field ``score``)."""
        return cls.from_counts(Counter(scores))

    @classmethod
    def from_counts(cls, counts: Mapping[int, int]) -> NpsResult:
        """Build from how many answers gave each score (``{9: 3, 2: 1}``)."""
        for score in counts:
            check_score(score)
        d = sum(counts.get(s, 0) for s in range(0, 7))
        p = counts.get(7, 0) + counts.get(8, 0)
        m = counts.get(9, 0) + counts.get(10, 0)
        total = sum(s * counts.get(s, 0) for s in _SCORES)
        return cls(detractors=d, passives=p, promoters=m, score_sum=total)

    @property
    def total(self) -> int:
        """How many answers were counted."""
        return self.detractors + self.passives + self.promoters

    @property
    def score(self) -> Fraction | None:
        """Exact NPS in [-100, 100] (% promoters - % detractors), or None for no answers."""
        total = self.total
        if total == 0:
            return None
        return Fraction(100 * (self.promoters - self.detractors), total)

    @property
    def display(self) -> float | None:
        """The NPS rounded to one decimal for display (half to even), or None for no answers."""
        score = self.score
        return None if score is None else float(round(score, 1))

    @property
    def mean(self) -> Fraction | None:
        """The exact average 0-10 answer (the schema's ``avgNps``), or None for no answers."""
        total = self.total
        return None if total == 0 else Fraction(self.score_sum, total)

    def __add__(self, other: NpsResult) -> NpsResult:
        """The result of both sets of answers together."""
        return NpsResult(
            detractors=self.detractors + other.detractors,
            passives=self.passives + other.passives,
            promoters=self.promoters + other.promoters,
            score_sum=self.score_sum + other.score_sum,
        )


def compute_nps(answers: Iterable[NpsAnswer]) -> NpsResult:
    """The NPS and counts of *answers* (undefined score when there are none)."""
    return NpsResult.from_scores(map(_score_of, answers))


def group_nps(answers: Iterable[NpsAnswer], key: Callable[[NpsAnswer], K]) -> dict[K, NpsResult]:
    """One result per distinct ``key(answer)``; the groups partition the answers."""
    items = answers if isinstance(answers, list | tuple) else list(answers)
    pairs = Counter(zip(map(key, items), map(_score_of, items), strict=True))
    per_key: dict[K, dict[int, int]] = {}
    for (group, score), count in pairs.items():
        per_key.setdefault(group, {})[score] = count
    return {group: NpsResult.from_counts(counts) for group, counts in per_key.items()}


def nps_by_agent(answers: Iterable[NpsAnswer]) -> dict[str | None, NpsResult]:
    """NPS per human agent (None: answers about conversations no agent handled)."""
    return group_nps(answers, attrgetter("agent_id"))


def nps_by_assistant(answers: Iterable[NpsAnswer]) -> dict[str | None, NpsResult]:
    """NPS per virtual assistant (None: no assistant recorded)."""
    return group_nps(answers, attrgetter("assistant"))


def nps_by_department(answers: Iterable[NpsAnswer]) -> dict[str | None, NpsResult]:
    """NPS per department (None: no department recorded)."""
    return group_nps(answers, attrgetter("department"))


class Period(enum.StrEnum):
    """A reporting period, in the ISP's timezone; weeks start on Monday (ISO 8601)."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


def period_start(moment: datetime, period: Period, *, tz: tzinfo) -> date:
    """The first local day of the *period* holding the aware *moment* in timezone *tz*."""
    require_aware(moment, "answered_at")
    day = moment.astimezone(tz).date()
    if period is Period.DAY:
        return day
    if period is Period.WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_BUCKET = timedelta(minutes=15)
_TICK = timedelta(microseconds=1)

# Every real UTC offset and transition falls on a 15-minute boundary, so a local day rarely
# changes inside a bucket; _PeriodKeys checks both ends anyway and never trusts that.


class _PeriodKeys:
    """period_start per answer, cached per 15-minute UTC bucket whose ends agree."""

    def __init__(self, period: Period, tz: tzinfo) -> None:
        self.period = period
        self.tz = tz
        self.cache: dict[int, date | None] = {}

    def __call__(self, answer: NpsAnswer) -> date:
        moment = answer.answered_at
        bucket: int = (moment - _EPOCH) // _BUCKET
        try:
            start = self.cache[bucket]
        except KeyError:
            start = self.cache[bucket] = self._bucket_start(bucket)
        if start is None:  # the period changes inside this bucket: compute exactly
            return period_start(moment, self.period, tz=self.tz)
        return start

    def _bucket_start(self, bucket: int) -> date | None:
        first = _EPOCH + bucket * _BUCKET
        last = first + _BUCKET - _TICK
        a = period_start(first, self.period, tz=self.tz)
        return a if a == period_start(last, self.period, tz=self.tz) else None


def nps_by_period(
    answers: Iterable[NpsAnswer], period: Period, *, tz: tzinfo
) -> dict[date, NpsResult]:
    """NPS per day, week (from Monday) or month, keyed by the period's first local day."""
    return group_nps(answers, _PeriodKeys(period, tz))
