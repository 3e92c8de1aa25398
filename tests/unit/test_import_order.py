"""The web modules import on their own, first, in a fresh interpreter: no import cycle hides
behind the order in which the test suite happens to load things (the console's pages and
the HTTP app import each other's neighbours).

Only `lia_entrypoints` is unloaded between two modules: the import-linter contracts forbid
`lia_core` and `lia_adapters` to import it, so no cycle through them can start there, and
keeping them loaded makes each round import the web layer alone (seconds, not minutes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"

_SCRIPT = """
import importlib, pkgutil, sys
import lia_entrypoints.console
names = ["lia_entrypoints.http", "lia_entrypoints.http.context", "lia_entrypoints.http.app"]
names += sorted(
    info.name
    for info in pkgutil.walk_packages(lia_entrypoints.console.__path__, "lia_entrypoints.console.")
)
import lia_adapters.sql, lia_adapters.memory, lia_core.services  # the lower layers, loaded once
failed = []
for name in names:
    for loaded in [key for key in sys.modules if key.split(".")[0] == "lia_entrypoints"]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
print(len(names))
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


@pytest.mark.slow
def test_every_module_imports_first_in_a_fresh_interpreter() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert int(result.stdout.split()[0]) > 10  # it did walk the console's modules
