"""`StopwordLanguageGuesser.guess` against its documented rule, over any stop-word table.

The built-in table always has three languages, so the rule's edges (one or two languages, none
at all, a table without Portuguese, a single stop-word) are drawn here: a table of made-up
words per language, a message of those words, and the rule applied to the counts by hand.
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from lia_core.handoff import Language
from lia_core.handoff.language import StopwordLanguageGuesser

SPOKEN = (Language.PORTUGUESE, Language.SPANISH, Language.ENGLISH)


def expected(counts: dict[Language, int], min_hits: int) -> Language:
    """The rule: a Portuguese word is never foreign; another language must lead clearly."""
    best = max(counts.values(), default=0)
    leaders = [language for language, hits in counts.items() if hits == best]
    if best == 0 or len(leaders) > 1:
        return Language.UNKNOWN
    [leader] = leaders
    if leader is Language.PORTUGUESE:
        return leader
    if counts.get(Language.PORTUGUESE, 0) == 0 and best >= min_hits:
        return leader
    return Language.UNKNOWN


@st.composite
def cases(draw: st.DrawFn) -> tuple[StopwordLanguageGuesser, str, dict[Language, int]]:
    """A guesser over 0-3 languages (words "pt0", "es1" …), a message, and its stop-word counts."""
    languages = draw(st.lists(st.sampled_from(SPOKEN), unique=True, max_size=3))
    table = {language: [f"{language.value}{i}" for i in range(3)] for language in languages}
    guesser = StopwordLanguageGuesser(stopwords=table, min_hits=draw(st.integers(1, 3)))
    counts = {language: draw(st.integers(0, 4)) for language in languages}
    words = [table[language][i % 3] for language, n in counts.items() for i in range(n)]
    words += ["boleto"] * draw(st.integers(0, 2))  # a word of no language
    text = " ".join(draw(st.permutations(words)))
    return guesser, text, counts


@given(cases())
@example(  # two languages tied: neither leads
    (
        StopwordLanguageGuesser(
            stopwords={Language.PORTUGUESE: ["pt0"], Language.ENGLISH: ["en0"]}
        ),
        "pt0 en0",
        {Language.PORTUGUESE: 1, Language.ENGLISH: 1},
    )
)
@example(  # two foreign languages tied
    (
        StopwordLanguageGuesser(
            stopwords={Language.SPANISH: ["es0"], Language.ENGLISH: ["en0"]}, min_hits=1
        ),
        "es0 en0",
        {Language.SPANISH: 1, Language.ENGLISH: 1},
    )
)
def test_guess_follows_the_rule(
    case: tuple[StopwordLanguageGuesser, str, dict[Language, int]],
) -> None:
    """Whatever the table, `guess` is the rule applied to the message's stop-word counts."""
    guesser, text, counts = case
    assert dict(guesser.hits(text)) == counts
    assert guesser.guess(text) is expected(counts, guesser.min_hits)


def test_one_portuguese_word_is_portuguese() -> None:
    """The built-in table: a single Portuguese stop-word is Portuguese, not merely "not foreign"."""
    assert StopwordLanguageGuesser().guess("oi") is Language.PORTUGUESE
    assert StopwordLanguageGuesser().guess("boleto") is Language.UNKNOWN
