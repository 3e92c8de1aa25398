"""A template's refusals: the exact words, the caller's field, and the length boundary."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from lia_core.domain.templates import FAILURE_PLACEHOLDERS, MAX_MESSAGE_CHARS, validate_template
from lia_core.errors import ValidationError

_USE = "use {nome}, {previsao}, {falha}, {regiao}"


def refusal(
    template: str, allowed: Mapping[str, str] = FAILURE_PLACEHOLDERS
) -> tuple[str | None, str]:
    """The field and message of the refusal of *template* on the field 'reminder'."""
    with pytest.raises(ValidationError) as refused:
        validate_template(template, field="reminder", allowed=allowed)
    return refused.value.field, str(refused.value)


@pytest.mark.parametrize("blank", ["", " ", "\n\t "])
def test_a_blank_message_is_refused(blank: str) -> None:
    """Nothing but white space is refused on the caller's field."""
    assert refusal(blank) == ("reminder", "message must not be blank")


def test_a_message_of_the_longest_length_is_accepted() -> None:
    """Exactly the WhatsApp limit of characters is accepted as is."""
    longest = "a" * MAX_MESSAGE_CHARS
    assert MAX_MESSAGE_CHARS == 4096
    assert validate_template(longest, field="reminder") == longest


def test_a_message_one_character_too_long_is_refused() -> None:
    """One character over the limit is refused, stating the limit."""
    assert refusal("a" * (MAX_MESSAGE_CHARS + 1)) == (
        "reminder",
        "message is longer than 4096 characters",
    )


@pytest.mark.parametrize(
    ("template", "why"),
    [
        ("Olá {nome", "expected '}' before end of string"),
        ("Olá nome}", "Single '}' encountered in format string"),
        ("{nome!r}", "placeholder {nome} must not have a format or conversion"),
        ("{nome:>3}", "placeholder {nome} must not have a format or conversion"),
    ],
)
def test_a_malformed_template_is_refused_saying_why_and_how_to_write_a_brace(
    template: str, why: str
) -> None:
    """A brace or placeholder that cannot be read is refused with the reason and the escape."""
    assert refusal(template) == (
        "reminder",
        f"malformed template ({why}); write a literal brace as '{{{{' or '}}}}'",
    )


@pytest.mark.parametrize(
    ("template", "shown"),
    [
        ("Olá {cliente}", "{cliente}"),
        ("{x} {nome} {y} {x}", "{x}, {y}"),
        ("{0}", "{0}"),
        ("{}", "{}"),
        ("{nome.x}", "{nome.x}"),
    ],
)
def test_unknown_placeholders_are_listed_once_each_with_the_known_ones(
    template: str, shown: str
) -> None:
    """Each unknown placeholder is named once, in order, followed by the ones allowed."""
    assert refusal(template) == ("reminder", f"unknown placeholder {shown}; {_USE}")


def test_the_allowed_placeholders_are_the_callers() -> None:
    """With the caller's own set, only its names are accepted and offered."""
    assert validate_template("{a} e {b}", field="reminder", allowed={"a": "", "b": ""}) == (
        "{a} e {b}"
    )
    assert refusal("{a} {nome}", {"a": "x", "b": "y"}) == (
        "reminder",
        "unknown placeholder {nome}; use {a}, {b}",
    )
