"""Reading customers' answers to the gate: a CEP, an address choice, a request for a person."""

from __future__ import annotations

import re

from lia_core.domain.customers import CustomerAddress
from lia_core.domain.gate_terms import GatePolicy
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.text import fold

__all__ = ["describe_address", "other_matter", "parse_cep", "parse_choice", "wants_human"]


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


def other_matter(message: InboundMessage, policy: GatePolicy) -> bool:
    """The message asks clearly for something the outage does not explain ("segunda via do
    boleto"): its top intent is outside the policy's outage intents, at `move_on_at` or above."""
    if policy.classifier is None or not message.text.strip():
        return False
    top = policy.classifier.classify(message.text).top
    return (
        top is not None
        and top.intent not in policy.outage_intents
        and top.confidence >= policy.move_on_at
    )


def describe_address(address: CustomerAddress) -> str:
    """A one-line address for the "which address?" question."""
    street = " ".join(p for p in (address.street, address.number) if p)
    parts = [street, address.neighbourhood, address.city, address.cep]
    return ", ".join(p for p in parts if p) or "(endereço sem detalhes)"
