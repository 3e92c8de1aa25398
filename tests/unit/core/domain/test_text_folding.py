"""What folding makes of each kind of character, computed afresh (not read from fold's cache)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lia_core.domain.text import fold


@pytest.fixture(autouse=True)
def _fresh_fold() -> Iterator[None]:
    """Empty fold's cache so each test computes its keys rather than reading earlier answers."""
    fold.cache_clear()
    yield
    fold.cache_clear()


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("teresopolis", "teresopolis"),
        ("ALTO", "alto"),
        ("Straße", "strasse"),
        ("ẞ", "ss"),
        ("İ", "i"),
        ("Ωmega", "ωmega"),
    ],
)
def test_letters_fold_to_their_caseless_form(raw: str, key: str) -> None:
    """Letters keep their place and lose their case, casefold-style (ß is ss)."""
    assert fold(raw) == key


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Teresópolis", "teresopolis"),
        ("Agriões", "agrioes"),
        ("Ç", "c"),
        ("a\u0301", "a"),
        ("\u0301", ""),
    ],
)
def test_accents_are_dropped_composed_or_combining(raw: str, key: str) -> None:
    """An accent, written into its letter or as a combining mark after it, disappears."""
    assert fold(raw) == key


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("ﬁ", "fi"),
        ("ﬃ", "ffi"),
        ("x²", "x2"),
        ("\uff21\uff42", "ab"),  # full-width A and b
        ("①", "1"),
        ("℡", "tel"),
        ("½", "1 2"),
    ],
)
def test_compatibility_forms_fold_to_their_plain_letters_and_digits(raw: str, key: str) -> None:
    """Ligatures, superscripts, full-width and circled forms read as their plain characters."""
    assert fold(raw) == key


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Rua 25", "rua 25"),
        ("2595", "2595"),
        ("São-José", "sao jose"),
        ("D'Ávila", "d avila"),
        ("a.b,c/d", "a b c d"),
        ("a_b", "a b"),
        ("a--b", "a b"),
        ("-.-", ""),
    ],
)
def test_digits_stay_and_punctuation_becomes_one_space(raw: str, key: str) -> None:
    """Digits are kept; each run of punctuation separates words by a single space."""
    assert fold(raw) == key


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("  São   José  ", "sao jose"),
        ("\u00a0a\u2003b\t\n", "a b"),
        ("", ""),
        (" \t ", ""),
    ],
)
def test_spaces_collapse_and_are_trimmed(raw: str, key: str) -> None:
    """Any run of white space inside becomes one space; leading and trailing ones go."""
    assert fold(raw) == key
