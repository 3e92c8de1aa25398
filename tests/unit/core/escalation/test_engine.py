"""The rules engine: deterministic, idempotent, and equal to a naive rule-by-rule oracle."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.errors import ValidationError
from lia_core.escalation import (
    EscalateTo,
    EscalationFacts,
    NotificationKey,
    Notify,
    Priority,
    PriorityChanged,
    RaisePriority,
    RuleBook,
    Severity,
    SlaState,
    SupportLevel,
    Ticket,
    TicketEscalated,
    TicketStatus,
    apply_evaluation,
    evaluate,
)
from lia_core.testing.escalation import escalation_facts, rule_data

from .oracle import PROPERTIES, naive_evaluate
from .tickets import NOW, open_ticket

TICKET = open_ticket(hours_ago=3)
BOOK = RuleBook.from_dict(
    {
        "rule": [
            {
                "name": "procon",
                "when": {"keywords": ["procon", "anatel", "reclame aqui"]},
                "then": {"escalate_to": "N3", "notify": ["ticket-escalation"]},
            },
            {
                "name": "sla-breached",
                "when": {"sla_state": "breached"},
                "then": {"escalate_to": "N2", "raise_priority": "high", "notify": "sla-alert"},
            },
            {
                "name": "urgent-critical",
                "when": {"priority_at_least": "urgent", "severity_at_least": "critical"},
                "then": {"escalate_to": "N3"},
            },
            {
                "name": "vip-repeat",
                "reason": "VIP voltou a ligar",
                "when": {"vip": True, "repeat_contacts": 2, "repeat_window_days": 3},
                "then": {"raise_priority": "urgent"},
            },
        ]
    }
)


def facts(
    *,
    ticket: Ticket = TICKET,
    text: str = "",
    sla_state: SlaState | None = None,
    vip: bool = False,
    contacts: tuple[datetime, ...] = (),
    notified: frozenset[NotificationKey] = frozenset(),
) -> EscalationFacts:
    """Facts about *ticket* (default TICKET) at NOW; every other fact "no" unless given."""
    return EscalationFacts(
        ticket=ticket,
        now=NOW,
        text=text,
        sla_state=sla_state,
        vip=vip,
        contacts=contacts,
        notified=notified,
    )


@pytest.mark.parametrize(
    "text",
    [
        "Vou no PROCON amanhã",
        "procón!!",
        "Reclame-Aqui",
        "vou reclamar na Anatél.",
        "RECLAME  AQUI",
    ],
)
def test_keywords_match_ignoring_case_accents_and_punctuation(text: str) -> None:
    """A keyword in any case, with accents or punctuation, triggers its rule."""
    result = evaluate(BOOK, facts(text=text))
    assert result.escalation == EscalateTo(
        level=SupportLevel.N3, rule="procon", reason='rule "procon"'
    )


@pytest.mark.parametrize("text", ["", "procondutor", "reclame daqui", "anatelx", "aqui reclame"])
def test_keywords_match_whole_words_only(text: str) -> None:
    """A keyword inside another word, or words out of order, does not match."""
    assert evaluate(BOOK, facts(text=text)).is_empty


def test_highest_level_wins_and_is_attributed_to_its_rule() -> None:
    """With N3 and N2 asked for, N3 wins; the breach still raises priority and alerts."""
    result = evaluate(BOOK, facts(text="procon", sla_state=SlaState.BREACHED))
    assert result.matched == ("procon", "sla-breached")
    assert result.escalation == EscalateTo(
        level=SupportLevel.N3, rule="procon", reason='rule "procon"'
    )
    assert result.priority == RaisePriority(priority=Priority.HIGH, rule="sla-breached")
    assert [n.policy for n in result.notifications] == ["ticket-escalation", "sla-alert"]


def test_a_raised_priority_is_seen_by_priority_conditions() -> None:
    """A VIP's raise to urgent makes the urgent-critical rule hold in the same evaluation."""
    critical = attrs.evolve(TICKET, severity=Severity.CRITICAL)
    contacts = (NOW - timedelta(days=1), NOW - timedelta(days=2, hours=23))
    result = evaluate(BOOK, facts(ticket=critical, vip=True, contacts=contacts))
    assert result.matched == ("urgent-critical", "vip-repeat")
    assert result.priority == RaisePriority(priority=Priority.URGENT, rule="vip-repeat")
    assert result.escalation is not None
    assert result.escalation.level is SupportLevel.N3


def test_repeat_contacts_count_only_the_window() -> None:
    """Contacts older than the window, or in the future, are not counted."""
    old = (NOW - timedelta(days=3, minutes=1), NOW + timedelta(minutes=1), NOW)
    assert evaluate(BOOK, facts(vip=True, contacts=old)).is_empty
    edge = (NOW - timedelta(days=3), NOW)
    assert not evaluate(BOOK, facts(vip=True, contacts=edge)).is_empty


def test_resolved_and_closed_tickets_trigger_nothing() -> None:
    """No rule acts on a ticket that is resolved or closed."""
    for status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        done = attrs.evolve(TICKET, status=status)
        assert evaluate(BOOK, facts(ticket=done, text="procon")).is_empty


def test_apply_escalates_raises_and_records_notifications() -> None:
    """Applying an evaluation changes the ticket, returns events, and a second pass adds nothing."""
    start = facts(text="procon", sla_state=SlaState.BREACHED)
    applied = apply_evaluation(start, evaluate(BOOK, start), by="rules", at=NOW)
    assert applied.ticket.level is SupportLevel.N3
    assert applied.ticket.priority is Priority.HIGH
    assert applied.ticket.escalation_reason == 'rule "procon"'
    assert [type(e).__name__ for e in applied.events] == ["TicketEscalated", "PriorityChanged"]
    assert applied.notifications == (
        Notify(ticket_id="t-1", policy="ticket-escalation", rule="procon"),
        Notify(ticket_id="t-1", policy="sla-alert", rule="sla-breached"),
    )
    assert evaluate(BOOK, applied.facts).is_empty


def test_a_raised_priority_names_its_rule_in_the_event() -> None:
    """The priority change records 'rule "<name>"' as its reason, after the escalation's event."""
    start = facts(text="procon", sla_state=SlaState.BREACHED)
    applied = apply_evaluation(start, evaluate(BOOK, start), by="rules", at=NOW)
    escalated, raised = applied.events
    assert isinstance(escalated, TicketEscalated)
    assert raised == PriorityChanged(
        ticket_id="t-1",
        from_priority=Priority.MEDIUM,
        to_priority=Priority.HIGH,
        reason='rule "sla-breached"',
        by="rules",
        at=NOW,
    )


def test_an_evaluation_of_another_ticket_is_refused() -> None:
    """Applying an evaluation to facts about another ticket names the evaluation."""
    other = facts(ticket=attrs.evolve(TICKET, id="t-2"))
    with pytest.raises(ValidationError) as caught:
        apply_evaluation(other, evaluate(BOOK, facts(text="procon")), by="rules", at=NOW)
    assert (caught.value.field, str(caught.value)) == (
        "evaluation",
        "the evaluation is for another ticket",
    )


def test_notifications_already_sent_are_not_repeated() -> None:
    """A notification recorded in the facts is left out; the others remain."""
    first = evaluate(BOOK, facts(text="procon", sla_state=SlaState.BREACHED))
    sent = frozenset({first.notifications[0].key})
    again = evaluate(BOOK, facts(text="procon", sla_state=SlaState.BREACHED, notified=sent))
    assert again.notifications == first.notifications[1:]


@PROPERTIES
@given(rule_data(), escalation_facts())
def test_evaluate_equals_the_naive_oracle(
    data: dict[str, object], subject: EscalationFacts
) -> None:
    """Matches, escalation and priority raise (with the rule they are attributed to) and notifications equal the oracle."""
    result = evaluate(RuleBook.from_dict(data), subject)
    expected = naive_evaluate(data, subject)
    assert list(result.matched) == expected.matched
    assert (result.escalation.level.value if result.escalation else None) == expected.level
    assert (result.escalation.rule if result.escalation else None) == expected.level_rule
    assert (result.priority.priority.value if result.priority else None) == expected.priority
    assert (result.priority.rule if result.priority else None) == expected.priority_rule
    assert [n.key for n in result.notifications] == expected.notifications
    assert all(isinstance(action, EscalateTo | RaisePriority | Notify) for action in result.actions)


@PROPERTIES
@given(rule_data(), escalation_facts(), st.sampled_from(["rules", "bot"]))
def test_apply_then_evaluate_adds_nothing(
    data: dict[str, object], subject: EscalationFacts, by: str
) -> None:
    """Evaluating the facts an evaluation produced yields no action; the same facts give the same answer."""
    book = RuleBook.from_dict(data)
    result = evaluate(book, subject)
    assert evaluate(book, subject) == result
    applied = apply_evaluation(subject, result, by=by, at=subject.now)
    assert evaluate(book, applied.facts).actions == ()
    assert apply_evaluation(applied.facts, result, by=by, at=subject.now).events == ()
