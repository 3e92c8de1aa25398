"""docs/sla.md stays true: its Python blocks run, in order, as one program."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "sla.md"


def test_the_sla_page_examples_run() -> None:
    """Every Python block of docs/sla.md executes without error (their asserts hold)."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    assert len(blocks) >= 4
    namespace: dict[str, object] = {"__name__": "docs_sla"}
    exec(compile("\n".join(blocks), str(DOC), "exec"), namespace)  # noqa: S102
