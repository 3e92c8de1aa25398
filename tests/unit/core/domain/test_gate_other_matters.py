"""A customer inside an outage who asks for something else is not trapped by the gate.

The oracle is the gate without a classifier (the gate before this rule): a message about the
outage gets exactly its old decision; a message clearly about another matter keeps the notice
the old gate queued and always goes on to the normal flow.
"""

from __future__ import annotations

from datetime import UTC, timedelta

import attrs
from hypothesis import given
from hypothesis import strategies as st

from lia_core.domain.conversations import Awaiting, Contact, GateMemory
from lia_core.domain.gate import (
    GateDecision,
    GateOutcome,
    GatePolicy,
    Lookup,
    LookupStatus,
    decide_gate,
    other_matter,
)
from lia_core.domain.matching import FailureIndex

from .test_gate import NOW, active, at, contact, message

POLICY = GatePolicy()
BLIND = attrs.evolve(POLICY, classifier=None)
FAILURE = active("f1", "Teresópolis")
INDEX = FailureIndex.build([FAILURE], {})

OTHER = (
    "preciso da segunda via do boleto",
    "Preciso da 2a via da fatura",
    "quero cancelar meu plano",
    "qual o preço do plano de 500 mega?",
    "vou reclamar no procon",
    "quero pagar com pix",
)
OUTAGE = ("minha internet caiu", "sem internet desde cedo", "oi", "quando volta?", "???", "")

MEMORIES = st.sampled_from(
    [
        GateMemory(),
        GateMemory(awaiting=Awaiting.CEP),
        GateMemory(awaiting=Awaiting.CEP, attempts=1),
        GateMemory(outage_ids=("f1",), reminded_at=NOW),
        GateMemory(outage_ids=("f1",), reminded_at=NOW - timedelta(hours=1)),
        GateMemory(outage_ids=("f1",), escaped=True),
    ]
)
CONTACTS = st.sampled_from(
    [
        contact(),
        contact(at("Teresópolis")),
        contact(at("Niterói")),
        contact(at("Teresópolis"), at("Niterói")),
    ]
)
LOOKUPS = st.sampled_from([Lookup(), Lookup(status=LookupStatus.NOT_FOUND)])


def _decide(
    text: str, memory: GateMemory, who: Contact, lookup: Lookup, told: bool, policy: GatePolicy
) -> GateDecision:
    return decide_gate(
        message(text),
        contact=who,
        memory=memory,
        lookup=lookup,
        index=INDEX,
        notified=frozenset({"f1"}) if told else frozenset(),
        now=NOW,
        policy=policy,
        tz=UTC,
    )


@given(st.sampled_from(OUTAGE), MEMORIES, CONTACTS, LOOKUPS, st.booleans())
def test_messages_about_the_outage_are_decided_as_before(
    text: str, memory: GateMemory, who: Contact, lookup: Lookup, told: bool
) -> None:
    """Without another matter in the message the gate decides exactly as it did before."""
    assert not other_matter(message(text), POLICY)
    assert _decide(text, memory, who, lookup, told, POLICY) == _decide(
        text, memory, who, lookup, told, BLIND
    )


@given(st.sampled_from(OTHER), MEMORIES, CONTACTS, LOOKUPS, st.booleans())
def test_another_matter_always_goes_on_after_the_notice(
    text: str, memory: GateMemory, who: Contact, lookup: Lookup, told: bool
) -> None:
    """A clear non-outage intent never ends the flow; the notice the old gate queued stays."""
    assert other_matter(message(text), POLICY)
    old = _decide(text, memory, who, lookup, told, BLIND)
    new = _decide(text, memory, who, lookup, told, POLICY)
    assert not new.ends_flow
    assert new.notify == old.notify
    assert new.contact == old.contact
    if old.outcome is GateOutcome.SILENCED or memory.awaiting is not None:
        assert new.reply is None  # no reminder repeated, no question asked again
    if not old.ends_flow:
        assert new == old


def test_after_the_notice_a_bill_request_reaches_the_normal_flow() -> None:
    """Notified, then "preciso da segunda via do boleto": no reminder, on to the normal flow."""
    who = contact(at("Teresópolis"))
    first = _decide("minha internet caiu", GateMemory(), who, Lookup(), False, POLICY)
    assert first.outcome is GateOutcome.NOTIFIED
    assert first.ends_flow
    boleto = _decide("preciso da segunda via do boleto", first.memory, who, Lookup(), True, POLICY)
    assert boleto.outcome is GateOutcome.MOVED_ON
    assert boleto.reply is None
    assert boleto.memory == first.memory  # still inside the outage for what comes next
    again = _decide("e a internet?", boleto.memory, who, Lookup(), True, POLICY)
    assert again.outcome is GateOutcome.SILENCED


def test_a_first_message_about_the_bill_gets_the_notice_and_goes_on() -> None:
    """The notice is queued and the message still reaches the normal flow."""
    who = contact(at("Teresópolis"))
    decision = _decide(
        "preciso da segunda via do boleto", GateMemory(), who, Lookup(), False, POLICY
    )
    assert decision.outcome is GateOutcome.NOTIFIED
    assert decision.moved_on
    assert [f.id for f in decision.notify] == ["f1"]
    assert not decision.ends_flow
