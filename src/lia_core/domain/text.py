"""Normalisation of place names and postal codes (CEP) so matching ignores case, accents and punctuation."""

from __future__ import annotations

import functools
import unicodedata

from lia_core.errors import ValidationError

__all__ = ["CEP_DIGITS", "fold", "normalise_cep", "normalise_cep_prefix"]

CEP_DIGITS = 8


def _fold_once(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = (" " if not ch.isalnum() else ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join("".join(kept).split())


@functools.lru_cache(maxsize=1024)
def fold(text: str) -> str:
    """Return the matching key of a name: accents, case, punctuation and extra spaces removed.

    Cached: the desk folds the same ticket text on every rule round and planned visit.
    """
    folded = _fold_once(text)
    # A few code points only reach their final form after a second pass (casefold can
    # emit characters that decompose further); iterate to a fixed point so fold is idempotent.
    while (again := _fold_once(folded)) != folded:
        folded = again
    return folded


def _digits(raw: str) -> str:
    return "".join(ch for ch in raw if "0" <= ch <= "9")


def _only_digits_and_punctuation(raw: str) -> bool:
    return all(("0" <= ch <= "9") or ch in " -./" for ch in raw)


def normalise_cep(raw: str, *, field: str = "cep") -> str:
    """Return the 8 digits of a full CEP written with or without punctuation ("25953-120")."""
    digits = _digits(raw)
    if not _only_digits_and_punctuation(raw) or len(digits) != CEP_DIGITS:
        raise ValidationError(f"CEP must have 8 digits (e.g. 25953-120), got {raw!r}", field=field)
    return digits


def normalise_cep_prefix(raw: str, *, field: str = "cep") -> str:
    """Return the digits of a CEP prefix of 1 to 8 digits ("2595", "25950-")."""
    digits = _digits(raw)
    if not _only_digits_and_punctuation(raw) or not 1 <= len(digits) <= CEP_DIGITS:
        raise ValidationError(
            f"CEP prefix must have 1 to 8 digits (e.g. 2595 or 25953-120), got {raw!r}",
            field=field,
        )
    return digits
