"""SLA policies: targets per priority (with severity overrides) and ordered policy selection."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import timedelta

import attrs

from lia_core.domain.tickets import Priority, Severity
from lia_core.errors import ValidationError
from lia_core.sla.calendar import BusinessCalendar

__all__ = [
    "PolicyBook",
    "PolicyRule",
    "Priority",
    "Severity",
    "SlaPolicy",
    "SlaTargets",
    "Target",
    "TicketFacts",
    "TimeBasis",
]


class TimeBasis(enum.StrEnum):
    """Whether a target counts working minutes of the calendar or every minute."""

    BUSINESS = "business"
    CALENDAR = "calendar"


@attrs.frozen(kw_only=True)
class Target:
    """A duration the clock may run, counted on a basis."""

    minutes: int
    basis: TimeBasis = TimeBasis.BUSINESS

    def __attrs_post_init__(self) -> None:
        if self.minutes <= 0:
            raise ValidationError("an SLA target must be positive", field="minutes")

    @property
    def duration(self) -> timedelta:
        """The target as a duration."""
        return timedelta(minutes=self.minutes)

    @classmethod
    def business(cls, minutes: int) -> Target:
        """A target in working minutes."""
        return cls(minutes=minutes, basis=TimeBasis.BUSINESS)

    @classmethod
    def calendar(cls, minutes: int) -> Target:
        """A target in wall-clock minutes (24/7)."""
        return cls(minutes=minutes, basis=TimeBasis.CALENDAR)


@attrs.frozen(kw_only=True)
class SlaTargets:
    """The first-response and resolution targets (None: that clock is not measured)."""

    first_response: Target | None = None
    resolution: Target | None = None


_NO_TARGETS = SlaTargets()


def _by_priority(value: Mapping[Priority, SlaTargets]) -> Mapping[Priority, SlaTargets]:
    return {Priority(k): v for k, v in value.items()}


def _by_severity(value: Mapping[Severity, SlaTargets]) -> Mapping[Severity, SlaTargets]:
    return {Severity(k): v for k, v in value.items()}


def _check_threshold(_instance: object, _attribute: object, value: float) -> None:
    if not 0.0 < value < 1.0:
        raise ValidationError("warning_at must be between 0 and 1", field="warning_at")


@attrs.frozen(kw_only=True)
class SlaPolicy:
    """Targets per priority, overridden per severity, on a business calendar."""

    name: str
    calendar: BusinessCalendar
    by_priority: Mapping[Priority, SlaTargets] = attrs.field(converter=_by_priority, hash=False)
    by_severity: Mapping[Severity, SlaTargets] = attrs.field(
        converter=_by_severity, hash=False, factory=dict
    )
    """Severity overrides: a target set here wins over the priority's."""
    pause_while_waiting: bool = True
    """Stop the clocks while the ticket waits on the customer."""
    warning_at: float = attrs.field(default=0.7, validator=_check_threshold)
    """Fraction of the target after which the clock is in warning."""

    def targets_for(self, priority: Priority, severity: Severity | None = None) -> SlaTargets:
        """The targets for a ticket: each severity override wins over the priority's target."""
        base = self.by_priority.get(priority, _NO_TARGETS)
        override = self.by_severity.get(severity) if severity is not None else None
        if override is None:
            return base
        return SlaTargets(
            first_response=override.first_response or base.first_response,
            resolution=override.resolution or base.resolution,
        )


@attrs.frozen(kw_only=True)
class TicketFacts:
    """What policy selection may look at."""

    priority: Priority
    severity: Severity | None = None
    department: str | None = None
    channel: str | None = None
    vip: bool = False


@attrs.frozen(kw_only=True)
class PolicyRule:
    """Use *policy* when every given condition holds (an empty condition always holds)."""

    policy: SlaPolicy
    priorities: frozenset[Priority] = frozenset()
    severities: frozenset[Severity] = frozenset()
    departments: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    vip: bool | None = None

    def matches(self, facts: TicketFacts) -> bool:
        """Whether this rule applies to *facts*."""
        return (
            (not self.priorities or facts.priority in self.priorities)
            and (not self.severities or facts.severity in self.severities)
            and (not self.departments or facts.department in self.departments)
            and (not self.channels or facts.channel in self.channels)
            and (self.vip is None or facts.vip == self.vip)
        )


@attrs.frozen(kw_only=True)
class PolicyBook:
    """Ordered rules, first match wins; *fallback* when none matches."""

    rules: tuple[PolicyRule, ...] = ()
    fallback: SlaPolicy

    def select(self, facts: TicketFacts) -> SlaPolicy:
        """The policy for a ticket."""
        for rule in self.rules:
            if rule.matches(facts):
                return rule.policy
        return self.fallback
