"""Message templates accept exactly the documented placeholders."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.domain.templates import FAILURE_PLACEHOLDERS, render, validate_template
from lia_core.errors import ValidationError

KNOWN = sorted(FAILURE_PLACEHOLDERS)
WORDS = st.text("abcdefghij xyz.,!", max_size=8)


@given(st.lists(st.tuples(WORDS, st.sampled_from([*KNOWN, "cliente", "valor", "x"])), max_size=5))
def test_accepted_iff_every_placeholder_is_known(parts: list[tuple[str, str]]) -> None:
    """A template is accepted exactly when all its placeholders are in the documented set."""
    template = "Aviso: " + "".join(f"{text}{{{name}}}" for text, name in parts)
    used = {name for _, name in parts}
    if used <= set(KNOWN):
        assert validate_template(template, field="message") == template
    else:
        with pytest.raises(ValidationError) as info:
            validate_template(template, field="message")
        assert info.value.field == "message"
        unknown = dict.fromkeys(name for _, name in parts if name not in KNOWN)
        shown = ", ".join(f"{{{name}}}" for name in unknown)
        assert str(info.value).startswith(f"unknown placeholder {shown}; use {{")


@given(st.dictionaries(st.sampled_from(KNOWN), WORDS))
def test_render_replaces_every_placeholder(values: dict[str, str]) -> None:
    """Rendering substitutes each placeholder by its value, missing ones by nothing."""
    template = "|".join("{" + name + "}" for name in KNOWN)
    assert render(template, values) == "|".join(values.get(name, "") for name in KNOWN)


@pytest.mark.parametrize("bad", ["Olá {nome", "Olá nome}", "{0}", "{}", "{nome!r}", "{nome.x}"])
def test_malformed_templates_are_rejected(bad: str) -> None:
    """Unbalanced braces, positional fields, conversions and attribute access are refused."""
    with pytest.raises(ValidationError):
        validate_template(bad, field="message")


def test_literal_braces_are_allowed() -> None:
    """Doubled braces produce literal braces."""
    assert render(validate_template("{{ok}} {nome}", field="m"), {"nome": "Ana"}) == "{ok} Ana"
