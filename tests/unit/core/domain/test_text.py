"""Normalisation of names and CEPs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.domain.text import fold, normalise_cep, normalise_cep_prefix
from lia_core.errors import ValidationError
from lia_core.testing import CITIES, spellings


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    """Folding a folded name changes nothing."""
    assert fold(fold(text)) == fold(text)


@given(st.sampled_from(CITIES).flatmap(lambda c: st.tuples(st.just(c), spellings(c))))
def test_any_spelling_folds_to_the_same_key(pair: tuple[str, str]) -> None:
    """Case, accents, extra spaces and hyphens do not change a name's key."""
    name, variant = pair
    assert fold(variant) == fold(name)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Teresópolis", "teresopolis"),
        ("ALTO", "Alto"),
        ("São  José", "sao jose"),
        ("Agriões", "AGRIOES"),
    ],
)
def test_examples_from_the_issue_fold_equal(left: str, right: str) -> None:
    """The issue's examples are equal after folding."""
    assert fold(left) == fold(right)


def test_different_places_stay_different() -> None:
    """Folding does not merge genuinely different names."""
    assert fold("Teresópolis") != fold("Petrópolis")


@pytest.mark.parametrize("raw", ["25953-120", "25953120", " 25.953-120 ", "25953 120"])
def test_cep_punctuation_is_ignored(raw: str) -> None:
    """A CEP is read with or without its usual punctuation."""
    assert normalise_cep(raw) == "25953120"


@pytest.mark.parametrize("raw", ["2595312", "259531200", "25953-12a", "", "abc"])
def test_malformed_ceps_are_rejected_naming_the_field(raw: str) -> None:
    """A CEP that is not exactly 8 digits is refused with the field named."""
    with pytest.raises(ValidationError) as info:
        normalise_cep(raw, field="cep")
    assert info.value.field == "cep"


@given(st.text("0123456789", min_size=1, max_size=8))
def test_prefix_keeps_its_digits(digits: str) -> None:
    """A prefix of 1 to 8 digits is kept as written."""
    assert normalise_cep_prefix(digits) == digits


def test_prefix_of_nine_digits_is_rejected() -> None:
    """A prefix longer than a CEP cannot match anything and is refused."""
    with pytest.raises(ValidationError):
        normalise_cep_prefix("123456789")


@pytest.mark.parametrize("raw", ["", "abc", "2595x", "123456789"])
def test_a_bad_prefix_is_refused_quoting_it_and_naming_the_field(raw: str) -> None:
    """The refusal quotes the prefix and names the caller's field, `cep` by default."""
    message = f"CEP prefix must have 1 to 8 digits (e.g. 2595 or 25953-120), got {raw!r}"
    with pytest.raises(ValidationError) as default:
        normalise_cep_prefix(raw)
    assert (default.value.field, str(default.value)) == ("cep", message)
    with pytest.raises(ValidationError) as named:
        normalise_cep_prefix(raw, field="regions[0].ceps")
    assert (named.value.field, str(named.value)) == ("regions[0].ceps", message)
