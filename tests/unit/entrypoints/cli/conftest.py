"""Fixtures for the in-process CLI tests: a clean environment and an in-memory harness."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .cli_harness import CliHarness


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the developer's LIA_* variables and ./.env out of the tests."""
    for name in list(os.environ):
        if name.startswith("LIA_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LIA_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("LIA_ACTOR", "tester")


@pytest.fixture
def lia() -> CliHarness:
    """The `lia` CLI over a fresh in-memory store."""
    return CliHarness()
