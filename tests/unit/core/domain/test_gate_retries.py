"""The gate's questions asked again, given up, or left for another matter, down to the memory.

An answer the gate cannot read repeats the same question (same addresses, same contact) with
one attempt more, and the last attempt gives up. A message about another matter resets a
pending question, keeps the memory of an outage the customer was already told of, and a
first address question it lets go leaves nothing behind but the notice.
"""

from __future__ import annotations

from datetime import UTC

import attrs

from lia_core.domain.conversations import Awaiting, GateMemory
from lia_core.domain.customers import Customer
from lia_core.domain.gate import GateOutcome, Lookup, LookupStatus, decide_gate, parse_choice
from lia_core.domain.matching import FailureIndex

from .test_gate import NOW, POLICY, active, at, contact, message, run

INDEX = FailureIndex.build([active("f1", "Teresópolis")], {})
OPTIONS = (at("Petrópolis", "Centro"), at("Teresópolis", "Alto"))
CUSTOMER = Customer(crm_id="c1", phone="5531987654321", name="Maria", addresses=OPTIONS)
CRM = Lookup(status=LookupStatus.FOUND, customer=CUSTOMER)
BILL = "preciso da segunda via do boleto"


def test_an_unreadable_choice_asks_the_same_addresses_again() -> None:
    """ "sei lá" to "which address?": the same list, the same contact, one attempt more."""
    asked = run(INDEX, who=contact(checked=None), lookup=CRM)
    assert asked.outcome is GateOutcome.ASKED_ADDRESS
    again = run(INDEX, who=asked.contact, memory=asked.memory, text="sei lá")
    assert again.outcome is GateOutcome.ASKED_ADDRESS
    assert again.reply == asked.reply
    assert again.contact == asked.contact
    assert again.notify == ()
    assert again.memory == GateMemory(awaiting=Awaiting.ADDRESS, options=OPTIONS, attempts=1)


def test_the_last_unreadable_answer_gives_up_keeping_the_contact() -> None:
    """At max_attempts the address question gives up; the decision still names the contact."""
    who = contact(at("Niterói"))
    memory = GateMemory(
        awaiting=Awaiting.ADDRESS, options=OPTIONS, attempts=POLICY.max_attempts - 1
    )
    gave_up = run(INDEX, who=who, memory=memory, text="sei lá")
    assert gave_up.outcome is GateOutcome.GAVE_UP
    assert gave_up.contact == who
    assert gave_up.memory.escaped


def test_an_unreadable_cep_asks_again_for_the_same_contact() -> None:
    """ "não sei" to the CEP question: asked again, the contact unchanged."""
    who = contact()
    again = run(INDEX, who=who, memory=GateMemory(awaiting=Awaiting.CEP), text="não sei")
    assert again.outcome is GateOutcome.ASKED_CEP
    assert again.contact == who
    assert again.memory.attempts == 1


def test_another_matter_inside_a_told_outage_is_not_reminded() -> None:
    """Told of f1 an hour ago, the customer asks for the bill: no reminder, the memory stays."""
    who = contact(at("Teresópolis"))
    memory = GateMemory(outage_ids=("f1",), reminded_at=NOW.replace(hour=11))
    reminded = run(INDEX, who=who, memory=memory, text="e a internet?", notified=frozenset({"f1"}))
    assert reminded.outcome is GateOutcome.REMINDED  # the reminder was due
    moved = run(INDEX, who=who, memory=memory, text=BILL, notified=frozenset({"f1"}))
    assert moved.outcome is GateOutcome.MOVED_ON
    assert (moved.reply, moved.notify, moved.memory) == (None, (), memory)


def test_another_matter_drops_a_pending_question() -> None:
    """Asked for a CEP or an address, the customer asks for the bill: the question is dropped
    (no attempts, no options), the rest of the memory kept."""
    patient = attrs.evolve(POLICY, max_attempts=3)
    for pending in (
        GateMemory(awaiting=Awaiting.CEP, attempts=1, outage_ids=("f1",)),
        GateMemory(awaiting=Awaiting.ADDRESS, options=OPTIONS, attempts=1),
    ):
        moved = decide_gate(
            message(BILL),
            contact=contact(),
            memory=pending,
            lookup=Lookup(),
            index=INDEX,
            notified=frozenset(),
            now=NOW,
            policy=patient,
            tz=UTC,
        )
        assert moved.outcome is GateOutcome.MOVED_ON
        assert moved.reply is None
        assert moved.memory == attrs.evolve(pending, awaiting=None, attempts=0, options=())


def test_a_first_message_about_the_bill_is_not_asked_which_address() -> None:
    """A CRM customer with two contracts writes about the bill: notified, nothing asked, and
    no question left pending."""
    moved = run(INDEX, who=contact(checked=None), lookup=CRM, text=BILL)
    assert moved.outcome is GateOutcome.ASKED_ADDRESS
    assert moved.moved_on
    assert not moved.ends_flow
    assert moved.reply is None
    assert moved.memory == GateMemory()
    assert [f.id for f in moved.notify] == ["f1"]
    assert moved.contact.crm_id == "c1"


def test_a_choice_by_cep_matches_a_cep_stored_with_a_hyphen() -> None:
    """The CRM may store "25953-120": the customer's "25953120" or "25953-120" still picks it."""
    options = (at("A", cep="01310-100"), at("B", cep="25953-120"))
    assert parse_choice(message("o cep é 25953120"), options) == 1
    assert parse_choice(message("01310-100"), options) == 0
