"""The stop-word language guesser: foreign only when clear, unknown for short replies."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.errors import ValidationError
from lia_core.handoff import DEFAULT_STOPWORDS, Language, StopwordLanguageGuesser
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
        ("tô sem internet, help me please", Language.UNKNOWN),
        ("vc can help me please", Language.UNKNOWN),
        ("hello, this is not working, obrigado", Language.UNKNOWN),
        ("tô aqui né", Language.PORTUGUESE),
        ("pq tá assim?", Language.PORTUGUESE),
        ("Hola, aquí no tengo internet", Language.SPANISH),
        ("I want to talk to you", Language.ENGLISH),
    ],
)
def test_examples(text: str, language: Language) -> None:
    """Foreign needs two of its stop-words, the lead and no Portuguese one; mixed is unknown."""
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


def test_accented_stop_words_match_only_with_their_accents() -> None:
    """ "tô" marks Portuguese but "to" does not; plain "nao" matches "não" and "nao"."""
    assert GUESSER.hits("tô")[Language.PORTUGUESE] == 1
    assert GUESSER.hits("to")[Language.PORTUGUESE] == 0
    assert GUESSER.hits("não nao NÃO")[Language.PORTUGUESE] == 3


def test_the_default_stop_words_are_disjoint() -> None:
    """No default stop-word is dropped for being shared, so the documented lists are the real ones."""
    assert {k: len(v) for k, v in GUESSER.stopwords.items()} == {
        k: len(v) for k, v in DEFAULT_STOPWORDS.items()
    }


@pytest.mark.parametrize(
    "stopwords",
    [{Language.ENGLISH: "the"}, {"fr": frozenset({"le"})}, [Language.ENGLISH]],
)
def test_bad_stop_word_tables_name_the_field(stopwords: object) -> None:
    """A bare str (split into letters) or an unknown language is a ValidationError on stopwords."""
    with pytest.raises(ValidationError) as error:
        StopwordLanguageGuesser(stopwords=stopwords)  # type: ignore[arg-type]
    assert error.value.field == "stopwords"


@given(keyword_texts(), st.sampled_from(("help me please", "please help", "hello, I need help")))
def test_portuguese_with_english_words_is_never_foreign(text: str, english: str) -> None:
    """A Portuguese stop-word anywhere keeps a mixed message from being foreign."""
    assert GUESSER.guess(f"oi {text}, {english}") in (Language.PORTUGUESE, Language.UNKNOWN)


@given(keyword_texts())
def test_portuguese_messages_are_never_foreign(text: str) -> None:
    """Keyword and filler mixes in any case or accents stay Portuguese or unknown."""
    assert GUESSER.guess(text) in (Language.PORTUGUESE, Language.UNKNOWN)


@given(st.text(alphabet=st.characters(categories=("N", "P", "S", "Z")), max_size=30))
def test_text_without_letters_is_unknown(text: str) -> None:
    """Numbers, emoji and punctuation only: always unknown."""
    assert GUESSER.guess(text) is Language.UNKNOWN


def test_punctuation_around_a_stop_word_is_ignored() -> None:
    """ "tô!" is the stop-word "tô" (matched with its accent), and "Hello, thanks!" holds two
    English ones: commas and marks are not part of words."""
    assert GUESSER.hits("tô!")[Language.PORTUGUESE] == 1
    assert GUESSER.hits("Hello, thanks!")[Language.ENGLISH] == 2


def test_a_stop_word_given_with_its_accents_matches_only_so_written() -> None:
    """Built in the test (not at import): "tô" and "Não" keep their accents as keys."""
    guesser = StopwordLanguageGuesser(
        stopwords={Language.PORTUGUESE: {"tô", "Não"}, Language.ENGLISH: {"the"}}
    )
    assert guesser.stopwords[Language.PORTUGUESE] == frozenset({"tô", "não"})
    assert (
        guesser.hits("to nao")[Language.PORTUGUESE],
        guesser.hits("tô não")[Language.PORTUGUESE],
    ) == (0, 2)
