"""The outage gate: the first layer every inbound message passes through, as a pure function.

Given the message, what is known of the contact and the conversation, the CRM's answer and
the index of active failures, `decide_gate` says what happens: queue the outage notice, remind,
stay silent, ask for the CEP or for which address, or go on to the normal flow. A message
clearly about something else ("preciso da segunda via do boleto") is never trapped: after
the notice (if one is due) it goes on to the normal flow.
"""

from __future__ import annotations

import warnings
from datetime import datetime, tzinfo

import attrs

from lia_core.domain.conversations import Awaiting, Contact, Conversation, GateMemory
from lia_core.domain.customers import CustomerAddress
from lia_core.domain.failures import MassiveFailure
from lia_core.domain.gate_replies import (
    describe_address,
    other_matter,
    parse_cep,
    parse_choice,
    wants_human,
)
from lia_core.domain.gate_terms import (
    GateDecision,
    GateOutcome,
    GatePolicy,
    GateTexts,
    Lookup,
    LookupStatus,
)
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.matching import FailureIndex
from lia_core.domain.templates import render

__all__ = [
    "GateDecision",
    "GateOutcome",
    "GatePolicy",
    "GateTexts",
    "Lookup",
    "LookupStatus",
    "decide_gate",
    "describe_address",
    "needs_lookup",
    "other_matter",
    "parse_cep",
    "parse_choice",
    "wants_human",
]


def _active_outage(memory: GateMemory, index: FailureIndex) -> tuple[MassiveFailure, ...]:
    found = (index.get(i) for i in memory.outage_ids)
    return index.in_order(f for f in found if f is not None)


def needs_lookup(
    contact: Contact | None,
    conversation: Conversation | None,
    index: FailureIndex,
    *,
    now: datetime,
    policy: GatePolicy,
) -> bool:
    """Whether `decide_gate` will want the CRM's answer for this contact (ask it before deciding)."""
    if not len(index):
        return False
    memory = conversation.gate if conversation is not None else GateMemory()
    if memory.awaiting is not None or _active_outage(memory, index):
        return False
    return contact is None or not contact.has_fresh_address(now, policy.address_ttl)


def _greeting(name: str) -> str:
    first = name.strip().split(" ")[0] if name.strip() else ""
    return f", {first}" if first else ""


def _ask_cep(contact: Contact, name: str, policy: GatePolicy, attempts: int = 0) -> GateDecision:
    text = policy.texts.ask_cep if attempts == 0 else policy.texts.cep_invalid
    return GateDecision(
        outcome=GateOutcome.ASKED_CEP,
        reply=render(text, {"nome": name, "saudacao": _greeting(name)}),
        contact=contact,
        memory=GateMemory(awaiting=Awaiting.CEP, attempts=attempts),
    )


def _ask_address(
    contact: Contact,
    options: tuple[CustomerAddress, ...],
    notify: tuple[MassiveFailure, ...],
    policy: GatePolicy,
    attempts: int = 0,
) -> GateDecision:
    listed = "\n".join(f"{i}) {describe_address(a)}" for i, a in enumerate(options, start=1))
    return GateDecision(
        outcome=GateOutcome.ASKED_ADDRESS,
        notify=notify,
        reply=render(policy.texts.ask_address, {"opcoes": listed}),
        contact=contact,
        memory=GateMemory(awaiting=Awaiting.ADDRESS, options=options, attempts=attempts),
    )


def _escape(contact: Contact, memory: GateMemory, outcome: GateOutcome) -> GateDecision:
    return GateDecision(
        outcome=outcome, contact=contact, memory=attrs.evolve(memory, awaiting=None, escaped=True)
    )


@attrs.frozen(kw_only=True)
class _Context:
    contact: Contact
    name: str
    index: FailureIndex
    notified: frozenset[str]
    now: datetime
    policy: GatePolicy
    tz: tzinfo

    def remind(self, failure: MassiveFailure, memory: GateMemory) -> GateDecision:
        reminded = attrs.evolve(memory, reminded_at=self.now)
        text = failure.fill(self.policy.texts.reminder, customer_name=self.name, tz=self.tz)
        return GateDecision(
            outcome=GateOutcome.REMINDED, reply=text, contact=self.contact, memory=reminded
        )

    def evaluate(self, addresses: tuple[CustomerAddress, ...], *, may_ask: bool) -> GateDecision:
        located = [(a, self.index.match(loc)) for a in addresses if (loc := a.location())]
        if not located:
            return _ask_cep(self.contact, self.name, self.policy)
        covering = {f.id: f for _, hits in located for f in hits}
        if not covering:
            return GateDecision(
                outcome=GateOutcome.NOT_COVERED, contact=self.contact, memory=GateMemory()
            )
        ordered = self.index.in_order(covering.values())
        fresh = tuple(f for f in ordered if f.id not in self.notified)
        if may_ask and any(not hits for _, hits in located):
            # Some contracts are inside the outage and some outside: whether the flow ends
            # depends on which one the customer writes about.
            return _ask_address(self.contact, tuple(a for a, _ in located), fresh, self.policy)
        memory = GateMemory(outage_ids=tuple(covering), reminded_at=self.now)
        if not fresh:  # told before (proactively, or in an earlier conversation)
            return self.remind(ordered[0], memory)
        return GateDecision(
            outcome=GateOutcome.NOTIFIED, notify=fresh, contact=self.contact, memory=memory
        )


def _retry(ctx: _Context, memory: GateMemory) -> GateDecision:
    attempts = memory.attempts + 1
    if attempts >= ctx.policy.max_attempts:
        return _escape(ctx.contact, memory, GateOutcome.GAVE_UP)
    if memory.awaiting is Awaiting.ADDRESS:
        return _ask_address(ctx.contact, memory.options, (), ctx.policy, attempts)
    return _ask_cep(ctx.contact, ctx.name, ctx.policy, attempts)


def decide_gate(
    message: InboundMessage,
    *,
    contact: Contact,
    memory: GateMemory,
    lookup: Lookup,
    index: FailureIndex,
    notified: frozenset[str],
    now: datetime,
    policy: GatePolicy,
    tz: tzinfo,
) -> GateDecision:
    """What the gate does with *message* (*notified*: failure ids this contact was told of).

    A message about another matter (`other_matter`) is let through: a fresh notice or a first
    reminder is still sent (``moved_on``), a repeated reminder, a silence or a question about
    the CEP gives way to the normal flow (`GateOutcome.MOVED_ON`).
    """
    decision = _decide(
        message,
        contact=contact,
        memory=memory,
        lookup=lookup,
        index=index,
        notified=notified,
        now=now,
        policy=policy,
        tz=tz,
    )
    if not decision.ends_flow or not other_matter(message, policy):
        return decision
    return _moved_on(decision, memory, index)


def _moved_on(decision: GateDecision, memory: GateMemory, index: FailureIndex) -> GateDecision:
    """*decision* for a message about another matter: the notice stays, nothing else traps it."""
    inside = memory.awaiting is None and bool(_active_outage(memory, index))
    first = decision.outcome in (GateOutcome.NOTIFIED, GateOutcome.REMINDED) and not inside
    if first:  # the customer learns of the outage once, then is answered on their matter
        return attrs.evolve(decision, moved_on=True)
    if decision.outcome is GateOutcome.ASKED_ADDRESS and memory.awaiting is None:
        return attrs.evolve(decision, moved_on=True, reply=None, memory=GateMemory())
    kept = memory if inside else attrs.evolve(memory, awaiting=None, attempts=0, options=())
    return GateDecision(outcome=GateOutcome.MOVED_ON, contact=decision.contact, memory=kept)


def _decide(
    message: InboundMessage,
    *,
    contact: Contact,
    memory: GateMemory,
    lookup: Lookup,
    index: FailureIndex,
    notified: frozenset[str],
    now: datetime,
    policy: GatePolicy,
    tz: tzinfo,
) -> GateDecision:
    if not len(index):
        return GateDecision(outcome=GateOutcome.NO_OUTAGE, contact=contact, memory=GateMemory())
    ctx = _Context(
        contact=contact,
        name=contact.name or message.display_name,
        index=index,
        notified=notified,
        now=now,
        policy=policy,
        tz=tz,
    )
    if memory.escaped:
        return _escape(contact, memory, GateOutcome.ESCAPED)
    if memory.awaiting is not None:
        if wants_human(message, policy):
            return _escape(contact, memory, GateOutcome.ESCAPED)
        if memory.awaiting is Awaiting.ADDRESS:
            choice = parse_choice(message, memory.options)
            if choice is None:
                return _retry(ctx, memory)
            return ctx.evaluate((memory.options[choice],), may_ask=False)
        cep = parse_cep(message.text)
        if cep is None:
            return _retry(ctx, memory)
        typed = attrs.evolve(
            contact,
            addresses=(CustomerAddress(cep=cep),),
            address_source="customer",
            address_checked_at=now,
        )
        return attrs.evolve(ctx, contact=typed).evaluate(typed.addresses, may_ask=False)
    if current := _active_outage(memory, index):
        if wants_human(message, policy):
            return _escape(contact, memory, GateOutcome.ESCAPED)
        if memory.reminded_at is None or now - memory.reminded_at >= policy.reminder_interval:
            return ctx.remind(current[0], memory)
        return GateDecision(outcome=GateOutcome.SILENCED, contact=contact, memory=memory)
    if contact.has_fresh_address(now, policy.address_ttl):
        return ctx.evaluate(contact.addresses, may_ask=True)
    customer = lookup.customer
    if lookup.status is LookupStatus.FOUND and customer is not None and customer.locations():
        known = attrs.evolve(
            contact,
            name=customer.name or contact.name,  # the CRM's name beats a profile name
            document=customer.document or contact.document,
            crm_id=customer.crm_id,
            addresses=customer.addresses,
            address_source="crm",
            address_checked_at=now,
        )
        return attrs.evolve(ctx, contact=known).evaluate(known.addresses, may_ask=True)
    return _ask_cep(contact, ctx.name, policy)


def __getattr__(name: str) -> object:
    """`decide`, the old name of `decide_gate`, still resolves (with a DeprecationWarning)."""
    if name == "decide":
        warnings.warn(
            "lia_core.domain.gate.decide is deprecated; use decide_gate",
            DeprecationWarning,
            stacklevel=2,
        )
        return decide_gate
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
