"""One escalation rule: conditions over the facts (all must hold) and the actions they trigger."""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs

from lia_core.domain.text import fold
from lia_core.domain.tickets import Priority, Severity, SupportLevel
from lia_core.errors import ValidationError
from lia_core.escalation import _convert
from lia_core.escalation.facts import EscalationFacts
from lia_core.sla.readings import SlaState

__all__ = [
    "DEFAULT_WINDOW_DAYS",
    "KNOWN_POLICIES",
    "MAX_WINDOW_DAYS",
    "Actions",
    "Conditions",
    "Rule",
    "is_slug",
]

KNOWN_POLICIES = frozenset({"ticket-escalation", "ticket-priority-high", "sla-alert"})
"""Notification policies every rule file may name; a file declares any others it uses."""
DEFAULT_WINDOW_DAYS = 7
"""The repeat-contact window when a rule sets ``repeat_contacts`` alone."""
MAX_WINDOW_DAYS = 3650
"""The longest repeat-contact window (about ten years)."""

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def is_slug(name: str) -> bool:
    """True for lower-case words of letters and digits joined by single hyphens."""
    return _SLUG.fullmatch(name) is not None


def _keywords(value: object) -> tuple[str, ...]:
    return _convert.string_tuple(value, "keywords")


def _intents(value: object) -> frozenset[str]:
    return _convert.string_set(value, "intents")


def _notify(value: object) -> tuple[str, ...]:
    return _convert.string_tuple(value, "notify")


def _check_keywords(_instance: object, _attribute: object, value: tuple[str, ...]) -> None:
    for keyword in value:
        if not fold(keyword):
            raise ValidationError(
                f"keyword {keyword!r} has no letter or digit to match", field="keywords"
            )


def _positive(field: str, most: int | None = None) -> Callable[[object, object, int | None], None]:
    def check(_instance: object, _attribute: object, value: int | None) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(f"{field} must be a whole number", field=field)
        if value < 1:
            raise ValidationError(f"{field} must be at least 1", field=field)
        if most is not None and value > most:
            raise ValidationError(f"{field} must be at most {most}", field=field)

    return check


@attrs.frozen(kw_only=True)
class Conditions:
    """Conditions that must all hold (AND); an unset condition is not checked.

    Sets (``sla_state``, ``intents``, ``keywords``) hold when any member matches; write two
    rules for an OR across conditions.
    """

    sla_state: frozenset[SlaState] = attrs.field(default=frozenset(), converter=_convert.sla_states)
    """Any of these states of the most urgent running SLA clock (none running never matches)."""
    priority_at_least: Priority | None = attrs.field(
        default=None, converter=_convert.priority_at_least
    )
    severity_at_least: Severity | None = attrs.field(
        default=None, converter=_convert.severity_at_least
    )
    level_at_least: SupportLevel | None = attrs.field(
        default=None, converter=_convert.level_at_least
    )
    """The ticket is at this support level or above (N2: escalated at least once)."""
    vip: bool | None = None
    nps_detractor: bool | None = None
    repeat_contacts: int | None = attrs.field(default=None, validator=_positive("repeat_contacts"))
    """At least this many contacts within the last ``repeat_window_days`` days."""
    repeat_window_days: int = attrs.field(
        default=DEFAULT_WINDOW_DAYS, validator=_positive("repeat_window_days", MAX_WINDOW_DAYS)
    )
    """1 to MAX_WINDOW_DAYS; built in Python, the default 7 may stand without repeat_contacts."""
    intents: frozenset[str] = attrs.field(default=frozenset(), converter=_intents)
    keywords: tuple[str, ...] = attrs.field(
        default=(), converter=_keywords, validator=_check_keywords
    )
    """Words or phrases found in the text, ignoring case, accents and punctuation."""
    linked_active_outage: bool | None = None
    _folded_keywords: tuple[str, ...] = attrs.field(init=False, eq=False, repr=False)

    @_folded_keywords.default
    def _fold_keywords(self) -> tuple[str, ...]:
        return tuple(f" {fold(k)} " for k in self.keywords)

    def __attrs_post_init__(self) -> None:
        if self.repeat_contacts is None and self.repeat_window_days != DEFAULT_WINDOW_DAYS:
            raise ValidationError(
                "repeat_window_days needs repeat_contacts", field="repeat_window_days"
            )

    @property
    def is_empty(self) -> bool:
        """True when no condition is set (such a rule would match every ticket)."""
        return not (
            self.sla_state
            or self.intents
            or self.keywords
            or self.repeat_contacts is not None
            or any(
                value is not None
                for value in (
                    self.priority_at_least,
                    self.severity_at_least,
                    self.level_at_least,
                    self.vip,
                    self.nps_detractor,
                    self.linked_active_outage,
                )
            )
        )

    def holds(self, facts: EscalationFacts) -> bool:
        """Whether every set condition holds for *facts*."""
        ticket = facts.ticket
        return (
            (not self.sla_state or facts.sla_state in self.sla_state)
            and (
                self.priority_at_least is None
                or ticket.priority.rank >= self.priority_at_least.rank
            )
            and (
                self.severity_at_least is None
                or ticket.severity.rank >= self.severity_at_least.rank
            )
            and (self.level_at_least is None or ticket.level.rank >= self.level_at_least.rank)
            and (self.vip is None or facts.vip == self.vip)
            and (self.nps_detractor is None or facts.nps_detractor == self.nps_detractor)
            and (
                self.repeat_contacts is None
                or facts.contacts_within(self.repeat_window_days) >= self.repeat_contacts
            )
            and (not self.intents or not self.intents.isdisjoint(facts.intents))
            and (not self.keywords or self._mentions(facts.folded_text))
            and (
                self.linked_active_outage is None
                or facts.linked_active_outage == self.linked_active_outage
            )
        )

    def _mentions(self, folded_text: str) -> bool:
        padded = f" {folded_text} "
        return any(k in padded for k in self._folded_keywords)


def _check_policies(_instance: object, _attribute: object, value: tuple[str, ...]) -> None:
    for name in value:
        if not is_slug(name):
            raise ValidationError(f"policy name {name!r} is not a slug", field="notify")
    if len(set(value)) != len(value):
        raise ValidationError("a policy is named twice", field="notify")


def _check_level(_instance: object, _attribute: object, value: SupportLevel | None) -> None:
    if value is SupportLevel.N1:
        raise ValidationError(
            "escalate_to must be N2 or N3 (nothing is below N1)", field="escalate_to"
        )


def _check_priority(_instance: object, _attribute: object, value: Priority | None) -> None:
    if value is Priority.LOW:
        raise ValidationError("raise_priority to low never raises anything", field="raise_priority")


@attrs.frozen(kw_only=True)
class Actions:
    """What a matching rule asks for; at least one must be set."""

    escalate_to: SupportLevel | None = attrs.field(
        default=None, converter=_convert.level_or_none, validator=_check_level
    )
    """Escalate to this level when the ticket is below it."""
    raise_priority: Priority | None = attrs.field(
        default=None, converter=_convert.raise_priority, validator=_check_priority
    )
    """Raise the priority to this one when the ticket's is lower."""
    notify: tuple[str, ...] = attrs.field(default=(), converter=_notify, validator=_check_policies)
    """Notification policies to trigger, once per ticket and rule."""

    @property
    def is_empty(self) -> bool:
        """True when the rule would do nothing."""
        return self.escalate_to is None and self.raise_priority is None and not self.notify


@attrs.frozen(kw_only=True)
class Rule:
    """When every condition holds, ask for the actions; *reason* is recorded on escalation."""

    name: str
    when: Conditions
    then: Actions
    reason: str | None = None
    """The escalation reason written on the ticket; default ``rule "<name>"``."""

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, str) or not is_slug(self.name):
            raise ValidationError(f"rule name {self.name!r} is not a slug", field="name")
        if self.when.is_empty:
            raise ValidationError(f'rule "{self.name}" has no condition', field="when")
        if self.then.is_empty:
            raise ValidationError(f'rule "{self.name}" has no action', field="then")
        if self.reason is not None and not _convert.valid_text(self.reason, "reason").strip():
            raise ValidationError("reason must not be blank", field="reason")

    @property
    def escalation_reason(self) -> str:
        """The reason recorded when this rule escalates a ticket."""
        return self.reason if self.reason is not None else f'rule "{self.name}"'
