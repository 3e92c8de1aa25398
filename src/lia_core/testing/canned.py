"""Hypothesis strategies for canned responses: bodies built from literal text and variables,
with the parts kept so a property can compare the parser and renderer against them."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

from lia_core.domain.canned import CANNED_VARIABLES, Variable

__all__ = ["Part", "body_parts", "literal_texts", "variable_names", "written"]

Part = str | Variable
"""Literal text, or a variable."""


def literal_texts(max_size: int = 12) -> st.SearchStrategy[str]:
    """Text without braces (any other character, accents and emoji included)."""
    return st.text(
        alphabet=st.characters(exclude_characters="{}", exclude_categories=["Cs"]),
        max_size=max_size,
    )


def variable_names(*, known_only: bool = False) -> st.SearchStrategy[str]:
    """Well-formed variable names: the known ones, and (unless *known_only*) invented ones."""
    known = st.sampled_from(sorted(CANNED_VARIABLES))
    if known_only:
        return known
    return known | st.from_regex(
        r"[a-z_][a-z0-9_]{0,5}(\.[a-z_][a-z0-9_]{0,5}){0,2}", fullmatch=True
    )


def body_parts(*, known_only: bool = False, max_parts: int = 8) -> st.SearchStrategy[list[Part]]:
    """A body as its parts: literal texts and variables in any order."""
    variables = st.builds(Variable, variable_names(known_only=known_only))
    return st.lists(st.one_of(literal_texts(), variables), max_size=max_parts)


def written(parts: Sequence[Part], pad: str = "") -> str:
    """The body a person would type for *parts* (*pad*: spaces inside each variable's braces)."""
    return "".join(f"{{{{{pad}{p.name}{pad}}}}}" if isinstance(p, Variable) else p for p in parts)
