"""The docs keep up with the code: every setting documented, README and CI run the same tests."""

from __future__ import annotations

from pathlib import Path

from lia_entrypoints.settings import Settings, masked_settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented() -> None:
    """docs/configuration.md names every LIA_* variable that `lia config show` lists."""
    text = (ROOT / "docs" / "configuration.md").read_text()
    names = [row["name"] for row in masked_settings(Settings(_env_file=None))]
    missing = [n for n in names if n.startswith("LIA_") and f"`{n}`" not in text]
    assert missing == []


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run contains the README's test command verbatim."""
    readme = (ROOT / "README.md").read_text()
    command = next(
        line
        for line in readme.splitlines()
        if line.startswith("python3 -m venv") and "pytest" in line
    )
    assert command in (ROOT / ".ci" / "run").read_text()
