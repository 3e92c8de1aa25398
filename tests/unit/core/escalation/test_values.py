"""Values given from Python: enum values by name are converted, anything else is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from lia_core.errors import ValidationError
from lia_core.escalation import (
    Actions,
    Conditions,
    EscalationFacts,
    Priority,
    RuleBook,
    Severity,
    SlaState,
    SupportLevel,
    Ticket,
    TicketStatus,
    deescalate,
    escalate,
    evaluate,
    reassign,
    set_priority,
)


def loose(value: object) -> Any:
    """*value* typed as Any, to pass what the signatures do not allow."""
    return value


NOW = datetime(2026, 5, 4, 14, 0, tzinfo=UTC)
TICKET = Ticket.open(
    id="T1", department="suporte", priority=Priority.LOW, severity=Severity.LOW, at=NOW
)
BOOK = RuleBook.from_dict(
    {
        "rule": [
            {
                "name": "cancel",
                "when": {"intents": "cancellation", "priority_at_least": "high"},
                "then": {"escalate_to": "N2"},
            }
        ]
    }
)


def test_a_ticket_converts_enum_values_given_as_strings() -> None:
    """Ticket.open(priority="high") holds Priority.HIGH and evaluates like one."""
    ticket = Ticket.open(id="T2", department="q", priority="high", severity="low", at=NOW)  # type: ignore[arg-type]
    assert ticket.priority is Priority.HIGH
    assert ticket.severity is Severity.LOW
    facts = EscalationFacts(ticket=ticket, now=NOW, intents={"cancellation"})
    assert evaluate(BOOK, facts).matched == ("cancel",)


@pytest.mark.parametrize(
    ("field", "value"),
    [("priority", "HIGH"), ("priority", 3), ("severity", "urgent"), ("level", "N4")],
)
def test_a_ticket_refuses_unknown_enum_values(field: str, value: object) -> None:
    """A value that is no member of the enum is a ValidationError naming the field."""
    args: dict[str, object] = {"priority": "low", "severity": "low", field: value}
    with pytest.raises(ValidationError, match="must be one of") as caught:
        Ticket.open(id="T2", department="q", at=NOW, **loose(args))
    assert caught.value.field == field


def test_a_ticket_refuses_an_unknown_status() -> None:
    """The status converts from its value and refuses anything else."""
    fields: dict[str, Any] = {"id": "T", "department": "q", "priority": "low", "severity": "low"}
    assert Ticket(**fields, opened_at=NOW, status="resolved").status is TicketStatus.RESOLVED
    with pytest.raises(ValidationError) as caught:
        Ticket(**fields, opened_at=NOW, status="done")
    assert caught.value.field == "status"


def test_commands_convert_or_refuse_enum_values() -> None:
    """escalate(to="N3") works; to="N4", a bad level, severity or priority raise ValidationError."""
    up = escalate(TICKET, to=loose("N3"), reason="r", by="a", at=NOW)
    assert up.ticket.level is SupportLevel.N3
    down = deescalate(up.ticket, to=loose("N1"), reason="r", by="a", at=NOW)
    assert down.ticket.level is SupportLevel.N1
    assert set_priority(TICKET, loose("urgent"), by="a", at=NOW).ticket.priority is Priority.URGENT
    assert reassign(TICKET, severity=loose("high"), by="a", at=NOW).ticket.severity is Severity.HIGH
    refused: list[tuple[str, Callable[[], object]]] = [
        ("to", lambda: escalate(TICKET, to=loose("N4"), reason="r", by="a", at=NOW)),
        ("to", lambda: deescalate(up.ticket, to=loose(1), reason="r", by="a", at=NOW)),
        ("priority", lambda: set_priority(TICKET, loose("hi"), by="a", at=NOW)),
        ("severity", lambda: reassign(TICKET, severity=loose("bad"), by="a", at=NOW)),
        ("level", lambda: reassign(TICKET, level=loose("N9"), reason="r", by="a", at=NOW)),
    ]
    for field, command in refused:
        with pytest.raises(ValidationError) as caught:
            command()
        assert caught.value.field == field


@pytest.mark.parametrize("field", ["intents", "contacts", "notified"])
def test_facts_refuse_a_bare_str_where_a_collection_is_expected(field: str) -> None:
    """EscalationFacts(intents="cancellation") is refused instead of silently matching nothing."""
    with pytest.raises(ValidationError) as caught:
        EscalationFacts(ticket=TICKET, now=NOW, **{field: loose("cancellation")})
    assert caught.value.field == field


def test_facts_convert_the_sla_state_and_refuse_non_str_intents() -> None:
    """sla_state="breached" is SlaState.BREACHED; an intent that is not a str is refused."""
    facts = EscalationFacts(ticket=TICKET, now=NOW, sla_state="breached", intents=["support"])
    assert facts.sla_state is SlaState.BREACHED
    assert facts.intents == frozenset({"support"})
    with pytest.raises(ValidationError):
        EscalationFacts(ticket=TICKET, now=NOW, sla_state="late")
    with pytest.raises(ValidationError):
        EscalationFacts(ticket=TICKET, now=NOW, intents=[1])
    with pytest.raises(ValidationError):
        EscalationFacts(ticket=TICKET, now=NOW, contacts=[NOW, "2026-05-04"])


def test_conditions_and_actions_convert_or_refuse_values() -> None:
    """Rules built in Python convert enum values and refuse bare strings for collections."""
    when = Conditions(priority_at_least="high", sla_state=["breached"], keywords=["procon"])
    assert when.priority_at_least is Priority.HIGH
    assert when.sla_state == frozenset({SlaState.BREACHED})
    assert Actions(escalate_to="N2").escalate_to is SupportLevel.N2
    builds: list[Callable[[], object]] = [
        lambda: Conditions(keywords="procon"),
        lambda: Conditions(intents="cancellation"),
        lambda: Conditions(sla_state="breached"),
        lambda: Conditions(repeat_contacts=1, repeat_window_days=loose(2.5)),
        lambda: Actions(notify="sla-alert"),
        lambda: Actions(escalate_to="N4"),
    ]
    for build in builds:
        with pytest.raises(ValidationError):
            build()
    with pytest.raises(ValidationError) as caught:
        Conditions(priority_at_least="top")
    assert caught.value.field == "priority_at_least"
    with pytest.raises(ValidationError) as caught:
        Actions(raise_priority="top")
    assert caught.value.field == "raise_priority"


def test_a_text_field_that_is_no_str_is_refused_with_its_field() -> None:
    """A queue, actor or reason that is not a string raises ValidationError, not AttributeError."""
    with pytest.raises(ValidationError) as caught:
        Ticket.open(
            id="T", department=loose(3), priority=Priority.LOW, severity=Severity.LOW, at=NOW
        )
    assert caught.value.field == "department"
    with pytest.raises(ValidationError) as caught:
        escalate(TICKET, reason=loose(None), by="a", at=NOW)
    assert caught.value.field == "reason"


@pytest.mark.parametrize(
    ("kwargs", "refusal"),
    [
        ({"repeat_contacts": 0}, ("repeat_contacts", "repeat_contacts must be at least 1")),
        ({"repeat_contacts": True}, ("repeat_contacts", "repeat_contacts must be a whole number")),
        (
            {"repeat_contacts": 2, "repeat_window_days": 3651},
            ("repeat_window_days", "repeat_window_days must be at most 3650"),
        ),
    ],
)
def test_repeat_counts_are_refused_with_their_bounds(
    kwargs: dict[str, Any], refusal: tuple[str, str]
) -> None:
    """Repeat contacts and the window are whole numbers from 1 (the window at most 3650 days)."""
    with pytest.raises(ValidationError) as refused:
        Conditions(**kwargs)
    assert (refused.value.field, str(refused.value)) == refusal
    assert Conditions(repeat_contacts=1, repeat_window_days=3650).repeat_window_days == 3650
