"""The outage gate as a pure function: properties against a brute-force oracle, and the flows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.domain.conversations import Awaiting, Contact, Conversation, GateMemory
from lia_core.domain.customers import Customer, CustomerAddress
from lia_core.domain.delivery import Channel
from lia_core.domain.failures import FailureStatus, MassiveFailure, Severity
from lia_core.domain.gate import (
    GateDecision,
    GateOutcome,
    GatePolicy,
    GateTexts,
    Lookup,
    LookupStatus,
    decide_gate,
    needs_lookup,
    parse_cep,
    parse_choice,
    wants_human,
)
from lia_core.domain.gate_replies import describe_address
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.matching import FailureIndex, covering_area
from lia_core.domain.recipients import Phone
from lia_core.domain.regions import AffectedRegions, Area, CityArea, Location, parse_cep_rule
from lia_core.testing import failures, locations

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
POLICY = GatePolicy()


def message(text: str = "oi", *, reply_id: str | None = None) -> InboundMessage:
    """A WhatsApp text from one customer."""
    return InboundMessage(
        channel=Channel.WHATSAPP,
        provider_message_id=f"wamid.{text}",
        sender=Phone("5531987654321"),
        reply_to="553187654321",
        sent_at=NOW,
        text=text,
        reply_id=reply_id,
        display_name="Maria Souza",
    )


def contact(*addresses: CustomerAddress, checked: datetime | None = NOW) -> Contact:
    """A contact with these addresses, checked at *checked*."""
    return Contact(
        phone=Phone("5531987654321"),
        addresses=addresses,
        address_checked_at=checked if addresses else None,
        created_at=NOW,
        updated_at=NOW,
    )


def active(fid: str, city: str, *, severity: Severity = Severity.HIGH) -> MassiveFailure:
    """An active failure over one city spec ("Teresópolis" or "Teresópolis:Centro")."""
    return MassiveFailure.declare(
        failure_id=fid,
        name=f"Falha {fid}",
        notification_message="Olá {nome}, falha em {regiao}.",
        resolution_message="Resolvida.",
        severity=severity,
        regions=AffectedRegions(area=Area(cities=(CityArea.parse(city),))),
        starts_at=None,
        estimated_resolution=None,
        by="sup",
        now=NOW,
    )


def at(city: str, bairro: str | None = None, cep: str | None = None) -> CustomerAddress:
    """An address."""
    return CustomerAddress(city=city, neighbourhood=bairro, cep=cep)


def run(
    index: FailureIndex,
    *,
    who: Contact | None = None,
    memory: GateMemory | None = None,
    text: str = "oi",
    lookup: Lookup | None = None,
    notified: frozenset[str] = frozenset(),
    now: datetime = NOW,
) -> GateDecision:
    """The gate's decision with defaults for everything not under test."""
    return decide_gate(
        message(text),
        contact=who or contact(),
        memory=memory or GateMemory(),
        lookup=lookup or Lookup(),
        index=index,
        notified=notified,
        now=now,
        policy=POLICY,
        tz=UTC,
    )


def _address(location: Location) -> CustomerAddress:
    return CustomerAddress(
        city=location.city, neighbourhood=location.neighbourhood, cep=location.cep
    )


@given(
    st.lists(failures(statuses=(FailureStatus.ACTIVE,)), min_size=1, max_size=4),
    st.lists(locations(), min_size=1, max_size=3),
    st.sets(st.integers(0, 3)),
)
def test_first_message_agrees_with_brute_force(
    found: list[MassiveFailure], places: list[Location], told: set[int]
) -> None:
    """With fresh addresses, the gate notifies exactly the covering failures not told before."""
    index = FailureIndex.build(found, {})
    notified = frozenset(found[i].id for i in told if i < len(found))
    addresses = tuple(_address(p) for p in places)
    decision = decide_gate(
        message(),
        contact=contact(*addresses),
        memory=GateMemory(),
        lookup=Lookup(),
        index=index,
        notified=notified,
        now=NOW,
        policy=POLICY,
        tz=UTC,
    )
    hits = [{f.id for f in found if covering_area(f, {}).covers(p)} for p in places]
    covering = set().union(*hits)
    if not covering:
        assert decision.outcome is GateOutcome.NOT_COVERED
        assert decision.notify == ()
        return
    assert {f.id for f in decision.notify} == covering - notified
    if any(not h for h in hits) and len(places) > 1:
        assert decision.outcome is GateOutcome.ASKED_ADDRESS
        assert decision.memory.awaiting is Awaiting.ADDRESS
    else:
        assert decision.outcome.ends_flow
        assert set(decision.memory.outage_ids) == covering
        expected = GateOutcome.NOTIFIED if covering - notified else GateOutcome.REMINDED
        assert decision.outcome is expected


@given(st.lists(locations(), max_size=3), st.text(max_size=30))
def test_no_active_failure_never_stops_the_flow(places: list[Location], text: str) -> None:
    """Without an active failure the gate always passes the message on, whatever it holds."""
    memory = GateMemory(awaiting=Awaiting.CEP, outage_ids=("old",))
    decision = run(
        FailureIndex.build([], {}),
        who=contact(*(_address(p) for p in places)),
        memory=memory,
        text=text,
    )
    assert decision.outcome is GateOutcome.NO_OUTAGE
    assert decision.memory == GateMemory()


@given(st.from_regex(r"\d{8}", fullmatch=True), st.sampled_from(["{}", "{}-{}", "{}.{}-{}"]))
def test_parse_cep_reads_any_common_spelling(digits: str, shape: str) -> None:
    """A CEP typed with or without punctuation, inside a sentence, parses to its digits."""
    parts = {"{}": (digits,), "{}-{}": (digits[:5], digits[5:])}.get(
        shape, (digits[:2], digits[2:5], digits[5:])
    )
    assert parse_cep(f"meu cep é {shape.format(*parts)}, obrigado") == digits


def test_parse_cep_refuses_ambiguous_or_short() -> None:
    """Two different CEPs, or too few digits, are not a CEP."""
    assert parse_cep("01310-100 ou 25953-120") is None
    assert parse_cep("1234-567") is None
    assert parse_cep("123456789") is None


def test_escape_keywords_and_menu_option() -> None:
    """ "Atendente", "HUMANO", the menu option "0" ask for a person; "sem internet" does not."""
    assert wants_human(message("Quero falar com um ATENDENTE"), POLICY)
    assert wants_human(message("humano por favor"), POLICY)
    assert wants_human(message(" 0 "), POLICY)
    assert not wants_human(message("sem internet"), POLICY)


def test_covered_customer_gets_notice_then_reminder_then_silence() -> None:
    """The first message notifies; later ones get one reminder per interval, else silence."""
    failure = active("f1", "Teresópolis")
    index = FailureIndex.build([failure], {})
    who = contact(at("Teresópolis"))
    first = run(index, who=who)
    assert first.outcome is GateOutcome.NOTIFIED
    memory = first.memory
    soon = run(
        index, who=who, memory=memory, notified=frozenset({"f1"}), now=NOW + timedelta(minutes=5)
    )
    assert soon.outcome is GateOutcome.SILENCED
    later = run(
        index, who=who, memory=memory, notified=frozenset({"f1"}), now=NOW + timedelta(minutes=31)
    )
    assert later.outcome is GateOutcome.REMINDED
    assert "Falha f1" in (later.reply or "")
    human = run(index, who=who, memory=memory, text="atendente", notified=frozenset({"f1"}))
    assert human.outcome is GateOutcome.ESCAPED
    assert not human.outcome.ends_flow


def test_unknown_location_asks_cep_then_uses_it() -> None:
    """Not in the CRM: ask the CEP, store the typed one on the contact, notify when covered."""
    failure = MassiveFailure.declare(
        failure_id="f1",
        name="Fibra",
        notification_message="Falha",
        resolution_message=None,
        severity=Severity.HIGH,
        regions=AffectedRegions(area=Area(ceps=(parse_cep_rule("2595"),))),
        starts_at=None,
        estimated_resolution=None,
        by="sup",
        now=NOW,
    )
    index = FailureIndex.build([failure], {})
    asked = run(index, who=contact(), lookup=Lookup(status=LookupStatus.NOT_FOUND))
    assert asked.outcome is GateOutcome.ASKED_CEP
    assert "CEP" in (asked.reply or "")
    bad = run(index, memory=asked.memory, text="não sei")
    assert bad.outcome is GateOutcome.ASKED_CEP
    assert bad.memory.attempts == 1
    typed = run(index, memory=bad.memory, text="é 25953-120")
    assert typed.outcome is GateOutcome.NOTIFIED
    assert typed.contact.addresses[0].cep == "25953120"
    assert typed.contact.address_source == "customer"


def test_unreadable_answers_give_up_to_a_human() -> None:
    """After max_attempts unreadable answers the conversation goes on to the normal flow."""
    index = FailureIndex.build([active("f1", "Teresópolis")], {})
    memory = GateMemory(awaiting=Awaiting.CEP, attempts=POLICY.max_attempts - 1)
    gave_up = run(index, memory=memory, text="???")
    assert gave_up.outcome is GateOutcome.GAVE_UP
    again = run(index, memory=gave_up.memory, text="oi")
    assert again.outcome is GateOutcome.ESCAPED


def test_crm_customer_with_two_contracts_is_asked_which_address() -> None:
    """One contract inside the outage, one outside: notify, ask which; the answer decides."""
    index = FailureIndex.build([active("f1", "Teresópolis")], {})
    customer = Customer(
        crm_id="c1",
        phone="5531987654321",
        name="Maria",
        addresses=(at("Petrópolis", "Centro"), at("Teresópolis", "Alto")),
    )
    asked = run(
        index,
        who=contact(checked=None),
        lookup=Lookup(status=LookupStatus.FOUND, customer=customer),
    )
    assert asked.outcome is GateOutcome.ASKED_ADDRESS
    assert [f.id for f in asked.notify] == ["f1"]
    assert "1) Centro, Petrópolis" in (asked.reply or "")
    assert asked.contact.crm_id == "c1"
    covered = run(
        index, who=asked.contact, memory=asked.memory, text="2", notified=frozenset({"f1"})
    )
    assert covered.outcome is GateOutcome.REMINDED
    other = run(
        index, who=asked.contact, memory=asked.memory, text="opção 1", notified=frozenset({"f1"})
    )
    assert other.outcome is GateOutcome.NOT_COVERED


def test_parse_choice_by_number_button_or_cep() -> None:
    """ "2", a button id "2" or the CEP of the second address all pick it."""
    options = (at("A", cep="01310100"), at("B", cep="25953120"))
    assert parse_choice(message("2"), options) == 1
    assert parse_choice(message("", reply_id="2"), options) == 1
    assert parse_choice(message("o do cep 25953-120"), options) == 1
    assert parse_choice(message("3"), options) is None
    assert parse_choice(message("1 ou 2"), options) is None


def test_lookup_needed_only_when_an_outage_is_active_and_the_address_is_stale() -> None:
    """No failure → no CRM call; fresh address → no CRM call; stale → ask the CRM."""
    empty = FailureIndex.build([], {})
    index = FailureIndex.build([active("f1", "Teresópolis")], {})
    stale = contact(at("Teresópolis"), checked=NOW - timedelta(days=31))
    assert not needs_lookup(None, None, empty, now=NOW, policy=POLICY)
    assert needs_lookup(None, None, index, now=NOW, policy=POLICY)
    assert needs_lookup(stale, None, index, now=NOW, policy=POLICY)
    assert not needs_lookup(
        attrs.evolve(stale, address_checked_at=NOW), None, index, now=NOW, policy=POLICY
    )


_ASK_CEP_TAIL = (
    "! Para verificar se há alguma falha na sua região, me informe o CEP do endereço da sua "
    "instalação (8 dígitos, por exemplo 01310-100)."
)


@pytest.mark.parametrize(
    ("display_name", "greeting"),
    [
        ("Maria Souza", ", Maria"),
        ("  Maria  ", ", Maria"),
        ("Maria\tSouza", ", Maria\tSouza"),
        ("   ", ""),
        ("", ""),
    ],
)
def test_the_cep_question_greets_by_first_name(display_name: str, greeting: str) -> None:
    """The first question greets by the first space-separated word of the name, or not at all."""
    index = FailureIndex.build([active("f1", "Teresópolis")], {})
    asked = decide_gate(
        attrs.evolve(message(), display_name=display_name),
        contact=contact(),
        memory=GateMemory(),
        lookup=Lookup(status=LookupStatus.NOT_FOUND),
        index=index,
        notified=frozenset(),
        now=NOW,
        policy=POLICY,
        tz=UTC,
    )
    assert asked.outcome is GateOutcome.ASKED_CEP
    assert asked.reply == f"Olá{greeting}{_ASK_CEP_TAIL}"
    assert asked.memory == GateMemory(awaiting=Awaiting.CEP, attempts=0)


def test_the_cep_question_fills_name_and_greeting_then_says_the_cep_was_not_read() -> None:
    """Both texts may use {nome} and {saudacao}; the first question is ask_cep, a retry cep_invalid."""
    texts = GateTexts(ask_cep="[{nome}|{saudacao}] CEP?", cep_invalid="[{nome}|{saudacao}] de novo")
    policy = GatePolicy(texts=texts)
    index = FailureIndex.build([active("f1", "Teresópolis")], {})

    def ask(memory: GateMemory, text: str) -> GateDecision:
        return decide_gate(
            message(text),
            contact=contact(),
            memory=memory,
            lookup=Lookup(status=LookupStatus.NOT_FOUND),
            index=index,
            notified=frozenset(),
            now=NOW,
            policy=policy,
            tz=UTC,
        )

    first = ask(GateMemory(), "oi")
    assert first.reply == "[Maria Souza|, Maria] CEP?"
    again = ask(first.memory, "não sei")
    assert again.reply == "[Maria Souza|, Maria] de novo"
    assert again.memory == GateMemory(awaiting=Awaiting.CEP, attempts=1)


def test_the_address_question_lists_the_addresses_one_a_line() -> None:
    """The "which address?" question numbers the addresses from 1, one per line."""
    index = FailureIndex.build([active("f1", "Teresópolis")], {})
    customer = Customer(
        crm_id="c1",
        phone="5531987654321",
        name="Maria",
        addresses=(at("Petrópolis", "Centro"), at("Teresópolis", "Alto")),
    )
    asked = run(
        index,
        who=contact(checked=None),
        lookup=Lookup(status=LookupStatus.FOUND, customer=customer),
    )
    assert asked.reply == (
        "Você tem mais de um endereço conosco. Sobre qual deles é o seu contato?\n"
        "1) Centro, Petrópolis\n2) Alto, Teresópolis\nResponda com o número."
    )


@pytest.mark.parametrize(
    ("address", "described"),
    [
        (
            CustomerAddress(
                street="Rua A",
                number="12",
                neighbourhood="Alto",
                city="Teresópolis",
                cep="25953120",
            ),
            "Rua A 12, Alto, Teresópolis, 25953120",
        ),
        (CustomerAddress(street="Rua A", city="Teresópolis"), "Rua A, Teresópolis"),
        (CustomerAddress(number="12"), "12"),
        (CustomerAddress(), "(endereço sem detalhes)"),
    ],
)
def test_an_address_is_described_on_one_line(address: CustomerAddress, described: str) -> None:
    """Street and number, then neighbourhood, city and CEP, the missing ones left out."""
    assert describe_address(address) == described


def test_asking_for_a_human_while_awaiting_an_answer_stops_awaiting() -> None:
    """Escaping while the CEP is awaited clears what was awaited and keeps the rest."""
    index = FailureIndex.build([active("f1", "Teresópolis")], {})
    memory = GateMemory(awaiting=Awaiting.CEP, attempts=1)
    escaped = run(index, memory=memory, text="atendente")
    assert escaped.outcome is GateOutcome.ESCAPED
    assert escaped.memory == GateMemory(awaiting=None, attempts=1, escaped=True)


def test_no_lookup_while_the_conversation_awaits_an_answer() -> None:
    """A conversation already awaiting a CEP or an address needs no CRM call."""
    index = FailureIndex.build([active("f1", "Teresópolis")], {})
    waiting = Conversation(
        id="c1",
        channel=Channel.WHATSAPP,
        chat_id="553187654321",
        contact_phone="5531987654321",
        last_message_at=NOW,
        created_at=NOW,
        updated_at=NOW,
        gate=GateMemory(awaiting=Awaiting.CEP),
    )
    assert not needs_lookup(None, waiting, index, now=NOW, policy=POLICY)
    fresh = attrs.evolve(waiting, gate=GateMemory())
    assert needs_lookup(None, fresh, index, now=NOW, policy=POLICY)
