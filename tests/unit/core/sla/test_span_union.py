"""The union of pause spans the clock runs on, against a point-by-point oracle."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from lia_core.sla.clock import _merge

Span = tuple[float, float | None]


@st.composite
def spans(draw: st.DrawFn) -> list[Span]:
    """Up to four spans on a small grid (so they touch and overlap often); some open-ended."""
    out: list[Span] = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, 12))
        end = draw(st.none() | st.integers(start, 14))
        out.append((float(start), None if end is None else float(end)))
    return out


def _covers(union: list[Span], t: float) -> bool:
    return any(a <= t and (b is None or t <= b) for a, b in union)


@given(spans(), spans())
def test_merge_is_the_sorted_disjoint_union(first: list[Span], second: list[Span]) -> None:
    """Every half-step point is covered exactly when one input span covers it; spans are disjoint."""
    merged = _merge(first, second)
    for t in (x / 2 for x in range(-2, 34)):
        assert _covers(merged, t) == _covers(first + second, t)
    for (_, end), (start, _) in pairwise(merged):
        assert end is not None
        assert end < start
