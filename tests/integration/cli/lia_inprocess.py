"""`lia` run in this process, on the real database: the twin of `LiaProcess` for flows that
already run once through the real script (each subprocess costs ~3 s of imports)."""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import traceback
from collections.abc import Iterator
from pathlib import Path

import attrs
import structlog
from click.testing import CliRunner

from lia_entrypoints.cli import CliApp, main
from tests.log_scan import record_output

from .lia_process import LiaCommands

__all__ = ["LiaInProcess"]

_NOISY = ("sqlalchemy.engine", "aiosqlite", "alembic.runtime.migration", "alembic.runtime.plugins")
"""The loggers whose levels `configure_logging` sets, put back after each command."""


@contextlib.contextmanager
def _logging_restored() -> Iterator[None]:
    # Each command configures logging for itself, its handler writing to the runner's stderr:
    # what it sets must not outlive it, or the next command (or the test's own scan tap)
    # would log through a closed stream under the previous command's settings.
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    noisy = {name: logging.getLogger(name).level for name in _NOISY}
    config = structlog.get_config()
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, noisy_level in noisy.items():
            logging.getLogger(name).setLevel(noisy_level)
        structlog.configure(**config)


@attrs.define
class LiaInProcess(LiaCommands):
    """`lia` bound to one environment and working directory, invoked through `main` in-process."""

    env: dict[str, str]
    cwd: Path

    def __call__(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run ``lia *args`` with exactly *env* and in *cwd*; *timeout* is not enforced here."""
        del timeout  # kept so a flow calls either twin alike
        # Exactly the process's environment: LIA_* variables of this one not in *env* removed.
        env: dict[str, str | None] = {
            name: None for name in os.environ if name.startswith("LIA_") and name not in self.env
        }
        env.update(self.env)
        with _logging_restored(), contextlib.chdir(self.cwd):
            result = CliRunner().invoke(main, list(args), obj=CliApp(), env=env)
        stderr = result.stderr
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            # A real process would print the traceback: keep it visible to `error_lines`.
            stderr += "".join(traceback.format_exception(result.exception))
        record_output(stderr, source=f"lia (in-process) {' '.join(args[:2])}")
        return subprocess.CompletedProcess(
            ["lia", *args], result.exit_code, stdout=result.stdout, stderr=stderr
        )
