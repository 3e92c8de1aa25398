"""NPS categories, the exact score against a brute-force count, and grouping that partitions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.errors import ValidationError
from lia_core.nps import (
    NpsAnswer,
    NpsCategory,
    NpsResult,
    Period,
    categorize,
    compute_nps,
    group_nps,
    nps_by_agent,
    nps_by_assistant,
    nps_by_department,
    nps_by_period,
    period_start,
)
from lia_core.testing.nps import answer_sets, nps_scores
from tests.unit.core.nps._profile import PROPERTIES

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
AT = datetime(2026, 5, 20, 15, 0, tzinfo=UTC)


def brute_force(scores: list[int]) -> Fraction | None:
    """The oracle: percentages counted one answer at a time."""
    if not scores:
        return None
    promoters = sum(1 for s in scores if s in (9, 10))
    detractors = sum(1 for s in scores if s in (0, 1, 2, 3, 4, 5, 6))
    return Fraction(promoters * 100, len(scores)) - Fraction(detractors * 100, len(scores))


def answer(score: int, **kw: str) -> NpsAnswer:
    """An answer at a fixed time."""
    return NpsAnswer(score=score, answered_at=AT, **kw)


@pytest.mark.parametrize(
    ("score", "category"),
    [
        (0, "detractor"),
        (6, "detractor"),
        (7, "passive"),
        (8, "passive"),
        (9, "promoter"),
        (10, "promoter"),
    ],
)
def test_categories_follow_the_schema(score: int, category: str) -> None:
    """0-6 detractor, 7-8 passive, 9-10 promoter."""
    assert categorize(score) is NpsCategory(category)


@pytest.mark.parametrize("bad", [-1, 11, 100, True, 9.0, "9"])
def test_anything_else_is_a_validation_error_naming_the_field(bad: object) -> None:
    """Out-of-range, bools, floats and strings are refused, with the field named."""
    with pytest.raises(ValidationError) as caught:
        categorize(bad)  # type: ignore[arg-type]
    assert caught.value.field == "score"
    assert str(caught.value) == f"an NPS score is an integer from 0 to 10, got {bad!r}"
    with pytest.raises(ValidationError) as refused:
        NpsAnswer(score=bad, answered_at=AT)  # type: ignore[arg-type]
    assert refused.value.field == "score"


@pytest.mark.parametrize("field", ["detractors", "passives", "promoters", "score_sum"])
def test_a_negative_count_is_refused_naming_it(field: str) -> None:
    """A result cannot hold a negative count or sum; the error names the field."""
    with pytest.raises(ValidationError) as caught:
        NpsResult(**{field: -1})
    assert caught.value.field == field
    assert str(caught.value) == f"{field} cannot be negative"


def test_a_naive_timestamp_is_refused() -> None:
    """Answers carry aware timestamps only."""
    with pytest.raises(ValidationError) as caught:
        NpsAnswer(score=9, answered_at=datetime(2026, 5, 20))
    assert caught.value.field == "answered_at"


def test_the_worked_example() -> None:
    """Two promoters, one passive, two detractors out of five: NPS 0; 3 of 6 promoters and 1 detractor: 33.3."""
    result = NpsResult.from_scores([10, 9, 8, 3, 6])
    assert (result.promoters, result.passives, result.detractors, result.total) == (2, 1, 2, 5)
    assert result.score == 0
    third = NpsResult.from_scores([10, 10, 9, 7, 8, 0])
    assert third.score == Fraction(100, 3)
    assert third.display == 33.3
    assert third.mean == Fraction(44, 6)


def test_empty_is_undefined_not_zero() -> None:
    """No answers: score, display and mean are None, and zero promoters-minus-detractors is 0."""
    empty = compute_nps([])
    assert (empty.score, empty.display, empty.mean, empty.total) == (None, None, None, 0)
    assert NpsResult.from_scores([8, 7]).score == 0


@PROPERTIES
@given(st.lists(nps_scores(), max_size=80))
def test_nps_equals_the_brute_force_count(scores: list[int]) -> None:
    """The exact score equals % promoters - % detractors counted one by one."""
    result = NpsResult.from_scores(scores)
    assert result.score == brute_force(scores)
    assert result.total == len(scores)
    assert result.score_sum == sum(scores)


@PROPERTIES
@given(st.lists(nps_scores(), max_size=80))
def test_nps_is_within_bounds_and_undefined_iff_empty(scores: list[int]) -> None:
    """The score is in [-100, 100]; it is None exactly when there are no answers."""
    score = NpsResult.from_scores(scores).score
    assert (score is None) == (not scores)
    if score is not None:
        assert -100 <= score <= 100
        display = NpsResult.from_scores(scores).display
        assert display is not None
        assert abs(display - float(score)) <= 0.05 + 1e-9


@PROPERTIES
@given(st.lists(nps_scores(), max_size=40), st.lists(nps_scores(), max_size=40))
def test_adding_results_is_counting_both(a: list[int], b: list[int]) -> None:
    """Combining two results equals tallying the concatenation."""
    assert NpsResult.from_scores(a) + NpsResult.from_scores(b) == NpsResult.from_scores(a + b)


GROUPINGS: list[Callable[[list[NpsAnswer]], list[NpsResult]]] = [
    lambda answers: list(nps_by_agent(answers).values()),
    lambda answers: list(nps_by_assistant(answers).values()),
    lambda answers: list(nps_by_department(answers).values()),
    lambda answers: list(nps_by_period(answers, Period.DAY, tz=SAO_PAULO).values()),
    lambda answers: list(nps_by_period(answers, Period.WEEK, tz=SAO_PAULO).values()),
    lambda answers: list(nps_by_period(answers, Period.MONTH, tz=SAO_PAULO).values()),
]


@PROPERTIES
@given(answer_sets(), st.sampled_from(range(len(GROUPINGS))))
def test_grouping_partitions_the_answers(answers: list[NpsAnswer], which: int) -> None:
    """Group counts add up to the overall counts, and no group is empty."""
    groups = GROUPINGS[which](answers)
    combined = sum(groups, NpsResult())
    assert combined == compute_nps(answers)
    assert all(g.total > 0 for g in groups)


@PROPERTIES
@given(answer_sets())
def test_grouping_by_agent_matches_filtering(answers: list[NpsAnswer]) -> None:
    """Each agent's result is the NPS of exactly that agent's answers."""
    for agent, result in nps_by_agent(answers).items():
        assert result == compute_nps(a for a in answers if a.agent_id == agent)


@PROPERTIES
@given(answer_sets())
def test_grouping_reads_a_one_shot_iterable_like_a_list(answers: list[NpsAnswer]) -> None:
    """A generator of answers groups exactly as the same answers in a list."""
    assert nps_by_department(a for a in answers) == nps_by_department(answers)


@PROPERTIES
@given(answer_sets(), st.sampled_from(list(Period)))
def test_period_keys_are_local_period_starts(answers: list[NpsAnswer], period: Period) -> None:
    """Each answer lands in the period whose first local day contains it."""
    groups = nps_by_period(answers, period, tz=SAO_PAULO)
    for a in answers:
        start = period_start(a.answered_at, period, tz=SAO_PAULO)
        assert start in groups
        local = a.answered_at.astimezone(SAO_PAULO).date()
        assert start <= local
        if period is Period.WEEK:
            assert start.weekday() == 0
            assert (local - start).days < 7
        if period is Period.MONTH:
            assert (start.day, start.month, start.year) == (1, local.month, local.year)


def test_periods_use_the_isp_timezone() -> None:
    """01:30 UTC on 1 March is still 28 February in São Paulo (UTC-3)."""
    late = datetime(2026, 3, 1, 1, 30, tzinfo=UTC)
    assert period_start(late, Period.DAY, tz=SAO_PAULO) == date(2026, 2, 28)
    assert period_start(late, Period.MONTH, tz=SAO_PAULO) == date(2026, 2, 1)
    assert period_start(late, Period.MONTH, tz=UTC) == date(2026, 3, 1)
    assert period_start(late, Period.WEEK, tz=SAO_PAULO) == date(2026, 2, 23)


def test_grouping_by_department_example() -> None:
    """Departments are grouped apart; answers with no department are grouped under None."""
    answers = [
        answer(10, department="suporte"),
        answer(2, department="suporte"),
        answer(9, department="financeiro"),
        answer(7),
    ]
    groups = nps_by_department(answers)
    assert groups["suporte"].score == 0
    assert groups["financeiro"].score == 100
    assert groups[None].score == 0
    assert groups[None].passives == 1


ZONES = [SAO_PAULO, UTC, timezone(timedelta(minutes=-187, seconds=-17)), ZoneInfo("Asia/Kathmandu")]


@PROPERTIES
@given(answer_sets(), st.sampled_from(list(Period)), st.sampled_from(ZONES))
def test_period_grouping_equals_grouping_by_period_start(
    answers: list[NpsAnswer], period: Period, tz: tzinfo
) -> None:
    """The cached grouping equals calling period_start on every answer, even at odd offsets."""

    def oracle(a: NpsAnswer) -> date:
        return period_start(a.answered_at, period, tz=tz)

    assert nps_by_period(answers, period, tz=tz) == group_nps(answers, oracle)


def test_an_odd_offset_splits_a_bucket_exactly() -> None:
    """Midnight at UTC-00:07 falls inside a 15-minute UTC bucket; both sides land right."""
    odd = timezone(timedelta(minutes=-7))
    before = NpsAnswer(score=10, answered_at=datetime(2026, 5, 21, 0, 6, 59, tzinfo=UTC))
    after = NpsAnswer(score=0, answered_at=datetime(2026, 5, 21, 0, 7, tzinfo=UTC))
    groups = nps_by_period([before, after], Period.DAY, tz=odd)
    assert groups[date(2026, 5, 20)].promoters == 1
    assert groups[date(2026, 5, 21)].detractors == 1


def test_period_start_refuses_a_naive_moment_naming_answered_at() -> None:
    """A naive moment has no local day: ValidationError on the field ``answered_at``."""
    with pytest.raises(ValidationError) as caught:
        period_start(datetime(2026, 5, 20, 15, 0), Period.DAY, tz=UTC)
    assert caught.value.field == "answered_at"
    assert str(caught.value) == "answered_at must be timezone-aware"


# UTC+13:55: local midnight falls at hh:05 UTC, inside a 15-minute UTC bucket, and the bucket's
# UTC day is the earlier local day for any machine timezone from UTC-10 to UTC+13:44.
NEAR_DATELINE = timezone(timedelta(hours=13, minutes=55))


@pytest.mark.parametrize(
    ("period", "utc", "before", "after"),
    [
        # 1 → 2 April local: the day changes, the month does not.
        (Period.DAY, datetime(2026, 4, 1, 10, 5, tzinfo=UTC), date(2026, 4, 1), date(2026, 4, 2)),
        # Sunday 5 → Monday 6 April local: a new week inside the month.
        (Period.WEEK, datetime(2026, 4, 5, 10, 5, tzinfo=UTC), date(2026, 3, 30), date(2026, 4, 6)),
        # 31 March → 1 April local: a new month.
        (
            Period.MONTH,
            datetime(2026, 3, 31, 10, 5, tzinfo=UTC),
            date(2026, 3, 1),
            date(2026, 4, 1),
        ),
    ],
)
def test_a_period_that_changes_inside_a_bucket_splits_it_exactly(
    period: Period, utc: datetime, before: date, after: date
) -> None:
    """Answers either side of a local period start inside one UTC bucket land in their own period."""
    early = NpsAnswer(score=10, answered_at=utc - timedelta(minutes=2))
    late = NpsAnswer(score=0, answered_at=utc + timedelta(minutes=2))
    assert nps_by_period([early, late], period, tz=NEAR_DATELINE) == {
        before: NpsResult(promoters=1, score_sum=10),
        after: NpsResult(detractors=1, score_sum=0),
    }


def test_a_far_future_moment_just_before_midnight_keeps_its_day() -> None:
    """An answer a microsecond before midnight in year 3000 stays on its day (exact bucket maths)."""
    last = datetime(3000, 5, 5, 23, 59, 59, 999999, tzinfo=UTC)
    groups = nps_by_period([NpsAnswer(score=9, answered_at=last)], Period.DAY, tz=UTC)
    assert groups == {date(3000, 5, 5): NpsResult(promoters=1, score_sum=9)}
