"""Ticket refusals name the field at fault; `Ticket.open` and `Ticket.record` keep what they are given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from lia_core.domain.tickets import (
    EventKind,
    Priority,
    Severity,
    SupportLevel,
    Ticket,
    TicketStatus,
)
from lia_core.errors import InvalidTransition, ValidationError

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
NAIVE = datetime(2026, 5, 4, 9, 0)


def _ticket(**changes: Any) -> Ticket:
    fields: dict[str, Any] = {
        "id": "T-1",
        "department": "suporte",
        "priority": Priority.MEDIUM,
        "severity": Severity.LOW,
        "opened_at": T0,
    }
    fields.update(changes)
    return Ticket(**fields)


@pytest.mark.parametrize(
    ("field", "names"),
    [
        ("priority", "low, medium, high, urgent"),
        ("severity", "low, medium, high, critical"),
        ("level", "N1, N2, N3"),
        ("status", "open, waiting_customer, resolved, closed"),
    ],
)
def test_an_unknown_enum_value_is_refused_naming_its_field(field: str, names: str) -> None:
    """An enum field given a value outside its members is refused, naming the field and the members."""
    with pytest.raises(ValidationError) as caught:
        _ticket(**{field: "bogus"})
    assert caught.value.field == field
    assert str(caught.value) == f"{field} must be one of {names} (got 'bogus')"


@pytest.mark.parametrize("field", ["id", "department", "assignee"])
def test_a_blank_name_is_refused_naming_its_field(field: str) -> None:
    """A blank id, department or assignee is refused with the field's own name."""
    with pytest.raises(ValidationError) as caught:
        _ticket(**{field: "  "})
    assert caught.value.field == field
    assert str(caught.value) == f"{field} must not be blank"


def test_an_assignee_is_kept_as_given() -> None:
    """A ticket with a named assignee is valid and keeps that assignee."""
    assert _ticket(assignee="ana").assignee == "ana"


def test_a_naive_opening_time_is_refused_naming_opened_at() -> None:
    """opened_at without a timezone is refused, naming opened_at."""
    with pytest.raises(ValidationError) as caught:
        _ticket(opened_at=NAIVE)
    assert caught.value.field == "opened_at"
    assert str(caught.value) == "opened_at must be timezone-aware"


def test_a_naive_escalation_time_is_refused_naming_escalated_at() -> None:
    """escalated_at without a timezone is refused, naming escalated_at."""
    with pytest.raises(ValidationError) as caught:
        _ticket(level=SupportLevel.N2, escalation_reason="hard", escalated_at=NAIVE)
    assert caught.value.field == "escalated_at"
    assert str(caught.value) == "escalated_at must be timezone-aware"


@pytest.mark.parametrize(
    "changes",
    [{"escalation_reason": "hard"}, {"escalated_at": T0}],
)
def test_escalation_reason_and_time_come_together(changes: dict[str, Any]) -> None:
    """An escalation reason without its time (or the reverse) is refused, naming escalation_reason."""
    with pytest.raises(ValidationError) as caught:
        _ticket(level=SupportLevel.N2, **changes)
    assert caught.value.field == "escalation_reason"
    assert str(caught.value) == "escalation_reason and escalated_at are set together"


def test_a_blank_escalation_reason_is_refused_naming_it() -> None:
    """A blank escalation reason (with its time, above N1) is refused, naming escalation_reason."""
    with pytest.raises(ValidationError) as caught:
        _ticket(level=SupportLevel.N2, escalation_reason=" ", escalated_at=T0)
    assert caught.value.field == "escalation_reason"
    assert str(caught.value) == "escalation_reason must not be blank"


def test_open_defaults_to_no_subject_and_no_vip() -> None:
    """A ticket opened without subject or vip has an empty subject and is not VIP."""
    ticket = Ticket.open(
        id="T-1", department="suporte", priority=Priority.LOW, severity=Severity.LOW, at=T0
    )
    assert ticket.subject == ""
    assert ticket.vip is False


def test_open_keeps_every_given_field_and_the_author_of_created() -> None:
    """Ticket.open keeps vip, failure, SLA policy, and who opened it and why on created."""
    ticket = Ticket.open(
        id="T-1",
        department="suporte",
        priority=Priority.HIGH,
        severity=Severity.CRITICAL,
        at=T0,
        subject="sem internet",
        vip=True,
        failure_id="F-9",
        sla_policy="gold",
        by="ana",
        reason="handoff",
    )
    assert (ticket.vip, ticket.failure_id, ticket.sla_policy) == (True, "F-9", "gold")
    (created,) = ticket.timeline.events
    assert (created.kind, created.by, created.reason) == (EventKind.CREATED, "ana", "handoff")


def test_a_refused_event_names_the_ticket() -> None:
    """An event not allowed in the status raises InvalidTransition naming the ticket and its id."""
    resolved = _ticket().record(EventKind.RESOLVED, at=T0)
    with pytest.raises(InvalidTransition) as caught:
        resolved.record(EventKind.BOT_REPLY, at=T0 + timedelta(minutes=1))
    error = caught.value
    assert (error.entity, error.entity_id, error.action, error.status) == (
        "ticket",
        "T-1",
        "bot_reply",
        TicketStatus.RESOLVED.value,
    )
    assert str(error) == "cannot bot_reply ticket T-1: it is resolved"


def test_record_keeps_the_event_data_and_defaults_it_to_empty() -> None:
    """Recorded data is kept as given (a copy); an event recorded without data has an empty mapping."""
    data = {"from": "N1", "to": "N2"}
    ticket = _ticket().record(EventKind.ESCALATED, at=T0, data=data)
    ticket = ticket.record(EventKind.BOT_REPLY, at=T0 + timedelta(minutes=1))
    escalated, reply = ticket.timeline.events
    assert escalated.data == {"from": "N1", "to": "N2"}
    assert escalated.data is not data
    assert reply.data == {}
