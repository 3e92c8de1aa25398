"""Whole-word phrase matching on folded text (case, accents and punctuation ignored)."""

from __future__ import annotations

from collections.abc import Iterable

from lia_core.domain.text import fold

__all__ = ["fold_phrases", "found_phrases", "padded"]


def padded(text: str) -> str:
    """*text* folded (see `lia_core.domain.text.fold`) with a space at each end."""
    return f" {fold(text)} "


def fold_phrases(phrases: Iterable[str]) -> tuple[str, ...]:
    """The distinct folded forms of *phrases*, in first-seen order, empty ones dropped."""
    return tuple(dict.fromkeys(f for p in phrases if (f := fold(p))))


def found_phrases(padded_text: str, folded: Iterable[str]) -> tuple[str, ...]:
    """The folded phrases that occur in *padded_text* as whole words ("caiu" not in "caiunos")."""
    return tuple(p for p in folded if f" {p} " in padded_text)
