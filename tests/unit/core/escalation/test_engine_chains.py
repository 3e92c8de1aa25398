"""Rules that hold only once other rules have raised the priority or escalated the ticket."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lia_core.escalation import (
    EscalationFacts,
    Priority,
    RuleBook,
    Severity,
    Ticket,
    evaluate,
)

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
TICKET = Ticket.open(
    id="t-1",
    department="suporte",
    priority=Priority.LOW,
    severity=Severity.LOW,
    at=NOW - timedelta(hours=1),
)


def test_the_highest_raise_by_rank_lets_a_priority_rule_hold() -> None:
    """Raises to high and medium leave the ticket high, so a priority_at_least high rule holds."""
    book = RuleBook.from_dict(
        {
            "rule": [
                {"name": "to-high", "when": {"vip": True}, "then": {"raise_priority": "high"}},
                {"name": "to-medium", "when": {"vip": True}, "then": {"raise_priority": "medium"}},
                {
                    "name": "high-escalates",
                    "when": {"priority_at_least": "high"},
                    "then": {"escalate_to": "N2"},
                },
            ]
        }
    )
    result = evaluate(book, EscalationFacts(ticket=TICKET, now=NOW, vip=True))
    assert result.matched == ("to-high", "to-medium", "high-escalates")


def test_an_escalation_by_a_rule_lets_a_level_rule_hold() -> None:
    """A rule escalating to N2 makes a level_at_least N2 rule hold in the same evaluation."""
    book = RuleBook.from_dict(
        {
            "rule": [
                {"name": "vip-n2", "when": {"vip": True}, "then": {"escalate_to": "N2"}},
                {
                    "name": "n2-urgent",
                    "when": {"level_at_least": "N2"},
                    "then": {"raise_priority": "urgent"},
                },
            ]
        }
    )
    result = evaluate(book, EscalationFacts(ticket=TICKET, now=NOW, vip=True))
    assert result.matched == ("vip-n2", "n2-urgent")
