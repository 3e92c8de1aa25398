"""The tree passes the static checks the team relies on (same as `nox -s lint typecheck`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.static


def run(*command: str) -> subprocess.CompletedProcess[str]:
    """Run a tool from this virtualenv at the repository root."""
    return subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_ruff_lint_is_clean() -> None:
    """`ruff check` reports nothing."""
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    """`ruff format --check` would change nothing."""
    result = run("ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_keep_the_hexagon() -> None:
    """import-linter: the core imports no I/O library; adapters never import entrypoints."""
    result = run("lint-imports")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    """mypy --strict over src, tests and benchmarks reports no error."""
    result = run("mypy", "src", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr
