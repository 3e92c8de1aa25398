"""SLA targets and policies: exact bounds, bases, and refusals naming their field."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lia_core.errors import ValidationError
from lia_core.sla import BusinessCalendar, Priority, Severity, SlaPolicy, SlaTargets, Target
from lia_core.sla.policy import TimeBasis

ALWAYS = BusinessCalendar.always()


@pytest.mark.parametrize("minutes", [0, -1])
def test_a_target_that_is_not_positive_is_refused_naming_minutes(minutes: int) -> None:
    """Zero or negative minutes are refused with the rule and field minutes."""
    with pytest.raises(ValidationError) as caught:
        Target(minutes=minutes)
    assert str(caught.value) == "an SLA target must be positive"
    assert caught.value.field == "minutes"


def test_one_minute_is_the_smallest_target() -> None:
    """One minute is accepted and lasts exactly one minute."""
    assert Target(minutes=1).duration == timedelta(minutes=1)


def test_a_target_counts_business_minutes_unless_told_otherwise() -> None:
    """The default basis and business() are BUSINESS; calendar() is CALENDAR; minutes are kept."""
    assert Target(minutes=5).basis is TimeBasis.BUSINESS
    assert Target.business(7) == Target(minutes=7, basis=TimeBasis.BUSINESS)
    assert Target.calendar(9) == Target(minutes=9, basis=TimeBasis.CALENDAR)
    assert Target.calendar(90).duration == timedelta(hours=1, minutes=30)


@pytest.mark.parametrize("warning_at", [0.0, 1.0, -0.1, 1.5])
def test_a_warning_threshold_outside_zero_and_one_is_refused(warning_at: float) -> None:
    """warning_at must lie strictly between 0 and 1; the refusal names warning_at."""
    with pytest.raises(ValidationError) as caught:
        SlaPolicy(name="p", calendar=ALWAYS, by_priority={}, warning_at=warning_at)
    assert str(caught.value) == "warning_at must be between 0 and 1"
    assert caught.value.field == "warning_at"


@pytest.mark.parametrize("warning_at", [0.001, 0.5, 0.999])
def test_a_warning_threshold_inside_zero_and_one_is_kept(warning_at: float) -> None:
    """Any fraction strictly between 0 and 1 is accepted as given."""
    policy = SlaPolicy(name="p", calendar=ALWAYS, by_priority={}, warning_at=warning_at)
    assert policy.warning_at == warning_at


def test_a_policy_warns_at_seventy_percent_and_pauses_while_waiting_by_default() -> None:
    """The defaults the docs promise: warning at 0.7, clocks paused while waiting, no overrides."""
    policy = SlaPolicy(name="p", calendar=ALWAYS, by_priority={})
    assert policy.warning_at == 0.7
    assert policy.pause_while_waiting is True
    assert policy.by_severity == {}


def test_severity_override_replaces_only_the_targets_it_sets() -> None:
    """An override with only a first-response target keeps the priority's resolution target."""
    base = SlaTargets(first_response=Target.business(60), resolution=Target.business(480))
    policy = SlaPolicy(
        name="p",
        calendar=ALWAYS,
        by_priority={Priority.HIGH: base},
        by_severity={Severity.CRITICAL: SlaTargets(first_response=Target.calendar(10))},
    )
    assert policy.targets_for(Priority.HIGH, Severity.CRITICAL) == SlaTargets(
        first_response=Target.calendar(10), resolution=Target.business(480)
    )
    assert policy.targets_for(Priority.HIGH, Severity.LOW) == base
    assert policy.targets_for(Priority.HIGH) == base
    assert policy.targets_for(Priority.LOW, Severity.CRITICAL) == SlaTargets(
        first_response=Target.calendar(10)
    )
    assert policy.targets_for(Priority.LOW) == SlaTargets()


def test_targets_given_by_name_are_found_by_enum() -> None:
    """Policies loaded from files key targets by name ("high"): they are found by the enum."""
    targets = SlaTargets(resolution=Target.calendar(30))
    policy = SlaPolicy(
        name="p",
        calendar=ALWAYS,
        by_priority={"high": targets},  # type: ignore[dict-item]
        by_severity={"critical": SlaTargets(first_response=Target.calendar(5))},  # type: ignore[dict-item]
    )
    assert policy.targets_for(Priority.HIGH) == targets
    assert policy.targets_for(Priority.HIGH, Severity.CRITICAL).first_response == Target.calendar(5)
