"""Refusals no other domain test reads: departments, support ranks, and the gate's old name."""

from __future__ import annotations

import pytest

import lia_core.domain.gate as gate
from lia_core.domain.tickets import SupportLevel
from lia_core.domain.users import MAX_DEPARTMENT_CHARS, validate_departments
from lia_core.errors import ValidationError


def test_departments_are_trimmed_blanks_dropped_and_kept_once() -> None:
    """Names lose their outer spaces; blank ones are skipped, not the ones after them."""
    longest = "x" * MAX_DEPARTMENT_CHARS
    assert validate_departments([" Suporte ", "", "  ", "Suporte", longest, "N2 Fibra"]) == {
        "Suporte",
        longest,
        "N2 Fibra",
    }


@pytest.mark.parametrize("bad", ["x" * (MAX_DEPARTMENT_CHARS + 1), "Suporte,N2", ",x"])
def test_a_long_department_or_one_with_a_comma_is_refused_on_departments(bad: str) -> None:
    """One character over the limit, or a comma, is refused quoting the trimmed name."""
    with pytest.raises(ValidationError) as refused:
        validate_departments(["Suporte", f" {bad} "])
    assert (refused.value.field, str(refused.value)) == (
        "departments",
        f"department {bad!r} must be 1 to 64 characters, no comma",
    )


@pytest.mark.parametrize("rank", [0, 4, -1])
def test_a_rank_outside_one_to_three_is_no_support_level(rank: int) -> None:
    """Only ranks 1 to 3 are levels; another is refused naming the level it asked for."""
    assert [SupportLevel.from_rank(r) for r in (1, 2, 3)] == list(SupportLevel)
    with pytest.raises(ValueError, match="no support level") as refused:
        SupportLevel.from_rank(rank)
    assert str(refused.value) == f"no support level N{rank}"


def test_the_gates_old_name_still_resolves_with_a_warning() -> None:
    """`gate.decide` is `decide_gate`, with a DeprecationWarning naming the new name."""
    with pytest.warns(DeprecationWarning, match="deprecated") as caught:
        old = gate.decide
    assert old is gate.decide_gate
    assert [str(w.message) for w in caught] == [
        "lia_core.domain.gate.decide is deprecated; use decide_gate"
    ]
    assert caught[0].filename != gate.__file__  # attributed to a caller, not to the gate itself


def test_another_missing_name_of_the_gate_module_is_an_attribute_error() -> None:
    """Any other unknown attribute of the module raises AttributeError naming it."""
    with pytest.raises(AttributeError) as missing:
        _ = gate.nothing_here
    assert str(missing.value) == "module 'lia_core.domain.gate' has no attribute 'nothing_here'"
