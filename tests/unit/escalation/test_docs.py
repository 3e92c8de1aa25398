"""docs/escalation.md stays true: its Python blocks run, in order, as one program."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "escalation.md"
_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def test_the_escalation_page_examples_run() -> None:
    """Every Python block of docs/escalation.md executes and its asserts hold."""
    text = DOC.read_text(encoding="utf-8")
    blocks = list(_BLOCK.finditer(text))
    assert len(blocks) >= 5
    namespace: dict[str, object] = {"__name__": "docs_escalation"}
    for block in blocks:
        # Pad with blank lines so a failure points at the right line of docs/escalation.md.
        source = "\n" * text.count("\n", 0, block.start(1)) + block.group(1)
        exec(compile(source, str(DOC), "exec"), namespace)  # noqa: S102 - our own docs
    example = namespace["test_my_rules_never_lower_a_level"]
    assert callable(example)
    run: Callable[[], None] = example
    run()
