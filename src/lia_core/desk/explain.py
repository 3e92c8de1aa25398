"""Why the desk policy's rules match a ticket or not: each condition checked on its own, and what
the rules would do, changing nothing (`lia rules explain`)."""

from __future__ import annotations

import attrs

from lia_core.domain.text import fold
from lia_core.escalation.book import RuleBook
from lia_core.escalation.engine import Evaluation, evaluate
from lia_core.escalation.facts import EscalationFacts
from lia_core.escalation.rules import Conditions, Rule

__all__ = ["ConditionCheck", "Explanation", "RuleCheck", "explain_rules"]


@attrs.frozen(kw_only=True)
class ConditionCheck:
    """One condition of a rule: what it asks, what the ticket has, and whether it holds."""

    condition: str
    """The condition's key in the file (`priority_at_least`, `keywords`, …)."""
    expected: str
    """What the rule asks, as written (`high`, `procon, anatel`)."""
    actual: str
    """What the ticket has (`urgent`, `none found`)."""
    holds: bool


@attrs.frozen(kw_only=True)
class RuleCheck:
    """One rule: whether every condition holds, and each condition's check."""

    rule: str
    reason: str | None
    matched: bool
    conditions: tuple[ConditionCheck, ...]


@attrs.frozen(kw_only=True)
class Explanation:
    """Every rule checked in book order, and the actions the matching ones would still take."""

    rules: tuple[RuleCheck, ...]
    evaluation: Evaluation
    """What `evaluate` returns for these facts: escalation, priority raise, notifications."""


def _words(items: object) -> str:
    if isinstance(items, frozenset | set):
        items = sorted(str(getattr(i, "value", i)) for i in items)
    if isinstance(items, tuple | list):
        return ", ".join(str(getattr(i, "value", i)) for i in items) or "none"
    return str(getattr(items, "value", items))


def _yes(value: bool) -> str:
    return "true" if value else "false"


_NOTHING = Conditions()


def _only(when: Conditions, *keys: str) -> Conditions:
    """*when* reduced to *keys*: the engine's own test of those conditions alone."""
    return attrs.evolve(_NOTHING, **{key: getattr(when, key) for key in keys})


def _checks(when: Conditions, facts: EscalationFacts) -> list[ConditionCheck]:
    """Each condition *when* sets, with what the ticket has."""
    ticket = facts.ticket
    checks: list[ConditionCheck] = []

    def add(expected: str, actual: str, *keys: str) -> None:
        holds = _only(when, *keys).holds(facts)
        checks.append(
            ConditionCheck(condition=keys[0], expected=expected, actual=actual, holds=holds)
        )

    if when.sla_state:
        state = facts.sla_state.value if facts.sla_state is not None else "no clock running"
        add(_words(when.sla_state), state, "sla_state")
    for key, actual in (
        ("priority_at_least", ticket.priority.value),
        ("severity_at_least", ticket.severity.value),
        ("level_at_least", ticket.level.value),
    ):
        wanted = getattr(when, key)
        if wanted is not None:
            add(wanted.value, actual, key)
    for key, fact in (
        ("vip", facts.vip),
        ("nps_detractor", facts.nps_detractor),
        ("linked_active_outage", facts.linked_active_outage),
    ):
        wanted = getattr(when, key)
        if wanted is not None:
            add(_yes(wanted), _yes(fact), key)
    if when.repeat_contacts is not None:
        days = when.repeat_window_days
        expected = f"at least {when.repeat_contacts} in {days} days"
        add(expected, f"{facts.contacts_within(days)} in {days} days", "repeat_contacts",
            "repeat_window_days")  # fmt: skip
    if when.intents:
        add(_words(when.intents), _words(facts.intents), "intents")
    if when.keywords:
        padded = f" {facts.folded_text} "
        found = [k for k in when.keywords if f" {fold(k)} " in padded]
        add(_words(when.keywords), f"found: {_words(found)}" if found else "none found", "keywords")
    return checks


def _rule(rule: Rule, facts: EscalationFacts) -> RuleCheck:
    return RuleCheck(
        rule=rule.name,
        reason=rule.reason,
        matched=rule.when.holds(facts),
        conditions=tuple(_checks(rule.when, facts)),
    )


def explain_rules(book: RuleBook, facts: EscalationFacts) -> Explanation:
    """Which rules of *book* match *facts* and why, and what they would do; changes nothing."""
    return Explanation(
        rules=tuple(_rule(rule, facts) for rule in book.rules),
        evaluation=evaluate(book, facts),
    )
