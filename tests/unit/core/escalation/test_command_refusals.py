"""Refusals of escalation commands and facts: the action, ticket and field they name."""

from __future__ import annotations

import attrs
import pytest

from lia_core.errors import InvalidTransition, ValidationError
from lia_core.escalation import (
    NothingToChange,
    Priority,
    Severity,
    SupportLevel,
    TicketStatus,
    deescalate,
    escalate,
    reassign,
    set_priority,
)
from lia_core.escalation.facts import EscalationFacts

from .tickets import NOW, open_ticket

TICKET = open_ticket()


def test_setting_the_same_priority_is_refused_naming_the_action_and_ticket() -> None:
    """Setting a ticket's own priority again changes nothing and says so."""
    with pytest.raises(NothingToChange) as refused:
        set_priority(TICKET, Priority.MEDIUM, by="ana", at=NOW)
    assert (refused.value.ticket_id, refused.value.action) == ("t-1", "set priority of")
    assert str(refused.value) == "cannot set priority of ticket t-1: nothing would change"


def test_setting_the_priority_of_a_closed_ticket_is_refused_naming_the_action() -> None:
    """A closed ticket's priority cannot be set: the refusal names the action and status."""
    closed = attrs.evolve(TICKET, status=TicketStatus.CLOSED)
    with pytest.raises(InvalidTransition) as refused:
        set_priority(closed, Priority.HIGH, by="ana", at=NOW)
    assert refused.value.action == "set priority of"
    assert str(refused.value) == "cannot set priority of ticket t-1: it is closed"


def test_facts_at_a_naive_now_are_refused_naming_now() -> None:
    """Facts read at an instant without a timezone are refused on 'now'."""
    with pytest.raises(ValidationError) as refused:
        EscalationFacts(ticket=TICKET, now=NOW.replace(tzinfo=None))
    assert refused.value.field == "now"
    assert str(refused.value) == "now must be timezone-aware"


def test_facts_with_a_naive_contact_are_refused_naming_contacts() -> None:
    """A customer contact time without a timezone is refused on 'contacts'."""
    with pytest.raises(ValidationError) as refused:
        EscalationFacts(ticket=TICKET, now=NOW, contacts=(NOW.replace(tzinfo=None),))
    assert refused.value.field == "contacts"
    assert str(refused.value) == "contacts must be timezone-aware"


def test_moving_the_wrong_way_is_refused_naming_the_action_and_side() -> None:
    """Escalating to a lower level or de-escalating to a higher one names the action and side."""
    at_n2 = escalate(TICKET, to=SupportLevel.N2, reason="r", by="ana", at=NOW).ticket
    with pytest.raises(InvalidTransition) as up:
        escalate(at_n2, to=SupportLevel.N1, reason="r", by="ana", at=NOW)
    assert str(up.value) == "cannot escalate ticket t-1: it is at N2, not below N1"
    with pytest.raises(InvalidTransition) as down:
        deescalate(at_n2, to=SupportLevel.N3, reason="r", by="ana", at=NOW)
    assert str(down.value) == "cannot de-escalate ticket t-1: it is at N2, not above N3"
    assert down.value.action == "de-escalate"


def test_a_blank_optional_reason_is_refused_naming_reason() -> None:
    """set_priority and reassign refuse a blank reason (None is fine) on the field 'reason'."""
    with pytest.raises(ValidationError) as priority:
        set_priority(TICKET, Priority.HIGH, by="ana", at=NOW, reason=" ")
    assert (str(priority.value), priority.value.field) == ("reason must not be blank", "reason")
    with pytest.raises(ValidationError) as staffing:
        reassign(TICKET, by="ana", at=NOW, severity=Severity.LOW, reason="")
    assert (str(staffing.value), staffing.value.field) == ("reason must not be blank", "reason")
