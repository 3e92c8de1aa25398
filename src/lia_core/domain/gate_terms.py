"""The gate's vocabulary: its texts and knobs, the CRM's answer, and its verdict."""

from __future__ import annotations

import enum
from datetime import timedelta

import attrs

from lia_core.domain.conversations import Contact, GateMemory
from lia_core.domain.customers import Customer
from lia_core.domain.failures import MassiveFailure
from lia_core.handoff.intents import Intent, IntentClassifier
from lia_core.handoff.keywords import KeywordIntentClassifier

__all__ = ["GateDecision", "GateOutcome", "GatePolicy", "GateTexts", "Lookup", "LookupStatus"]


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
    classifier: IntentClassifier | None = attrs.field(factory=KeywordIntentClassifier)
    """Reads whether a message is clearly about something else than the outage (None: never)."""
    outage_intents: frozenset[Intent] = frozenset({Intent.SUPPORT})
    """Intents that are the outage's own matter: the gate keeps answering those."""
    move_on_at: float = 0.80
    """A top intent outside *outage_intents* at or above this confidence is another matter:
    after the notice (if any) the message goes on to the normal flow."""


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
    MOVED_ON = "moved_on"
    """Inside an outage (or asked for a CEP) the customer asked clearly for something else."""

    @property
    def ends_flow(self) -> bool:
        """True when the gate answered and the normal flow must not run."""
        return self not in {
            GateOutcome.NO_OUTAGE,
            GateOutcome.NOT_COVERED,
            GateOutcome.ESCAPED,
            GateOutcome.GAVE_UP,
            GateOutcome.MOVED_ON,
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
    moved_on: bool = False
    """The message is clearly about another matter: after this notice the normal flow runs."""

    @property
    def ends_flow(self) -> bool:
        """True when the gate answered and the normal flow must not run for this message."""
        return self.outcome.ends_flow and not self.moved_on
