"""CEPs and CEP prefixes at their length limits, the characters allowed, and the refusals' words."""

from __future__ import annotations

import pytest

from lia_core.domain.text import normalise_cep, normalise_cep_prefix
from lia_core.errors import ValidationError


def cep_refusal(raw: str) -> tuple[str | None, str]:
    """The field and message of the refusal of *raw* as a full CEP, with the default field."""
    with pytest.raises(ValidationError) as refused:
        normalise_cep(raw)
    return refused.value.field, str(refused.value)


def prefix_refusal(raw: str) -> tuple[str | None, str]:
    """The field and message of the refusal of *raw* as a CEP prefix, with the default field."""
    with pytest.raises(ValidationError) as refused:
        normalise_cep_prefix(raw)
    return refused.value.field, str(refused.value)


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("01234-567", "01234567"),
        ("89012.345", "89012345"),
        ("99999/999", "99999999"),
        ("00000 000", "00000000"),
    ],
)
def test_every_digit_and_each_separator_is_read(raw: str, digits: str) -> None:
    """Each digit 0 to 9 counts, and space, '-', '.' and '/' are skipped."""
    assert normalise_cep(raw) == digits


@pytest.mark.parametrize("raw", ["2595312", "259531200", "25953120X", "25953120:", "2595312A0"])
def test_a_cep_not_of_eight_digits_alone_is_refused_quoting_it_on_cep(raw: str) -> None:
    """Seven or nine digits, or eight with any other character, are refused on 'cep'."""
    assert cep_refusal(raw) == ("cep", f"CEP must have 8 digits (e.g. 25953-120), got {raw!r}")


def test_a_cep_refusal_names_the_callers_field() -> None:
    """The caller's field replaces 'cep' in the refusal."""
    with pytest.raises(ValidationError) as refused:
        normalise_cep("1", field="customers[3].cep")
    assert refused.value.field == "customers[3].cep"


@pytest.mark.parametrize("raw", ["0", "9", "2-", "25953120", "25953-120"])
def test_a_prefix_of_one_to_eight_digits_is_kept(raw: str) -> None:
    """One digit and eight digits are both accepted, separators dropped."""
    assert normalise_cep_prefix(raw) == raw.replace("-", "")


@pytest.mark.parametrize("raw", ["", "-", "259531200", "2595X", "2595:"])
def test_a_prefix_of_no_digit_or_more_than_eight_or_another_character_is_refused(
    raw: str,
) -> None:
    """No digit, nine digits, or a character other than digits and separators is refused."""
    assert prefix_refusal(raw) == (
        "cep",
        f"CEP prefix must have 1 to 8 digits (e.g. 2595 or 25953-120), got {raw!r}",
    )
