"""Every gate decision is about the contact it was given (or the one the customer's CEP made)."""

from __future__ import annotations

from lia_core.domain.conversations import Awaiting, GateMemory
from lia_core.domain.customers import CustomerAddress
from lia_core.domain.gate import GateOutcome
from lia_core.domain.matching import FailureIndex
from tests.unit.core.domain.test_gate_decisions import NOW, POLICY, _contact, _decide


def test_without_any_outage_the_decision_keeps_the_contact() -> None:
    """With no active failure the gate says NO_OUTAGE about the very contact it was given."""
    who = _contact(name="Maria")
    decision = _decide(who, GateMemory(), index=FailureIndex.build([], {}))
    assert decision.outcome is GateOutcome.NO_OUTAGE
    assert decision.contact == who


def test_inside_an_outage_each_decision_keeps_the_contact() -> None:
    """Reminded, silenced or escaped inside an outage: the decision is about the given contact."""
    who = _contact(name="Maria")
    reminded = _decide(who, GateMemory(outage_ids=("F1",)))
    silenced = _decide(who, GateMemory(outage_ids=("F1",), reminded_at=NOW))
    escaped = _decide(who, GateMemory(outage_ids=("F1",), reminded_at=NOW), text="atendente")
    assert (reminded.outcome, silenced.outcome, escaped.outcome) == (
        GateOutcome.REMINDED,
        GateOutcome.SILENCED,
        GateOutcome.ESCAPED,
    )
    assert reminded.contact == silenced.contact == escaped.contact == who


def test_an_address_outside_every_outage_keeps_the_contact() -> None:
    """NOT_COVERED is about the contact whose address was checked."""
    who = _contact(CustomerAddress(city="Petrópolis"))
    decision = _decide(who, GateMemory())
    assert decision.outcome is GateOutcome.NOT_COVERED
    assert decision.contact == who


def test_a_typed_cep_becomes_the_contacts_address_checked_now() -> None:
    """A CEP typed when asked is the contact's one address, from the customer, checked now."""
    who = _contact()
    decision = _decide(who, GateMemory(awaiting=Awaiting.CEP), text="meu cep é 25950-000")
    assert decision.outcome is GateOutcome.NOT_COVERED
    typed = decision.contact
    assert typed.addresses == (CustomerAddress(cep="25950000"),)
    assert (typed.address_source, typed.address_checked_at) == ("customer", NOW)
    assert typed.has_fresh_address(NOW, POLICY.address_ttl)
