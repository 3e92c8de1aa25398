"""Routing on the words customers type: pt-BR variants, accents, case, typos and stretched letters."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.handoff import (
    ConversationState,
    CustomerMessage,
    HandoffPolicy,
    HandoffReason,
    HandToHuman,
    Intent,
    KeywordIntentClassifier,
    Priority,
    RouteToDepartment,
    decide_handoff,
)

T0 = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # a Monday, 11:00 in São Paulo
POLICY = HandoffPolicy()
CLASSIFIER = KeywordIntentClassifier()


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("quero cancelar meu plano", Intent.CANCELLATION),
        ("Quero cancelar o plano", Intent.CANCELLATION),
        ("QUERO CANCELAR MEU PLANO!!!", Intent.CANCELLATION),
        ("quero canselar meu plano", Intent.CANCELLATION),
        ("kero cancela o plano", Intent.CANCELLATION),
        ("cancelamento do plano por favor", Intent.CANCELLATION),
        ("quero encerrar meu plano", Intent.CANCELLATION),
        ("preciso da segunda via do boleto do plano", Intent.FINANCIAL),
        ("2a via da fatura", Intent.FINANCIAL),
        ("meu plano está lento", Intent.SUPPORT),
        ("qual o preço do plano de 500 mega", Intent.COMMERCIAL),
        ("quero mudar de plano", Intent.COMMERCIAL),
        ("planos disponíveis?", Intent.COMMERCIAL),
    ],
)
def test_the_top_intent_of_what_customers_write(text: str, intent: Intent) -> None:
    """The word "plano" no longer outranks the verb that says what the customer wants."""
    ranking = CLASSIFIER.classify(text)
    assert ranking.top is not None
    assert ranking.top.intent is intent, ranking
    assert ranking.top.confidence >= POLICY.confidence_threshold


def test_a_cancellation_reaches_retention_with_raised_priority() -> None:
    """ "quero cancelar meu plano" goes to the cancellation (retention) queue, HIGH, at once."""
    start = ConversationState.start(T0)
    decision = decide_handoff(start, CustomerMessage(text="quero cancelar meu plano"), now=T0)
    assert isinstance(decision, HandToHuman)
    assert decision.handoff.intent is Intent.CANCELLATION
    assert decision.handoff.destination.queue == "retencao"
    assert decision.handoff.reason is HandoffReason.CRITICAL_INTENT
    assert decision.handoff.priority is Priority.HIGH


_PREFIXES = ("", "quero ", "eu quero ", "preciso ", "gostaria de ", "kero ", "por favor ")
_CANCEL = ("cancelar", "cancela", "cancelamento do", "canselar", "cancelr", "cancelar o meu")
_OBJECTS = ("", " meu plano", " o plano", " a internet", " minha internet", " o contrato")
_FINANCIAL = ("segunda via do boleto", "2 via da fatura", "boleto", "pagar a fatura")
_SUFFIXES = ("", "!", " agora", " por favor", "!!", " urgente")


def _accented(text: str, draw_flags: list[bool]) -> str:
    """*text* with some vowels accented and some letters upper-cased (what phones do)."""
    out = []
    for char, flag in zip(text, draw_flags + [False] * len(text), strict=False):
        if flag and char in "aeiou":
            char = unicodedata.normalize("NFC", char + "\u0301")
        elif flag:
            char = char.upper()
        out.append(char)
    return "".join(out)


@st.composite
def _cancellation(draw: st.DrawFn) -> str:
    text = (
        draw(st.sampled_from(_PREFIXES))
        + draw(st.sampled_from(_CANCEL))
        + draw(st.sampled_from(_OBJECTS))
        + draw(st.sampled_from(_SUFFIXES))
    )
    flags = draw(st.lists(st.booleans(), max_size=len(text)))
    return _accented(text, flags)


@st.composite
def _financial(draw: st.DrawFn) -> str:
    text = (
        draw(st.sampled_from(_PREFIXES))
        + draw(st.sampled_from(_FINANCIAL))
        + draw(st.sampled_from(("", " do plano", " do meu plano", " deste mês")))
        + draw(st.sampled_from(_SUFFIXES))
    )
    flags = draw(st.lists(st.booleans(), max_size=len(text)))
    return _accented(text, flags)


@given(_cancellation())
def test_every_way_of_asking_to_cancel_goes_to_retention_raised(text: str) -> None:
    """Any phrasing of the grammar (prefix, verb variant, object, accents, case) is a cancellation."""
    top = CLASSIFIER.classify(text).top
    assert top is not None
    assert top.intent is Intent.CANCELLATION, text
    decision = decide_handoff(ConversationState.start(T0), CustomerMessage(text=text), now=T0)
    assert isinstance(decision, HandToHuman), (text, decision)
    assert decision.handoff.destination.queue == "retencao"
    assert decision.handoff.priority is POLICY.raised_priority


@given(_financial())
def test_every_way_of_asking_for_the_bill_routes_to_financial(text: str) -> None:
    """A bill request, with or without "plano", is routed to financial by the shortcut."""
    decision = decide_handoff(ConversationState.start(T0), CustomerMessage(text=text), now=T0)
    assert isinstance(decision, RouteToDepartment), (text, decision)
    assert decision.intent is Intent.FINANCIAL
    assert decision.confidence >= POLICY.confidence_threshold
