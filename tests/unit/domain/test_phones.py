"""Recipients are stored in one canonical form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.domain.phones import normalise_phone
from lia_core.errors import ValidationError

LOCAL = st.integers(900_000_000, 999_999_999).map(str)  # Brazilian mobile subscriber numbers
AREA = st.sampled_from(["21", "24", "11", "31"])


@given(
    AREA,
    LOCAL,
    st.sampled_from(["{a}{n}", "({a}) {h}-{t}", "+55 {a} {h}-{t}", "0{a} {n}", "55{a}{n}"]),
)
def test_every_usual_spelling_gives_the_same_digits(area: str, local: str, shape: str) -> None:
    """Formats people type (with or without country code, punctuation) normalise alike, idempotently."""
    typed = shape.format(a=area, n=local, h=local[:5], t=local[5:])
    canonical = normalise_phone(typed)
    assert canonical == f"55{area}{local}"
    assert normalise_phone(canonical) == canonical


def test_provider_ids_pass_through() -> None:
    """WhatsApp JIDs and similar ids are not phone numbers and are kept as given."""
    assert normalise_phone(" 123456@lid ") == "123456@lid"


@pytest.mark.parametrize("bad", ["abc", "123", ""])
def test_garbage_is_refused_naming_the_field(bad: str) -> None:
    """Text that cannot be a phone number is a validation error on the given field."""
    with pytest.raises(ValidationError) as info:
        normalise_phone(bad, field="to")
    assert info.value.field == "to"
