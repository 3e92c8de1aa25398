"""Ingest benchmark: py-spy attached to `lia serve` for the length of one load (`--profile DIR`)."""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

__all__ = ["profiled"]


def _py_spy() -> str:
    """py-spy next to this interpreter (the dev extra), else on the PATH."""
    beside = Path(sys.executable).with_name("py-spy")
    found = str(beside) if beside.exists() else shutil.which("py-spy")
    if found is None:
        raise SystemExit("--profile needs py-spy: pip install -e '.[dev]'")
    return found


@contextlib.contextmanager
def profiled(pid: int, out: Path | None) -> Iterator[None]:
    """Sample *pid* into *out* (py-spy's raw format, one line per stack) while the body runs."""
    if out is None:
        yield
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    # --nonblocking: sampling never pauses the server, so the figures stay comparable.
    command = [_py_spy(), "record", "--pid", str(pid), "--rate", "200", "--nonblocking"]
    process = subprocess.Popen(
        [*command, "--format", "raw", "--output", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        process.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
