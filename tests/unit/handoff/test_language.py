"""The stop-word language guesser: foreign only when clear, unknown for short replies."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.errors import ValidationError
from lia_core.handoff import Language, StopwordLanguageGuesser
from lia_core.testing.handoff import FOREIGN_MESSAGES, SHORT_REPLIES, keyword_texts

GUESSER = StopwordLanguageGuesser()


@pytest.mark.parametrize("text", SHORT_REPLIES)
def test_short_replies_are_unknown(text: str) -> None:
    """ "ok", digits, emoji and punctuation say nothing about the language."""
    assert GUESSER.guess(text) is Language.UNKNOWN


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hello, my internet is not working", Language.ENGLISH),
        ("Hola, tengo un problema con mi factura", Language.SPANISH),
        ("Oi, estou sem internet desde ontem", Language.PORTUGUESE),
        ("to sem internet", Language.UNKNOWN),
        ("hi", Language.UNKNOWN),
        ("internet not working", Language.ENGLISH),
        ("internet working", Language.UNKNOWN),
        ("oi, my internet", Language.UNKNOWN),
    ],
)
def test_examples(text: str, language: Language) -> None:
    """A foreign language needs two of its stop-words and the lead; one word or a tie is unknown."""
    assert GUESSER.guess(text) is language


@pytest.mark.parametrize("text", FOREIGN_MESSAGES)
def test_the_foreign_samples_are_foreign(text: str) -> None:
    """The strategies' English and Spanish samples are recognised as such."""
    assert GUESSER.guess(text) in (Language.ENGLISH, Language.SPANISH)


def test_shared_words_are_dropped_and_bad_settings_refused() -> None:
    """A word listed for two languages marks neither; UNKNOWN and min_hits 0 are refused."""
    guesser = StopwordLanguageGuesser(
        stopwords={
            Language.PORTUGUESE: frozenset({"de", "oi"}),
            Language.SPANISH: frozenset({"de"}),
        }
    )
    assert guesser.stopwords[Language.PORTUGUESE] == frozenset({"oi"})
    assert guesser.stopwords[Language.SPANISH] == frozenset()
    with pytest.raises(ValidationError):
        StopwordLanguageGuesser(stopwords={Language.UNKNOWN: frozenset({"x"})})
    with pytest.raises(ValidationError):
        StopwordLanguageGuesser(min_hits=0)


@given(keyword_texts())
def test_portuguese_messages_are_never_foreign(text: str) -> None:
    """Keyword and filler mixes in any case or accents stay Portuguese or unknown."""
    assert GUESSER.guess(text) in (Language.PORTUGUESE, Language.UNKNOWN)


@given(st.text(alphabet=st.characters(categories=("N", "P", "S", "Z")), max_size=30))
def test_text_without_letters_is_unknown(text: str) -> None:
    """Numbers, emoji and punctuation only: always unknown."""
    assert GUESSER.guess(text) is Language.UNKNOWN
