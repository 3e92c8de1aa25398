"""Staff account fields: the limits are inclusive and each refusal names its field and rule."""

from __future__ import annotations

import pytest

from lia_core.domain.users import (
    MAX_FULL_NAME_CHARS,
    MAX_PUSH_TOKEN_CHARS,
    validate_full_name,
    validate_new_username,
    validate_password,
    validate_push_token,
)
from lia_core.errors import ValidationError


def test_a_phone_shaped_username_is_refused_with_the_reason() -> None:
    """A new username that is a phone number is refused: it would be left out of events."""
    with pytest.raises(ValidationError) as refused:
        validate_new_username("5521999990001")
    assert (refused.value.field, str(refused.value)) == (
        "username",
        "username must not be a phone number (it is shown on staff screens and events)",
    )


def test_a_common_password_is_refused_with_the_reason() -> None:
    """A long enough password on the common list is refused naming the list."""
    with pytest.raises(ValidationError) as refused:
        validate_password(" Administrador ")
    assert (refused.value.field, str(refused.value)) == (
        "password",
        "password is on the list of common passwords; choose another",
    )


def test_a_full_name_may_have_exactly_the_limit() -> None:
    """MAX_FULL_NAME_CHARS characters are kept; one more is refused naming the limit."""
    assert validate_full_name("a" * MAX_FULL_NAME_CHARS) == "a" * MAX_FULL_NAME_CHARS
    with pytest.raises(ValidationError) as refused:
        validate_full_name("a" * (MAX_FULL_NAME_CHARS + 1))
    assert (refused.value.field, str(refused.value)) == (
        "full_name",
        f"full name must have at most {MAX_FULL_NAME_CHARS} characters",
    )


def test_a_push_token_may_have_exactly_the_limit() -> None:
    """MAX_PUSH_TOKEN_CHARS characters are kept; one more is refused naming the rule."""
    assert validate_push_token("t" * MAX_PUSH_TOKEN_CHARS) == "t" * MAX_PUSH_TOKEN_CHARS
    with pytest.raises(ValidationError) as refused:
        validate_push_token("t" * (MAX_PUSH_TOKEN_CHARS + 1))
    assert (refused.value.field, str(refused.value)) == (
        "push_token",
        f"push token must be at most {MAX_PUSH_TOKEN_CHARS} characters without spaces",
    )


@pytest.mark.parametrize("blank", [None, "", "  \t "])
def test_a_blank_full_name_or_push_token_clears_it(blank: str | None) -> None:
    """None, empty or spaces only read as cleared (None), not as an empty value."""
    assert validate_full_name(blank) is None
    assert validate_push_token(blank) is None


def test_a_full_name_keeps_single_spaces_between_its_words() -> None:
    """Runs of white space inside a name become one space; the ends are trimmed."""
    assert validate_full_name("  Ana \t Maria  Souza ") == "Ana Maria Souza"
