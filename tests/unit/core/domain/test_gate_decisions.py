"""Exact gate decisions: who the decision is about, what memory it keeps, and what a reminder says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from lia_core.domain.conversations import Awaiting, Contact, GateMemory
from lia_core.domain.customers import Customer, CustomerAddress
from lia_core.domain.delivery import Channel
from lia_core.domain.failures import MassiveFailure, Severity
from lia_core.domain.gate import (
    GateDecision,
    GateOutcome,
    GatePolicy,
    GateTexts,
    Lookup,
    LookupStatus,
    decide_gate,
)
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.matching import FailureIndex
from lia_core.domain.recipients import Phone
from lia_core.domain.regions import AffectedRegions, Area, CityArea

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
POLICY = GatePolicy()
SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def _message(text: str = "oi") -> InboundMessage:
    return InboundMessage(
        channel=Channel.WHATSAPP,
        provider_message_id=f"wamid.{text}",
        sender=Phone("5531987654321"),
        reply_to="553187654321",
        sent_at=NOW,
        text=text,
        display_name="Maria Souza",
    )


def _contact(*addresses: CustomerAddress, name: str = "", document: str | None = None) -> Contact:
    return Contact(
        phone=Phone("5531987654321"),
        name=name,
        document=document,
        addresses=addresses,
        address_checked_at=NOW if addresses else None,
        created_at=NOW,
        updated_at=NOW,
    )


def _failure(eta: datetime | None = None) -> MassiveFailure:
    return MassiveFailure.declare(
        failure_id="F1",
        name="Falha F1",
        notification_message="Olá {nome}, falha em {regiao}.",
        resolution_message="Resolvida.",
        severity=Severity.HIGH,
        regions=AffectedRegions(area=Area(cities=(CityArea.parse("Teresópolis"),))),
        starts_at=None,
        estimated_resolution=eta,
        by="sup",
        now=NOW,
    )


INDEX = FailureIndex.build([_failure()], {})


def _decide(
    who: Contact,
    memory: GateMemory,
    *,
    text: str = "oi",
    lookup: Lookup | None = None,
    index: FailureIndex = INDEX,
    policy: GatePolicy = POLICY,
    tz: tzinfo = UTC,
) -> GateDecision:
    return decide_gate(
        _message(text),
        contact=who,
        memory=memory,
        lookup=lookup or Lookup(),
        index=index,
        notified=frozenset(),
        now=NOW,
        policy=policy,
        tz=tz,
    )


def test_an_escaped_conversation_stays_escaped_for_the_same_contact() -> None:
    """Once escaped, the gate answers ESCAPED for the very contact it was given."""
    who = _contact()
    decision = _decide(who, GateMemory(escaped=True))
    assert decision.outcome is GateOutcome.ESCAPED
    assert decision.contact == who


def test_asking_for_a_human_while_awaiting_a_cep_escapes_for_the_same_contact() -> None:
    """Asking for a person while a CEP is awaited escapes, keeping the contact and ending the wait."""
    who = _contact()
    decision = _decide(who, GateMemory(awaiting=Awaiting.CEP), text="atendente")
    assert decision.outcome is GateOutcome.ESCAPED
    assert decision.contact == who
    assert decision.memory == GateMemory(escaped=True)


def test_addresses_that_locate_nowhere_lead_to_asking_the_cep() -> None:
    """Fresh addresses with neither city nor valid CEP make the gate ask the CEP, greeting by name."""
    who = _contact(CustomerAddress(street="Rua A", cep="123"))
    decision = _decide(who, GateMemory())
    assert decision.outcome is GateOutcome.ASKED_CEP
    assert decision.contact == who
    assert decision.memory == GateMemory(awaiting=Awaiting.CEP, attempts=0)
    assert decision.reply == (
        "Olá, Maria! Para verificar se há alguma falha na sua região, me informe o CEP do "
        "endereço da sua instalação (8 dígitos, por exemplo 01310-100)."
    )


def test_an_address_outside_every_outage_is_not_covered_with_an_empty_memory() -> None:
    """A fresh address no failure covers is NOT_COVERED and leaves the gate's memory empty."""
    decision = _decide(_contact(CustomerAddress(city="Petrópolis")), GateMemory())
    assert decision.outcome is GateOutcome.NOT_COVERED
    assert decision.memory == GateMemory()


def test_a_reminder_is_due_exactly_one_interval_after_the_last() -> None:
    """Inside an outage a reminder goes out once the interval has fully passed, restarting it now."""
    last = NOW - POLICY.reminder_interval
    decision = _decide(_contact(), GateMemory(outage_ids=("F1",), reminded_at=last))
    assert decision.outcome is GateOutcome.REMINDED
    assert decision.memory == GateMemory(outage_ids=("F1",), reminded_at=NOW)


def test_a_reminder_is_not_repeated_within_the_interval() -> None:
    """A second before the interval has passed, the gate stays silent and keeps its memory."""
    memory = GateMemory(
        outage_ids=("F1",), reminded_at=NOW - POLICY.reminder_interval + timedelta(seconds=1)
    )
    decision = _decide(_contact(), memory)
    assert decision.outcome is GateOutcome.SILENCED
    assert decision.memory == memory


def test_a_reminder_names_the_customer_and_the_eta_in_the_desk_timezone() -> None:
    """The reminder text is filled with the customer's name and the ETA in the given timezone."""
    failure = _failure(eta=NOW + timedelta(hours=2))
    texts = GateTexts(reminder="Olá {nome}, {falha} até {previsao}.")
    decision = _decide(
        _contact(),
        GateMemory(outage_ids=("F1",)),
        index=FailureIndex.build([failure], {}),
        policy=GatePolicy(texts=texts),
        tz=SAO_PAULO,
    )
    assert decision.outcome is GateOutcome.REMINDED
    assert decision.reply == "Olá Maria Souza, Falha F1 até 22/11/2026 11:00."


def _customer(*, name: str, document: str | None) -> Customer:
    return Customer(
        crm_id="C1",
        phone="5531987654321",
        name=name,
        document=document,
        addresses=(CustomerAddress(city="Teresópolis"),),
    )


def test_a_crm_answer_becomes_the_contact_it_decides_about() -> None:
    """A CRM customer found by phone replaces name, document and addresses, sourced crm, now."""
    who = _contact(name="Perfil", document="999")
    customer = _customer(name="Maria CRM", document="123")
    decision = _decide(
        who, GateMemory(), lookup=Lookup(status=LookupStatus.FOUND, customer=customer)
    )
    assert decision.outcome is GateOutcome.NOTIFIED
    known = decision.contact
    assert (known.name, known.document, known.crm_id) == ("Maria CRM", "123", "C1")
    assert known.addresses == customer.addresses
    assert (known.address_source, known.address_checked_at) == ("crm", NOW)


def test_a_crm_answer_without_name_or_document_keeps_the_contacts() -> None:
    """A CRM customer with no name or document leaves the contact's own name and document."""
    who = _contact(name="Perfil", document="999")
    customer = _customer(name="", document=None)
    decision = _decide(
        who, GateMemory(), lookup=Lookup(status=LookupStatus.FOUND, customer=customer)
    )
    assert (decision.contact.name, decision.contact.document) == ("Perfil", "999")


def test_only_a_found_crm_customer_is_trusted() -> None:
    """A lookup that did not find the customer (or found none) makes the gate ask the CEP."""
    customer = _customer(name="Maria CRM", document="123")
    for lookup in (
        Lookup(status=LookupStatus.NOT_FOUND, customer=customer),
        Lookup(status=LookupStatus.FOUND, customer=None),
    ):
        who = _contact()
        decision = _decide(who, GateMemory(), lookup=lookup)
        assert decision.outcome is GateOutcome.ASKED_CEP
        assert decision.contact == who


def test_another_matter_inside_an_outage_moves_on_keeping_the_memory_as_is() -> None:
    """A silenced message about another matter moves on and keeps the outage memory untouched."""
    memory = GateMemory(outage_ids=("F1",), attempts=1, reminded_at=NOW)
    decision = _decide(_contact(), memory, text="preciso da segunda via do boleto")
    assert decision.outcome is GateOutcome.MOVED_ON
    assert decision.memory == memory
