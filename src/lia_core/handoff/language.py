"""Is a message in Portuguese? A port, and a deterministic stop-word guesser built for WhatsApp.

Statistical detectors need sentences; WhatsApp messages are often "ok", "2", "👍" or a few
words. The built-in guesser only counts very common words that belong to one language and
answers `Language.UNKNOWN` unless a foreign language clearly leads, so short and ambiguous
messages stay with the bot. Plug a real detector in through `LanguageGuesser`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
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
        "obrigada oi ola bom boa noite com uma pra ta sim aqui ja ainda nem agora hoje "
        "quando onde ele ela eles sou foi fica ficou pode vou vai"
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
"""Folded words that mark a language; a word shared by two of them would be dropped."""


class LanguageGuesser(Protocol):
    """Guesses the language of a customer's message (deterministic, never raises)."""

    def guess(self, text: str) -> Language:
        """The language of *text*, or `Language.UNKNOWN` when it cannot tell."""
        ...


def _disjoint(table: Mapping[Language, frozenset[str]]) -> Mapping[Language, frozenset[str]]:
    folded = {Language(k): frozenset(fold(w) for w in v) - {""} for k, v in table.items()}
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

    The answer is a language other than Portuguese only when it has at least *min_hits*
    stop-words and strictly more than every other language; it is Portuguese when Portuguese
    strictly leads; anything else (a tie, no stop-word, a digit or an emoji) is UNKNOWN.
    """

    stopwords: Mapping[Language, frozenset[str]] = attrs.field(
        default=DEFAULT_STOPWORDS, converter=_disjoint, hash=False
    )
    min_hits: int = attrs.field(default=2, validator=_at_least_one)
    """Stop-words a foreign language needs before a message counts as foreign."""

    def hits(self, text: str) -> Mapping[Language, int]:
        """How many words of *text* are stop-words of each language."""
        words = fold(text).split()
        return {lang: sum(w in table for w in words) for lang, table in self.stopwords.items()}

    def guess(self, text: str) -> Language:
        """The leading language of *text* (see the class docstring)."""
        counts = sorted(self.hits(text).items(), key=lambda item: -item[1])
        if not counts or counts[0][1] == 0:
            return Language.UNKNOWN
        (leader, best), runner_up = counts[0], counts[1][1] if len(counts) > 1 else 0
        if best == runner_up:
            return Language.UNKNOWN
        if leader is Language.PORTUGUESE or best >= self.min_hits:
            return leader
        return Language.UNKNOWN
