"""Whole-word phrase matching on folded text (case, accents, punctuation and stretched letters).

A keyword counts where it is not part of a longer keyword found at the same place: in "velocidade
baixa" only that phrase counts, not the "velocidade" inside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lia_core.domain.text import fold
from lia_core.errors import ValidationError

__all__ = ["counted_phrases", "fold_phrases", "found_phrases", "normal", "padded", "phrase_list"]

_STRETCHED = re.compile(r"([a-z])\1{2,}")


def normal(text: str) -> str:
    """*text* folded (`lia_core.domain.text.fold`), a letter typed 3+ times in a row kept once."""
    return _STRETCHED.sub(r"\1", fold(text))


def padded(text: str) -> str:
    """*text* normalised (see `normal`) with a space at each end."""
    return f" {normal(text)} "


def phrase_list(value: Iterable[str], *, field: str) -> tuple[str, ...]:
    """*value* as a tuple of phrases; a bare str (which would split into letters) is refused."""
    if isinstance(value, str):
        raise ValidationError(f"{field} takes a tuple of phrases, not one str", field=field)
    phrases = tuple(value)
    if not all(isinstance(p, str) for p in phrases):
        raise ValidationError(f"{field} takes phrases (str)", field=field)
    return phrases


def fold_phrases(phrases: Iterable[str]) -> tuple[str, ...]:
    """The distinct normalised forms of *phrases*, in first-seen order, empty ones dropped."""
    return tuple(dict.fromkeys(f for p in phrases if (f := normal(p))))


def found_phrases(padded_text: str, folded: Iterable[str]) -> tuple[str, ...]:
    """The folded phrases that occur in *padded_text* as whole words ("caiu" not in "caiunos")."""
    return tuple(p for p in folded if f" {p} " in padded_text)


def _spans(words: list[str], phrase: tuple[str, ...]) -> list[tuple[int, int]]:
    size = len(phrase)
    return [
        (i, i + size) for i in range(len(words) - size + 1) if tuple(words[i : i + size]) == phrase
    ]


def counted_phrases(padded_text: str, found: Iterable[str]) -> frozenset[str]:
    """Those of the *found* phrases that occur at least once outside a longer found phrase."""
    words = padded_text.split()
    spans = {p: _spans(words, tuple(p.split())) for p in found}
    every = [span for occurrences in spans.values() for span in occurrences]

    def inside_longer(span: tuple[int, int]) -> bool:
        start, end = span
        return any(s <= start and end <= e and e - s > end - start for s, e in every)

    return frozenset(
        p for p, occurrences in spans.items() if not all(map(inside_longer, occurrences))
    )
