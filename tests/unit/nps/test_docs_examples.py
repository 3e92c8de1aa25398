"""Every Python example in docs/nps.md runs as written, in order, and its asserts hold."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "nps.md"
_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def test_the_examples_in_docs_nps_run() -> None:
    """The snippets build on each other like an integrator's session; all asserts pass."""
    text = DOC.read_text(encoding="utf-8")
    blocks = list(_BLOCK.finditer(text))
    assert len(blocks) >= 5
    namespace: dict[str, object] = {"__name__": "docs_nps"}
    for block in blocks:
        # Pad with blank lines so a failure points at the right line of docs/nps.md.
        source = "\n" * text.count("\n", 0, block.start(1)) + block.group(1)
        exec(compile(source, str(DOC), "exec"), namespace)  # noqa: S102 - our own docs
    example = namespace["test_my_report_never_loses_an_answer"]
    assert callable(example)
    run: Callable[[], None] = example
    run()
