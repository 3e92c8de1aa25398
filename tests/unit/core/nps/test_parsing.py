"""Free-text answers in Brazilian Portuguese: one clear 0-10 number is read, anything else refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.domain.text import fold
from lia_core.nps import ParsedScore, RefusalReason, UnparsedAnswer, parse_answer
from lia_core.nps.parsing import NUMBER_WORDS
from lia_core.testing.nps import written_scores
from tests.unit.core.nps._profile import PROPERTIES


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("9", 9),
        ("nota 9", 9),
        ("10!!", 10),
        ("dez", 10),
        ("nove", 9),
        ("minha nota é 7", 7),
        ("zero", 0),
        ("NOTA DEZ", 10),
        ("Três", 3),
        ("tres", 3),
        ("dou um 10", 10),
        ("um", 1),
        ("Nota - 9", 9),
        ("10 de 10", 10),
        ("nota10", 10),
        ("\uff11\uff10", 10),
    ],
)
def test_examples_are_read(text: str, score: int) -> None:
    """The issue's examples and common variants parse to their score."""
    assert parse_answer(text) == ParsedScore(score=score)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("100", RefusalReason.OUT_OF_RANGE),
        ("de 0 a 10", RefusalReason.AMBIGUOUS),
        ("9 ou 10", RefusalReason.AMBIGUOUS),
        ("9, 10", RefusalReason.AMBIGUOUS),
        ("", RefusalReason.EMPTY),
        ("   ", RefusalReason.EMPTY),
        ("ótimo", RefusalReason.NO_NUMBER),
        ("9,5", RefusalReason.DECIMAL),
        ("nota 8.5", RefusalReason.DECIMAL),
        ("-1", RefusalReason.OUT_OF_RANGE),
        ("onze", RefusalReason.OUT_OF_RANGE),
        ("nota mil", RefusalReason.OUT_OF_RANGE),
        ("9" * 5000, RefusalReason.OUT_OF_RANGE),
        ("sete ou oito", RefusalReason.AMBIGUOUS),
    ],
)
def test_ambiguous_or_out_of_range_is_refused_with_a_reason(
    text: str, reason: RefusalReason
) -> None:
    """Refusals carry the reason so the survey can ask once more."""
    result = parse_answer(text)
    assert isinstance(result, UnparsedAnswer)
    assert result.reason is reason
    assert result.explanation


@PROPERTIES
@given(written_scores())
def test_every_score_in_a_common_phrasing_parses_to_itself(case: tuple[int, str]) -> None:
    """0-10 in digits or words, any case, with or without accents, inside a phrasing."""
    score, text = case
    assert parse_answer(text) == ParsedScore(score=score)


_FILLERS = ("nota", "acho", "que", "ou", "talvez", "de", "a", "entre", "e", "!!", "...", "?")
_WORDS_BUT_ARTICLES = {v: w for w, v in NUMBER_WORDS.items() if w not in ("um", "uma")}


@st.composite
def written_number(draw: st.DrawFn, value: int) -> str:
    """*value* as digits, or as a word when it has a non-article word."""
    if value in _WORDS_BUT_ARTICLES and draw(st.booleans()):
        return _WORDS_BUT_ARTICLES[value]
    return str(value)


@st.composite
def two_numbers(draw: st.DrawFn) -> tuple[int, int, str]:
    """A text holding two different numbers among filler words."""
    a, b = draw(
        st.lists(st.integers(min_value=0, max_value=200), min_size=2, max_size=2, unique=True)
    )
    fill = st.lists(st.sampled_from(_FILLERS), max_size=3).map(" ".join)
    parts = [draw(fill), draw(written_number(a)), draw(fill), draw(written_number(b)), draw(fill)]
    return a, b, " ".join(parts)


@PROPERTIES
@given(two_numbers())
def test_any_text_with_two_different_numbers_is_refused(case: tuple[int, int, str]) -> None:
    """Two different numbers are never guessed between; in range, the reason is AMBIGUOUS."""
    a, b, text = case
    result = parse_answer(text)
    assert isinstance(result, UnparsedAnswer)
    if a <= 10 and b <= 10:
        assert result.reason is RefusalReason.AMBIGUOUS
        assert set(result.numbers) == {a, b}


@PROPERTIES
@given(st.text(alphabet=st.characters(exclude_categories=["Nd"]), max_size=30))
def test_text_without_digits_or_number_words_is_never_a_score(text: str) -> None:
    """Without a digit or number word (after folding: "²" is 2), nothing is read."""
    result = parse_answer(text)
    folded = fold(text)
    if not set(folded.split()) & set(NUMBER_WORDS) and not any(c.isdigit() for c in folded):
        assert isinstance(result, UnparsedAnswer)
