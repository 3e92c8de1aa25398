"""`explain_rules`: each condition judged alone agrees with the engine on the whole rule, and the
actions reported are exactly what `evaluate` would do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given

from lia_core.desk.explain import explain_rules
from lia_core.desk.policy import builtin_desk_policy
from lia_core.domain.tickets import Priority, Severity, SupportLevel, Ticket
from lia_core.escalation.book import RuleBook
from lia_core.escalation.engine import evaluate
from lia_core.escalation.facts import EscalationFacts
from lia_core.testing.escalation import escalation_facts, rule_books

RULES = """
[[rule]]
name = "regulator"
reason = "customer mentions a regulator"
[rule.when]
keywords = ["procon", "anatel"]
priority_at_least = "high"
[rule.then]
escalate_to = "N3"

[[rule]]
name = "repeat"
[rule.when]
repeat_contacts = 2
repeat_window_days = 7
[rule.then]
escalate_to = "N2"
"""


@given(rule_books(min_rules=1), escalation_facts())
def test_a_rule_matches_exactly_when_each_of_its_conditions_holds(
    book: RuleBook, facts: EscalationFacts
) -> None:
    """Every rule's verdict is the conjunction of its conditions' checks and the engine's own."""
    explained = explain_rules(book, facts)
    assert [check.rule for check in explained.rules] == [rule.name for rule in book.rules]
    for rule, check in zip(book.rules, explained.rules, strict=True):
        assert check.matched == rule.when.holds(facts)
        assert check.matched == all(c.holds for c in check.conditions)
    assert explained.evaluation == evaluate(book, facts)


def test_an_explanation_says_what_each_condition_saw() -> None:
    """Each condition names what was asked and what the ticket has."""
    now = datetime(2026, 5, 20, 12, tzinfo=UTC)
    ticket = Ticket.open(
        id="t-1", at=now - timedelta(days=1), priority=Priority.URGENT, severity=Severity.MEDIUM,
        department="support", subject="sem internet",
    )  # fmt: skip
    facts = EscalationFacts(ticket=ticket, now=now, text="Vou reclamar na ANATEL!", contacts=(now,))
    explained = explain_rules(RuleBook.from_toml(RULES), facts)
    regulator, repeat = explained.rules
    assert regulator.matched
    assert [(c.condition, c.expected, c.actual, c.holds) for c in regulator.conditions] == [
        ("priority_at_least", "high", "urgent", True),
        ("keywords", "procon, anatel", "found: anatel", True),
    ]
    assert not repeat.matched
    assert [(c.actual, c.holds) for c in repeat.conditions] == [("1 in 7 days", False)]
    assert explained.evaluation.escalation is not None
    assert explained.evaluation.escalation.level is SupportLevel.N3


def test_the_builtin_rules_explain_a_fresh_ticket() -> None:
    """A new medium ticket matches neither built-in rule, and nothing would be done."""
    now = datetime(2026, 5, 20, 12, tzinfo=UTC)
    ticket = Ticket.open(
        id="t-2", at=now, priority=Priority.MEDIUM, severity=Severity.LOW, department="support"
    )
    explained = explain_rules(builtin_desk_policy().rules, EscalationFacts(ticket=ticket, now=now))
    assert [(r.rule, r.matched) for r in explained.rules] == [
        ("notify-escalation", False),
        ("notify-high-priority", False),
    ]
    assert explained.evaluation.is_empty
