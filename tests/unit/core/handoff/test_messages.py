"""The reviewer's messages end to end: critical intents are never diluted, mixed pt-en stays put."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lia_core.handoff import (
    AskClarifyingQuestion,
    ConversationState,
    CustomerMessage,
    Decision,
    HandoffPolicy,
    HandoffReason,
    HandToHuman,
    Intent,
    Priority,
    RouteToDepartment,
    SupportLevel,
    decide_handoff,
)

from .oracle import expected_message_outcome

T0 = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # a Monday, 11:00 in São Paulo
POLICY = HandoffPolicy()
START = ConversationState.start(T0)


def say(text: str, policy: HandoffPolicy = POLICY) -> Decision:
    """The decision for a first customer message at T0."""
    return decide_handoff(START, CustomerMessage(text=text), policy, now=T0)


@pytest.mark.parametrize(
    ("text", "intent", "queue"),
    [
        ("Quero cancelar minha internet", Intent.CANCELLATION, "retencao"),
        ("vou reclamar na ANATEL", Intent.OMBUDSMAN, "ouvidoria"),
        ("a internet caiu de novo, vou no procon", Intent.OMBUDSMAN, "ouvidoria"),
        ("meu advogado vai entrar em contato", Intent.OMBUDSMAN, "ouvidoria"),
        (
            "A internet caiu de novo, estou sem internet, o wifi não conecta e o roteador está "
            "com luz vermelha. Vou no PROCON!",
            Intent.OMBUDSMAN,
            "ouvidoria",
        ),
        (
            "internet lenta, caindo, wifi travando, roteador com luz vermelha, quero cancelar",
            Intent.CANCELLATION,
            "retencao",
        ),
        (
            "internet caiu, wifi, roteador, modem, luz vermelha... vou processar vocês",
            Intent.OMBUDSMAN,
            "ouvidoria",
        ),
        ("quero cancelar o débito automático", Intent.CANCELLATION, "retencao"),
        ("cancelaaaar", Intent.CANCELLATION, "retencao"),
    ],
)
@pytest.mark.parametrize("threshold", [0.20, 1.0])
def test_critical_intents_go_to_a_human_with_raised_priority(
    text: str, intent: Intent, queue: str, threshold: float
) -> None:
    """Cancellation, Anatel, Procon and lawyers skip the bot, raised, however many other keywords."""
    decision = say(text, HandoffPolicy(critical_threshold=threshold))
    assert isinstance(decision, HandToHuman), decision
    assert decision.handoff.reason is HandoffReason.CRITICAL_INTENT
    assert decision.handoff.intent is intent
    assert decision.handoff.destination.queue == queue
    assert decision.handoff.destination.level is SupportLevel.N2
    assert decision.handoff.priority is Priority.HIGH


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("o pagamento está demorando para processar", Intent.FINANCIAL),
        ("tô sem internet, help me please", Intent.SUPPORT),
        ("Hello, my internet is not working, sem sinal", Intent.SUPPORT),
        ("sem sinal desde ontem", Intent.SUPPORT),
        ("preciso da 2 via", Intent.FINANCIAL),
        ("velocidade baixa", Intent.SUPPORT),
        ("quero aumentar a velocidade", Intent.COMMERCIAL),
        ("vou mudar de casa", Intent.COMMERCIAL),
        ("internet lentaaa", Intent.SUPPORT),
    ],
)
def test_ordinary_messages_route_to_their_department(text: str, intent: Intent) -> None:
    """No false lawsuit, no language handoff for mixed text, new phrasings routed at base priority."""
    decision = say(text)
    assert isinstance(decision, RouteToDepartment), decision
    assert decision.intent is intent
    assert decision.priority is Priority.MEDIUM


def test_mixed_text_without_a_keyword_asks_instead_of_handing_over() -> None:
    """ "tô aqui, help me please": a Portuguese word, no keyword, so the bot asks its question."""
    decision = say("tô aqui, help me please")
    assert isinstance(decision, AskClarifyingQuestion)


def test_clearly_foreign_text_still_goes_to_a_human() -> None:
    """English with no Portuguese word and no keyword is handed over for its language."""
    decision = say("Hi, I want to talk to someone about my bill please")
    assert isinstance(decision, HandToHuman)
    assert decision.handoff.reason is HandoffReason.LANGUAGE


@pytest.mark.parametrize(
    "text",
    [
        "A internet caiu de novo, estou sem internet, o wifi não conecta e o roteador está com "
        "luz vermelha. Vou no PROCON!",
        "internet lenta, caindo, wifi travando, roteador com luz vermelha, quero cancelar",
        "o pagamento está demorando para processar",
        "tô sem internet, help me please",
        "quero cancelar o débito automático",
        "Hola, necesito pagar mi factura",
    ],
)
def test_the_oracle_agrees_on_the_reviewers_messages(text: str) -> None:
    """The independent oracle gives the same decision, reason, priority and intent."""
    decision = say(text)
    kind, reason, priority, intent = expected_message_outcome(START, text, POLICY)
    assert type(decision) is kind
    if isinstance(decision, HandToHuman):
        record = decision.handoff
        assert (record.reason, record.priority, record.intent) == (reason, priority, intent)
