"""The outage gate: the first layer every inbound message passes through, as a pure function.

Given the message, what is known of the contact and the conversation, the CRM's answer and
the index of active failures, `decide` says what happens: queue the outage notice, remind,
stay silent, ask for the CEP or for which address, or go on to the normal flow.
"""

from __future__ import annotations

import enum
import re
from datetime import datetime, timedelta, tzinfo

import attrs

from lia_core.domain.conversations import Awaiting, Contact, Conversation, GateMemory
from lia_core.domain.customers import Customer, CustomerAddress
from lia_core.domain.failures import MassiveFailure
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.matching import FailureIndex
from lia_core.domain.templates import render
from lia_core.domain.text import fold

__all__ = [
    "GateDecision",
    "GateOutcome",
    "GatePolicy",
    "GateTexts",
    "Lookup",
    "LookupStatus",
    "decide",
    "describe_address",
    "needs_lookup",
    "parse_cep",
    "parse_choice",
    "wants_human",
]


@attrs.frozen(kw_only=True)
class GateTexts:
    """Customer-facing texts (pt-BR defaults); ``{nome}``, ``{falha}``, ``{previsao}``, ``{regiao}``."""

    ask_cep: str = (
        "Olá{saudacao}! Para verificar se há alguma falha na sua região, me informe o CEP do "
        "endereço da sua instalação (8 dígitos, por exemplo 01310-100)."
    )
    cep_invalid: str = (
        "Não consegui identificar o CEP. Envie os 8 dígitos, por exemplo 01310-100, ou "
        "responda *atendente* para falar com uma pessoa."
    )
    ask_address: str = (
        "Você tem mais de um endereço conosco. Sobre qual deles é o seu contato?\n{opcoes}\n"
        "Responda com o número."
    )
    reminder: str = (
        "Seguimos trabalhando na falha da sua região ({falha}). Previsão de normalização: "
        "{previsao}. Se precisar falar com um atendente, responda *atendente*."
    )


@attrs.frozen(kw_only=True)
class GatePolicy:
    """The gate's knobs; defaults suit a mid-size ISP."""

    address_ttl: timedelta = timedelta(days=30)
    """How long a stored address is trusted before the CRM is asked again."""
    reminder_interval: timedelta = timedelta(minutes=30)
    """At most one reminder per conversation per interval while the outage lasts."""
    max_attempts: int = 2
    """Unreadable answers to a gate question before the conversation goes to a human."""
    human_keywords: tuple[str, ...] = ("atendente", "humano", "pessoa", "falar com alguem")
    menu_option: str = "0"
    """Typing just this (or choosing a reply button with this id) asks for a human too."""
    texts: GateTexts = GateTexts()


class LookupStatus(enum.StrEnum):
    """What the CRM said about a contact's phone."""

    FOUND = "found"
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"
    """Timed out or failed: the customer is asked instead, and it is counted."""
    SKIPPED = "skipped"
    """The gate did not need it."""


@attrs.frozen(kw_only=True)
class Lookup:
    """The CRM's answer for one phone."""

    status: LookupStatus = LookupStatus.SKIPPED
    customer: Customer | None = None


class GateOutcome(enum.StrEnum):
    """What the gate did with a message."""

    NO_OUTAGE = "no_outage"
    NOT_COVERED = "not_covered"
    NOTIFIED = "notified"
    REMINDED = "reminded"
    SILENCED = "silenced"
    ASKED_CEP = "asked_cep"
    ASKED_ADDRESS = "asked_address"
    ESCAPED = "escaped"
    GAVE_UP = "gave_up"
    """The customer's answers could not be understood: on to a human."""

    @property
    def ends_flow(self) -> bool:
        """True when the gate answered and the normal flow must not run."""
        return self not in {
            GateOutcome.NO_OUTAGE,
            GateOutcome.NOT_COVERED,
            GateOutcome.ESCAPED,
            GateOutcome.GAVE_UP,
        }


@attrs.frozen(kw_only=True)
class GateDecision:
    """The gate's verdict on one message and the state to keep."""

    outcome: GateOutcome
    notify: tuple[MassiveFailure, ...] = ()
    """Failures whose notice this contact must get now (not notified before)."""
    reply: str | None = None
    contact: Contact
    memory: GateMemory


_CEP = re.compile(r"(?<!\d)(\d{2})\.?(\d{3})\s?-?\s?(\d{3})(?!\d)")
_NUMBER = re.compile(r"(?<!\d)(\d{1,2})(?!\d)")


def parse_cep(text: str) -> str | None:
    """The 8 CEP digits in a reply ("meu cep é 01310-100", "01.310-100"), or None."""
    found = {"".join(m.groups()) for m in _CEP.finditer(text)}
    return found.pop() if len(found) == 1 else None


def parse_choice(message: InboundMessage, options: tuple[CustomerAddress, ...]) -> int | None:
    """The 0-based option the customer picked ("2", "opção 2", a button id, or its CEP)."""
    for raw in (message.reply_id or "", message.text):
        numbers = {int(m.group(1)) for m in _NUMBER.finditer(raw)}
        if len(numbers) == 1 and 1 <= (n := numbers.pop()) <= len(options):
            return n - 1
    cep = parse_cep(message.text)
    if cep is not None:
        hits = [i for i, o in enumerate(options) if o.cep and o.cep.replace("-", "") == cep]
        if len(hits) == 1:
            return hits[0]
    return None


def wants_human(message: InboundMessage, policy: GatePolicy) -> bool:
    """An explicit request for a person: a keyword, or the menu option."""
    if policy.menu_option in {message.text.strip(), message.reply_id}:
        return True
    folded = f" {fold(message.text)} "
    return any(f" {fold(k)} " in folded for k in policy.human_keywords)


def describe_address(address: CustomerAddress) -> str:
    """A one-line address for the "which address?" question."""
    street = " ".join(p for p in (address.street, address.number) if p)
    parts = [street, address.neighbourhood, address.city, address.cep]
    return ", ".join(p for p in parts if p) or "(endereço sem detalhes)"


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
    """Whether `decide` will want the CRM's answer for this contact (ask it before deciding)."""
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


def decide(
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
    """What the gate does with *message* (*notified*: failure ids this contact was told of)."""
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
