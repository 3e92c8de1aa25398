"""docs/handoff.md stays true: its Python blocks run in order and are formatted as ruff would."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "handoff.md"
_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def test_the_handoff_page_examples_run() -> None:
    """Every Python block of docs/handoff.md executes, in order, and its asserts hold."""
    text = DOC.read_text(encoding="utf-8")
    blocks = list(_BLOCK.finditer(text))
    assert len(blocks) >= 6
    namespace: dict[str, object] = {"__name__": "docs_handoff"}
    for block in blocks:
        # Pad with blank lines so a failure points at the right line of docs/handoff.md.
        source = "\n" * text.count("\n", 0, block.start(1)) + block.group(1)
        exec(compile(source, str(DOC), "exec"), namespace)  # noqa: S102 - our own docs
    example = namespace["test_my_router_handles_every_decision"]
    assert callable(example)
    run: Callable[[], None] = example
    run()


@pytest.mark.static
def test_the_handoff_page_examples_are_ruff_formatted() -> None:
    """`ruff format` would leave every Python block of docs/handoff.md unchanged."""
    ruff = Path(sys.executable).parent / "ruff"
    for block in _BLOCK.findall(DOC.read_text(encoding="utf-8")):
        result = subprocess.run(
            [str(ruff), "format", "--stdin-filename", "docs_handoff.py", "-"],
            input=block,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        assert result.stdout == block
