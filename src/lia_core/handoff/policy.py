"""The handoff policy: thresholds, timers, business hours, destinations, words and texts."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import timedelta

import attrs

from lia_core.domain.tickets import Priority
from lia_core.errors import ValidationError
from lia_core.handoff._words import fold_phrases, phrase_list
from lia_core.handoff.intents import Intent, IntentClassifier, RankedIntents, parse_intent
from lia_core.handoff.keywords import KeywordIntentClassifier
from lia_core.handoff.language import LanguageGuesser, StopwordLanguageGuesser
from lia_core.handoff.routing import DEFAULT_DESTINATIONS, GENERAL_QUEUE, Destination
from lia_core.sla import BusinessCalendar
from lia_core.validation import not_negative, positive

__all__ = ["HandoffPolicy", "HandoffTexts", "critical_intent", "is_ambiguous"]


@attrs.frozen(kw_only=True)
class HandoffTexts:
    """Customer-facing texts (pt-BR defaults); placeholders ``{departamento}``, ``{abertura}``."""

    route: str = (
        "Entendi, seu assunto é com o setor {departamento}. Já estou te encaminhando, "
        "aguarde um momento."
    )
    clarify: str = (
        "Não tenho certeza se entendi. Sobre o que você quer falar? Responda com uma "
        "palavra: *suporte técnico*, *financeiro*, *comercial*, *cancelamento* ou "
        "*ouvidoria*. Se preferir, responda *atendente*."
    )
    human: str = "Certo! Vou te transferir para um atendente ({departamento}). Aguarde, por favor."
    language: str = (
        "Vou te transferir para um atendente. / I'm transferring you to an agent. / "
        "Te transfiero a un agente."
    )
    out_of_hours: str = (
        "Nosso atendimento humano está fechado agora e volta {abertura}. Sua mensagem já "
        "está na fila ({departamento}) e responderemos assim que abrirmos."
    )
    timeout_menu: str = (
        "Você ainda está aí? Responda:\n1 - Continuar\n2 - Falar com um atendente\n"
        "3 - Encerrar o atendimento"
    )
    resume: str = "Certo, pode continuar. Como posso ajudar?"
    closed_inactive: str = (
        "Como não tivemos resposta, encerramos este atendimento. Se precisar, é só mandar "
        "uma nova mensagem."
    )
    closed_by_customer: str = "Atendimento encerrado. Obrigado pelo contato!"


def _fraction(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise ValidationError(f"{attribute.name} must be in [0, 1]", field=attribute.name)


def _destinations(value: Mapping[Intent, Destination]) -> Mapping[Intent, Destination]:
    if not isinstance(value, Mapping):
        raise ValidationError("destinations maps intents to destinations", field="destinations")
    if not all(isinstance(d, Destination) for d in value.values()):
        raise ValidationError("destinations maps intents to a Destination", field="destinations")
    return {parse_intent(k, field="destinations"): v for k, v in value.items()}


def _intents(value: Iterable[Intent]) -> frozenset[Intent]:
    if isinstance(value, str):
        raise ValidationError("critical_intents takes a set of intents", field="critical_intents")
    return frozenset(parse_intent(i, field="critical_intents") for i in value)


def _human_keywords(value: Iterable[str]) -> tuple[str, ...]:
    return fold_phrases(phrase_list(value, field="human_keywords"))


def _help_phrases(value: Iterable[str]) -> tuple[str, ...]:
    return fold_phrases(phrase_list(value, field="help_phrases"))


@attrs.frozen(kw_only=True)
class HandoffPolicy:
    """Everything `decide_handoff` needs besides the state, the event and the time; defaults per roadmap."""

    confidence_threshold: float = attrs.field(default=0.80, validator=_fraction)
    """A clear top intent at or above this routes straight to its department."""
    ambiguity_gap: float = attrs.field(default=0.15, validator=_fraction)
    """The top intent must lead the second by at least this much, or the message is ambiguous."""
    critical_threshold: float = attrs.field(default=0.20, validator=_fraction)
    """For classifiers that detect nothing (models): a critical intent at or above this is critical.

    An intent the classifier *detected* (the built-in one: any of its keywords found) is critical
    whatever its confidence, so many other keywords never dilute a Procon threat away.
    """
    critical_intents: frozenset[Intent] = attrs.field(
        default=frozenset({Intent.CANCELLATION, Intent.OMBUDSMAN}), converter=_intents
    )
    """Intents that never stay with the bot (raised priority, their own queue)."""
    max_clarifications: int = attrs.field(default=1, validator=not_negative)
    """Clarifying questions per conversation before an unclear message goes to a human."""
    offer_after: timedelta = attrs.field(default=timedelta(minutes=5), validator=positive)
    """Customer silence after which the 1 continue / 2 agent / 3 cancel menu is offered."""
    close_after: timedelta = attrs.field(default=timedelta(minutes=10), validator=positive)
    """Customer silence after which an unanswered menu closes the conversation."""
    calendar: BusinessCalendar | None = None
    """When humans work; None means always (no out-of-hours handling)."""
    destinations: Mapping[Intent, Destination] = attrs.field(
        factory=lambda: dict(DEFAULT_DESTINATIONS), converter=_destinations, hash=False
    )
    """The queue per intent; an intent left out goes to *general_destination*."""
    general_destination: Destination = GENERAL_QUEUE
    base_priority: Priority = Priority.MEDIUM
    raised_priority: Priority = Priority.HIGH
    """For explicit requests for a person, other languages and critical intents."""
    human_keywords: tuple[str, ...] = attrs.field(
        default=(
            "atendente", "humano", "humana", "falar com alguém", "falar com uma pessoa",
            "pessoa de verdade", "operador",
        ),
        converter=_human_keywords,
    )  # fmt: skip
    """Whole words anywhere in a message that ask for a person."""
    help_phrases: tuple[str, ...] = attrs.field(
        default=("não entendi", "não entendi nada", "ajuda", "me ajuda", "socorro"),
        converter=_help_phrases,
    )
    """A message that is only one of these asks for help (a person, at the base priority)."""
    human_option: str = "0"
    help_option: str = "nao_entendi"
    continue_option: str = "1"
    agent_option: str = "2"
    cancel_option: str = "3"
    texts: HandoffTexts = HandoffTexts()
    classifier: IntentClassifier = attrs.field(factory=KeywordIntentClassifier)
    language: LanguageGuesser = attrs.field(factory=StopwordLanguageGuesser)
    """Messages it calls Spanish or English go to a human; UNKNOWN stays with the bot."""

    def __attrs_post_init__(self) -> None:
        if self.close_after <= self.offer_after:
            raise ValidationError(
                "close_after must be longer than offer_after", field="close_after"
            )
        if self.raised_priority.rank < self.base_priority.rank:
            raise ValidationError(
                "raised_priority cannot be below base_priority", field="raised_priority"
            )
        options = [
            self.human_option,
            self.help_option,
            self.continue_option,
            self.agent_option,
            self.cancel_option,
        ]
        if any(not o.strip() or o != o.strip() for o in options) or len(set(options)) < 5:
            raise ValidationError("menu options must be distinct and non-blank", field="options")

    @property
    def menu_grace(self) -> timedelta:
        """How long an offered menu waits for an answer: close_after - offer_after."""
        return self.close_after - self.offer_after

    def destination_for(self, intent: Intent | None) -> Destination:
        """The queue of *intent* (the general queue for None or an unmapped intent)."""
        if intent is None:
            return self.general_destination
        return self.destinations.get(intent, self.general_destination)


def is_ambiguous(ranking: RankedIntents, policy: HandoffPolicy) -> bool:
    """Some intent has a confidence and the top one leads the second by less than the gap."""
    return ranking.top_confidence > 0 and ranking.gap < policy.ambiguity_gap


def critical_intent(ranking: RankedIntents, policy: HandoffPolicy) -> Intent | None:
    """The most likely critical intent that was detected, or scored at or above the threshold.

    Detected means the classifier found its words in the message (any keyword of it, for the
    built-in classifier), whatever the confidence; otherwise the confidence must be above 0 and
    at or above ``critical_threshold``. Ties go to the ranking's order.
    """
    for score in ranking.scores:
        if score.intent not in policy.critical_intents:
            continue
        scored = score.confidence > 0 and score.confidence >= policy.critical_threshold
        if score.intent in ranking.detected or scored:
            return score.intent
    return None
