"""The intent port's values and the pt-BR keyword classifier, against the documented formula."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.errors import ValidationError
from lia_core.handoff import (
    HandoffPolicy,
    Intent,
    IntentScore,
    KeywordIntentClassifier,
    RankedIntents,
    critical_intent,
    is_ambiguous,
)
from lia_core.testing.handoff import accent_free, customer_texts, keyword_texts, ranked_intents

from .oracle import expected_confidences

CLASSIFIER = KeywordIntentClassifier()


def test_one_keyword_alone_scores_the_routing_threshold() -> None:
    """ "boleto" alone is financial at exactly 1 / 1.25 = 0.80; every other intent at 0."""
    ranking = CLASSIFIER.classify("Boleto")
    assert ranking.top == IntentScore(intent=Intent.FINANCIAL, confidence=0.8)
    assert [s.confidence for s in ranking.scores[1:]] == [0.0] * 4
    assert [s.intent for s in ranking.scores[1:]] == [
        Intent.SUPPORT,
        Intent.COMMERCIAL,
        Intent.CANCELLATION,
        Intent.OMBUDSMAN,
    ]


def test_two_intents_share_the_hits() -> None:
    """One support and one financial keyword give 1 / 2.25 each: a tie, broken by Intent order."""
    ranking = CLASSIFIER.classify("A internet está LENTA e o boleto não chegou")
    assert ranking.top == IntentScore(intent=Intent.SUPPORT, confidence=1 / 2.25)
    assert ranking.scores[1] == IntentScore(intent=Intent.FINANCIAL, confidence=1 / 2.25)
    assert ranking.gap == 0.0


def test_accents_case_and_punctuation_are_ignored() -> None:
    """ "COBRANÇA", "cobranca" and "cobrança!!" are the same keyword."""
    spellings = ["COBRANÇA indevida", "cobranca indevida", "...cobrança!! indevida"]
    rankings = {CLASSIFIER.classify(text) for text in spellings}
    assert len(rankings) == 1
    assert rankings.pop().top == IntentScore(intent=Intent.FINANCIAL, confidence=0.8)


def test_keywords_match_whole_words_only() -> None:
    """ "caiu" inside another word and "processo de instalação" are not what they look like."""
    assert CLASSIFIER.hits("o roteador caiunovamente") == {Intent.SUPPORT: ("roteador",)}
    hits = CLASSIFIER.hits("qual o processo de instalação?")
    assert hits == {Intent.COMMERCIAL: ("instalacao",)}


def test_repeating_a_keyword_counts_once() -> None:
    """A keyword typed three times is one hit."""
    assert CLASSIFIER.classify("boleto boleto BOLETO") == CLASSIFIER.classify("boleto")


def test_a_custom_table_replaces_the_default() -> None:
    """Integrators pass their own phrases; intents left out are never detected."""
    custom = KeywordIntentClassifier(keywords={Intent.SUPPORT: ("Sem Sinal", "sem sinal")})
    assert custom.keywords == {Intent.SUPPORT: ("sem sinal",)}
    assert custom.classify("boleto").scores == (IntentScore(intent=Intent.SUPPORT, confidence=0),)
    assert custom.classify("SEM SINAL").top_confidence == 0.8


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"keywords": {Intent.SUPPORT: ("!!",)}}, "keywords"),
        ({"smoothing": 0}, "smoothing"),
        ({"smoothing": float("nan")}, "smoothing"),
    ],
)
def test_bad_classifier_settings_are_refused(kwargs: dict[str, object], field: str) -> None:
    """Keywords that fold to nothing and a non-positive smoothing are validation errors."""
    with pytest.raises(ValidationError) as error:
        KeywordIntentClassifier(**kwargs)  # type: ignore[arg-type]
    assert error.value.field == field


def test_rankings_refuse_unsorted_repeated_or_out_of_range_scores() -> None:
    """RankedIntents keeps its invariants: sorted, each intent once, confidences in [0, 1]."""
    low = IntentScore(intent=Intent.SUPPORT, confidence=0.1)
    high = IntentScore(intent=Intent.FINANCIAL, confidence=0.9)
    with pytest.raises(ValidationError):
        RankedIntents(scores=(low, high))
    with pytest.raises(ValidationError):
        RankedIntents(scores=(low, low))
    with pytest.raises(ValidationError):
        IntentScore(intent=Intent.SUPPORT, confidence=1.5)
    assert RankedIntents.of([low, high]).scores == (high, low)
    assert RankedIntents.of({Intent.FINANCIAL: 0.9, Intent.SUPPORT: 0.1}).scores == (high, low)
    assert RankedIntents().top is None
    assert RankedIntents().gap == 0.0


def test_procon_is_critical_even_when_support_leads() -> None:
    """A Procon threat among two support complaints still names the ombudsman as critical."""
    ranking = CLASSIFIER.classify("internet caiu de novo, o wifi caiu, vou no procon")
    assert ranking.top is not None
    assert ranking.top.intent is Intent.SUPPORT
    assert critical_intent(ranking, HandoffPolicy()) is Intent.OMBUDSMAN


def test_a_critical_keyword_diluted_below_the_threshold_is_still_critical() -> None:
    """Six support keywords put Procon at 1/7.25 = 0.14 < 0.20: detected, so still critical."""
    text = "caiu, sem internet, wifi não conecta, roteador com luz vermelha. Vou no PROCON!"
    ranking = CLASSIFIER.classify(text)
    assert ranking.confidence(Intent.OMBUDSMAN) == pytest.approx(1 / 7.25)
    assert Intent.OMBUDSMAN in ranking.detected
    assert critical_intent(ranking, HandoffPolicy()) is Intent.OMBUDSMAN
    assert critical_intent(ranking, HandoffPolicy(critical_threshold=1.0)) is Intent.OMBUDSMAN


def test_without_detection_the_critical_threshold_decides() -> None:
    """A model's ranking (nothing detected) is critical only at or above critical_threshold."""
    ranking = RankedIntents.of({Intent.SUPPORT: 0.85, Intent.CANCELLATION: 0.15})
    assert critical_intent(ranking, HandoffPolicy()) is None
    assert critical_intent(ranking, HandoffPolicy(critical_threshold=0.15)) is Intent.CANCELLATION
    with pytest.raises(ValidationError):
        RankedIntents.of({Intent.SUPPORT: 0.0}, detected=[Intent.SUPPORT])
    with pytest.raises(ValidationError):
        RankedIntents.of({Intent.SUPPORT: 0.5}, detected="support")  # type: ignore[arg-type]
    named = RankedIntents.of({Intent.SUPPORT: 0.5}, detected=["support"])  # type: ignore[list-item]
    assert named.detected == {Intent.SUPPORT}


@given(ranked_intents(), st.sampled_from((0.0, 0.2, 0.5, 1.0)) | st.floats(0, 1))
def test_critical_is_detected_or_at_the_threshold(ranking: RankedIntents, threshold: float) -> None:
    """The critical intent is the best-ranked one detected or scoring above 0 and the threshold."""
    policy = HandoffPolicy(critical_threshold=threshold)
    expected = [
        s.intent
        for s in ranking.scores
        if s.intent in (Intent.CANCELLATION, Intent.OMBUDSMAN)
        and (s.intent in ranking.detected or 0 < s.confidence >= threshold)
    ]
    assert critical_intent(ranking, policy) == (expected[0] if expected else None)


@given(keyword_texts())
def test_confidences_follow_the_documented_formula(text: str) -> None:
    """Each confidence is distinct hits / (all hits + 0.25), ranked as documented."""
    ranking = CLASSIFIER.classify(text)
    assert [(s.intent, s.confidence) for s in ranking.scores] == expected_confidences(text)


@given(keyword_texts())
def test_accents_and_case_never_change_the_ranking(text: str) -> None:
    """Upper case, lower case or no accents: the same ranking."""
    ranking = CLASSIFIER.classify(text)
    for variant in (text.upper(), text.lower(), accent_free(text), accent_free(text).swapcase()):
        assert CLASSIFIER.classify(variant) == ranking


@given(customer_texts())
def test_every_text_gets_a_valid_ranking_of_all_intents(text: str) -> None:
    """Any string, emoji and noise included: five intents, in [0, 1), sorted, never raising."""
    ranking = CLASSIFIER.classify(text)
    assert {s.intent for s in ranking.scores} == set(Intent)
    assert all(0 <= s.confidence < 1 for s in ranking.scores)
    assert RankedIntents.of(ranking.scores, detected=ranking.detected) == ranking
    assert ranking.detected == {s.intent for s in ranking.scores if s.confidence > 0}


@given(ranked_intents(), st.floats(0, 1))
def test_ambiguity_is_a_gap_below_the_threshold(ranking: RankedIntents, gap: float) -> None:
    """Ambiguous exactly when some intent scores and the top two are closer than the gap."""
    policy = HandoffPolicy(ambiguity_gap=gap)
    confidences = [s.confidence for s in ranking.scores] + [0.0, 0.0]
    expected = confidences[0] > 0 and confidences[0] - confidences[1] < gap
    assert is_ambiguous(ranking, policy) is expected
