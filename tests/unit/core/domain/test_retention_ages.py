"""Retention ages (``30d``, ``12h``): each unit, the smallest and largest, and the refusals' words."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lia_core.domain.retention import parse_age
from lia_core.errors import ValidationError


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("1m", timedelta(minutes=1)),
        ("90m", timedelta(minutes=90)),
        ("12h", timedelta(hours=12)),
        ("30d", timedelta(days=30)),
        ("2w", timedelta(weeks=2)),
        (" 12H ", timedelta(hours=12)),
        ("007d", timedelta(days=7)),
        ("999999w", timedelta(weeks=999999)),
    ],
)
def test_an_age_is_its_number_of_its_unit(text: str, age: timedelta) -> None:
    """Up to six digits and one unit, in any case and with spaces around, give that duration."""
    assert parse_age(text) == age


@pytest.mark.parametrize("text", [" 3x ", "30", "d", "1000000d", "1.5h", "-1d", "30 d"])
def test_anything_else_is_refused_quoting_it(text: str) -> None:
    """Another form is refused on 'older_than', quoting the trimmed text and the accepted forms."""
    with pytest.raises(ValidationError) as refused:
        parse_age(text)
    assert (refused.value.field, str(refused.value)) == (
        "older_than",
        f"{text.strip()!r} is not an age: say a number and a unit, e.g. 30d, 12h, 90m or 2w",
    )


@pytest.mark.parametrize("text", ["0m", "0d", "000000w"])
def test_a_zero_age_is_refused(text: str) -> None:
    """Zero of any unit is refused on 'older_than'."""
    with pytest.raises(ValidationError) as refused:
        parse_age(text)
    assert (refused.value.field, str(refused.value)) == (
        "older_than",
        "the age must be more than zero",
    )


def test_a_refusal_names_the_callers_field() -> None:
    """The caller's field replaces 'older_than' in both refusals."""
    for text in ("soon", "0h"):
        with pytest.raises(ValidationError) as refused:
            parse_age(text, field="webhook_raw")
        assert refused.value.field == "webhook_raw"
