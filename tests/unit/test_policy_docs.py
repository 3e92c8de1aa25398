"""The policy pages stay true: their Python blocks run, in order, as one program, ruff-formatted.

Each page reads like an integrator's session (docs/sla.md, nps.md, escalation.md, handoff.md);
a page may end with a Hypothesis property named here, which is then run too.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)

PAGES = {
    "sla.md": None,
    "nps.md": "test_my_report_never_loses_an_answer",
    "escalation.md": "test_my_rules_never_lower_a_level",
    "handoff.md": "test_my_router_handles_every_decision",
}
"""Each policy page and the property its examples define for integrators (None: none)."""


def _blocks(page: str) -> tuple[str, list[re.Match[str]]]:
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    return text, list(_BLOCK.finditer(text))


@pytest.mark.parametrize("page", sorted(PAGES))
def test_the_page_examples_run(page: str) -> None:
    """Every Python block of the page executes in order and its asserts hold."""
    text, blocks = _blocks(page)
    assert len(blocks) >= 4
    path = ROOT / "docs" / page
    namespace: dict[str, object] = {"__name__": f"docs_{path.stem}"}
    for block in blocks:
        # Pad with blank lines so a failure points at the right line of the page.
        source = "\n" * text.count("\n", 0, block.start(1)) + block.group(1)
        exec(compile(source, str(path), "exec"), namespace)  # noqa: S102 - our own docs
    prop = PAGES[page]
    if prop is not None:
        example = namespace[prop]
        assert callable(example)
        run: Callable[[], None] = example
        run()


@pytest.mark.static
@pytest.mark.parametrize("page", sorted(PAGES))
def test_the_page_examples_are_ruff_formatted(page: str) -> None:
    """`ruff format` would leave every Python block of the page unchanged."""
    ruff = Path(sys.executable).parent / "ruff"
    for block in _blocks(page)[1]:
        result = subprocess.run(
            [str(ruff), "format", "--stdin-filename", f"docs_{page}.py", "-"],
            input=block.group(1),
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        assert result.stdout == block.group(1)
