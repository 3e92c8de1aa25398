"""Is a message in Portuguese? A port, and a deterministic stop-word guesser built for WhatsApp.

Statistical detectors need sentences; WhatsApp messages are often "ok", "2", "👍" or a few
words, and customers mix languages ("tô sem internet, help me please"). The built-in guesser
counts very common words that belong to one language; one Portuguese word is enough for a
message never to be foreign, and a foreign language must clearly lead, so short, mixed and
ambiguous messages stay with the bot. Plug a real detector in through `LanguageGuesser`.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Protocol

import attrs

from lia_core.domain.text import fold
from lia_core.errors import ValidationError

__all__ = ["DEFAULT_STOPWORDS", "Language", "LanguageGuesser", "StopwordLanguageGuesser"]


class Language(enum.StrEnum):
    """A guessed language; UNKNOWN never sends a conversation to a human by itself."""

    PORTUGUESE = "pt"
    SPANISH = "es"
    ENGLISH = "en"
    UNKNOWN = "unknown"


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


DEFAULT_STOPWORDS: Mapping[Language, frozenset[str]] = {
    Language.PORTUGUESE: _set(
        "nao voce voces meu minha meus minhas estou estava tenho quero preciso isso obrigado "
        "obrigada oi ola bom boa noite com uma pra pro ta sim ja ainda nem agora hoje quando "
        "onde ele ela eles sou foi fica ficou pode vou vai tô tá né ne cê vc vcs pq q num tb tbm"
    ),
    Language.SPANISH: _set(
        "el los las usted ustedes tengo quiero necesito hola gracias pero muy ahora hoy "
        "cuando estoy puedo mi mis su sus es son del al y"
    ),
    Language.ENGLISH: _set(
        "the is are am my i you your we hello hi please thanks thank not have has want need "
        "it this that with and of can cant dont doesnt working help what why how"
    ),
}
"""Words that mark a language, matched without case or punctuation.

A word written without accents matches with or without them ("nao" matches "não"); a word
written with accents matches only so written ("tô", not the English "to"). A word listed for
two languages marks neither; "aqui" is left out of Portuguese because Spanish writes "aquí".
"""


def _key(word: str) -> str:
    """How a listed word is matched: folded, unless its accents are part of it ("tô")."""
    marked = " ".join(_marked_words(word))
    return marked if fold(marked) != marked else fold(marked)


def _marked_words(text: str) -> list[str]:
    """The words of *text* in lower case with their accents (composed), punctuation dropped."""
    lowered = unicodedata.normalize("NFC", text.casefold())
    return "".join(
        ch if ch.isalnum() or unicodedata.combining(ch) else " " for ch in lowered
    ).split()


class LanguageGuesser(Protocol):
    """Guesses the language of a customer's message (deterministic, never raises)."""

    def guess(self, text: str) -> Language:
        """The language of *text*, or `Language.UNKNOWN` when it cannot tell."""
        ...


_LANGUAGES = {language.value: language for language in Language}


def _language(value: object) -> Language:
    if isinstance(value, str) and value in _LANGUAGES:
        return _LANGUAGES[value]
    raise ValidationError(f"unknown language {value!r}", field="stopwords")


def _words(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        raise ValidationError("stopwords takes a set of words, not one str", field="stopwords")
    return frozenset(_key(w) for w in value) - {""}


def _disjoint(table: Mapping[Language, Iterable[str]]) -> Mapping[Language, frozenset[str]]:
    if not isinstance(table, Mapping):
        raise ValidationError("stopwords maps languages to words", field="stopwords")
    folded = {_language(k): _words(v) for k, v in table.items()}
    if Language.UNKNOWN in folded:
        raise ValidationError("UNKNOWN cannot have stop-words", field="stopwords")
    return {
        language: words.difference(*(w for other, w in folded.items() if other is not language))
        for language, words in folded.items()
    }


def _at_least_one(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise ValidationError(f"{attribute.name} must be at least 1", field=attribute.name)


@attrs.frozen(kw_only=True)
class StopwordLanguageGuesser:
    """Counts each language's stop-words among the words of a message.

    A message with a Portuguese stop-word is never foreign: Portuguese when Portuguese strictly
    leads, else UNKNOWN (mixed). Without one, the answer is another language only when it has
    at least *min_hits* stop-words and strictly more than every other language; anything else
    (a tie, no stop-word, a digit or an emoji) is UNKNOWN.
    """

    stopwords: Mapping[Language, frozenset[str]] = attrs.field(
        default=DEFAULT_STOPWORDS, converter=_disjoint, hash=False
    )
    min_hits: int = attrs.field(default=2, validator=_at_least_one)
    """Stop-words a foreign language needs before a message counts as foreign."""

    def hits(self, text: str) -> Mapping[Language, int]:
        """How many words of *text* are stop-words of each language."""
        words = [{w, fold(w)} for w in _marked_words(text)]
        return {
            lang: sum(not spellings.isdisjoint(table) for spellings in words)
            for lang, table in self.stopwords.items()
        }

    def guess(self, text: str) -> Language:
        """The leading language of *text* (see the class docstring)."""
        hits = self.hits(text)
        counts = sorted(hits.items(), key=lambda item: -item[1])
        if not counts or counts[0][1] == 0:
            return Language.UNKNOWN
        (leader, best), runner_up = counts[0], counts[1][1] if len(counts) > 1 else 0
        if best == runner_up:
            return Language.UNKNOWN
        if leader is Language.PORTUGUESE:
            return leader
        if hits.get(Language.PORTUGUESE, 0) == 0 and best >= self.min_hits:
            return leader
        return Language.UNKNOWN
