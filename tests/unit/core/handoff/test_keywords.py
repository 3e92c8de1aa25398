"""The default keyword table on everyday ISP phrasings, longer phrases first, stretched letters."""

from __future__ import annotations

import pytest

from lia_core.errors import ValidationError
from lia_core.handoff import Intent, KeywordIntentClassifier

from .oracle import keyword_hits

CLASSIFIER = KeywordIntentClassifier()


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("estou sem sinal", Intent.SUPPORT),
        ("o sinal está fraco", Intent.SUPPORT),
        ("sinal fraco", Intent.SUPPORT),
        ("a internet fica caindo", Intent.SUPPORT),
        ("minha internet foi cortada", Intent.SUPPORT),
        ("cortaram minha internet", Intent.SUPPORT),
        ("tô sem net", Intent.SUPPORT),
        ("a NET tá ruim", Intent.SUPPORT),
        ("velocidade baixa", Intent.SUPPORT),
        ("a internet está oscilando", Intent.SUPPORT),
        ("conexão instável", Intent.SUPPORT),
        ("preciso da 2 via", Intent.FINANCIAL),
        ("manda a 2ª via", Intent.FINANCIAL),
        ("quero a segunda via", Intent.FINANCIAL),
        ("qual o valor da mensalidade", Intent.FINANCIAL),
        ("me passa o código de barras", Intent.FINANCIAL),
        ("posso pagar no pix", Intent.FINANCIAL),
        ("a fatura veio alta", Intent.FINANCIAL),
        ("cobrança indevida", Intent.FINANCIAL),
        ("quero aumentar a velocidade", Intent.COMMERCIAL),
        ("qual a velocidade do plano de 500", Intent.COMMERCIAL),
        ("vou mudar de casa", Intent.COMMERCIAL),
        ("mudança de endereço", Intent.COMMERCIAL),
        ("o pagamento está demorando para processar", Intent.FINANCIAL),
    ],
)
def test_everyday_phrasings_route_to_their_department(text: str, intent: Intent) -> None:
    """Common ISP phrasings without the older keywords now reach the routing threshold."""
    ranking = CLASSIFIER.classify(text)
    assert ranking.top is not None
    assert ranking.top.intent is intent
    assert ranking.top_confidence >= 0.8


@pytest.mark.parametrize(
    "text",
    [
        "vou processar vocês",
        "vou te processar",
        "isso vai virar ação judicial",
        "vou chamar meu advogado",
        "vou no juizado de pequenas causas",
        "abri um processo judicial",
    ],
)
def test_legal_threats_are_ombudsman(text: str) -> None:
    """Phrases of a legal threat are ombudsman keywords; bare "processar" is not."""
    assert Intent.OMBUDSMAN in CLASSIFIER.classify(text).detected
    assert Intent.OMBUDSMAN not in CLASSIFIER.classify("vai processar amanhã").detected


def test_a_longer_phrase_outranks_the_word_inside_it() -> None:
    """ "velocidade baixa" counts as support only; a separate "velocidade" still counts."""
    assert CLASSIFIER.hits("velocidade baixa") == {Intent.SUPPORT: ("velocidade baixa",)}
    assert CLASSIFIER.hits("sem sinal") == {Intent.SUPPORT: ("sem sinal",)}
    both = CLASSIFIER.hits("velocidade baixa, quero mais velocidade")
    assert both == {Intent.SUPPORT: ("velocidade baixa",), Intent.COMMERCIAL: ("velocidade",)}


def test_stretched_letters_count_once() -> None:
    """ "cancelaaaar" and "lentaaa" are "cancelar" and "lenta"; a doubled letter stays."""
    assert CLASSIFIER.hits("cancelaaaar") == {Intent.CANCELLATION: ("cancelar",)}
    assert CLASSIFIER.hits("internet LENTAAA") == {Intent.SUPPORT: ("lenta",)}
    assert CLASSIFIER.hits("quero assinar") == {Intent.COMMERCIAL: ("assinar",)}


def test_cancelling_the_direct_debit_is_a_cancellation_on_purpose() -> None:
    """ "cancelar o débito automático" is detected as a cancellation too (docs: Limits)."""
    ranking = CLASSIFIER.classify("quero cancelar o débito automático")
    assert ranking.detected == {Intent.FINANCIAL, Intent.CANCELLATION}


def test_a_weak_word_counts_for_an_intent_with_a_word_of_its_own() -> None:
    """ "plano" beside "aumentar a velocidade" stays commercial, even with a cancellation in it.

    A weak word is dropped only from intents that have nothing else: here commercial has a
    strong keyword, so both its words count against the one cancellation keyword.
    """
    hits = CLASSIFIER.hits("quero aumentar a velocidade do plano ou vou cancelar")
    assert hits == {
        Intent.COMMERCIAL: ("aumentar a velocidade", "plano"),
        Intent.CANCELLATION: ("cancelar",),
    }
    assert CLASSIFIER.hits("quero cancelar meu plano") == {Intent.CANCELLATION: ("cancelar",)}


@pytest.mark.parametrize(
    "text",
    [
        "A internet caiu de novo, estou sem internet, o wifi não conecta e o roteador está "
        "com luz vermelha. Vou no PROCON!",
        "internet lenta, caindo, wifi travando, roteador com luz vermelha, quero cancelar",
        "velocidade baixa e quero aumentar a velocidade",
        "sem sinal sinal fraco sinal",
    ],
)
def test_hits_agree_with_the_oracle(text: str) -> None:
    """The classifier's counted keywords match the regex oracle's, long messages included."""
    counts = {intent: len(words) for intent, words in CLASSIFIER.hits(text).items()}
    assert counts == {i: n for i, n in keyword_hits(text).items() if n}


@pytest.mark.parametrize(
    "keywords",
    [
        {Intent.SUPPORT: "sem sinal"},
        {"sales": ("venda",)},
        {Intent.SUPPORT: ("sinal", 3)},
        ["sem sinal"],
    ],
)
def test_bad_keyword_tables_name_the_field(keywords: object) -> None:
    """A bare str (split into letters), an unknown intent or a non-str keyword: ValidationError."""
    with pytest.raises(ValidationError) as error:
        KeywordIntentClassifier(keywords=keywords)  # type: ignore[arg-type]
    assert error.value.field == "keywords"
