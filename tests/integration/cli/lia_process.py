"""Run the installed `lia` console script as a subprocess, as an operator would."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import attrs
import httpx

from tests.log_scan import record_output

__all__ = ["LiaCommands", "LiaProcess", "free_port", "lia_binary", "wait_for_health"]


def lia_binary() -> Path:
    """The `lia` script next to the running interpreter (the venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / "lia"
    if beside.exists():
        return beside
    found = shutil.which("lia")
    if found is None:
        raise RuntimeError("the `lia` console script is not installed: pip install -e .")
    return Path(found)


def clean_environment(**settings: str) -> dict[str, str]:
    """The current environment without any LIA_* variable, plus *settings*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIA_")}
    return {**env, **settings}


class LiaCommands:
    """`lia` as a flow drives it: run a command, one that must succeed, one that prints JSON."""

    env: dict[str, str]
    cwd: Path

    def __call__(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run ``lia *args``: its exit code, stdout and stderr (stderr, its log, is scanned)."""
        raise NotImplementedError

    def ok(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a command that must exit 0."""
        done = self(*args)
        assert done.returncode == 0, (args, done.returncode, done.stdout, done.stderr)
        return done

    def json(self, *args: str) -> Any:
        """Run a command with ``--json`` that must exit 0 and return the parsed document."""
        return json.loads(self.ok(*args, "--json").stdout)


@attrs.define
class LiaProcess(LiaCommands):
    """`lia` bound to one environment and working directory, run as the installed script."""

    env: dict[str, str]
    cwd: Path
    binary: Path = attrs.field(factory=lia_binary)

    def __call__(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run ``lia *args`` and capture stdout and stderr apart (stderr, its log, is scanned)."""
        done = subprocess.run(
            [str(self.binary), *args],
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        record_output(done.stderr, source=f"lia {' '.join(args[:2])}")
        return done


def free_port() -> int:
    """A TCP port nobody listens on right now (the kernel picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_health(port: int, server: subprocess.Popen[Any], *, timeout: float = 30) -> int | None:
    """The status of ``GET /health`` once the server answers; None if it died or never answered."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code
        except httpx.TransportError:
            time.sleep(0.2)
    return None


def error_lines(stderr: str) -> list[str]:
    """The ``error: …`` lines of stderr (log lines may surround them)."""
    assert "Traceback" not in stderr, stderr
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def outage_flow(lia: LiaCommands, *, starts_at: str) -> str:
    """The issue's done-when flow (through the real script or in-process); returns the failure id.

    *starts_at* is a future local time without an offset (read in the ISP timezone).
    """
    lia.ok(
        "user",
        "create",
        "--username",
        "alice",
        "--role",
        "SUPERVISOR",
        "--password",
        "s3cret-pass-long",
    )
    assert [u["username"] for u in lia.json("user", "list")["items"]] == ["alice"]

    created = lia.json(
        "failure", "create",
        "--name", "Rompimento de fibra",
        "--message", "Olá {nome}, falha em {regiao}; previsão {previsao}.",
        "--severity", "high",
        "--region", "Teresópolis:Centro,Alto",
        "--cep", "25950-000..25959-999",
        "--starts-at", starts_at,
    )  # fmt: skip
    failure_id: str = created["id"]
    assert created["status"] == "scheduled"
    assert created["starts_at"].startswith(starts_at)

    listing = lia.ok("failure", "list", "--status", "scheduled").stdout
    assert "Active (0) · Scheduled (1) · History (0)" in listing
    assert failure_id in listing

    assert "now active" in lia.ok("failure", "activate", failure_id).stdout
    bairro = lia.json("failure", "check", "--city", "teresopolis", "--neighbourhood", "ALTO")
    assert [f["id"] for f in bairro["failures"]] == [failure_id]
    assert [f["id"] for f in lia.json("failure", "check", "--cep", "25953-120")["failures"]] == [
        failure_id
    ]
    assert "not affected" in lia.ok("failure", "check", "--city", "Petrópolis").stdout

    assert lia.json("failure", "pause", failure_id)["status"] == "paused"
    assert lia.json("failure", "resume", failure_id)["status"] == "active"
    resolved = lia.json("failure", "resolve", failure_id)["failure"]
    assert (resolved["status"], resolved["resolved_by"]) == ("resolved", "integration")

    refused = lia("failure", "resume", failure_id)
    assert refused.returncode == 1
    assert error_lines(refused.stderr) == [
        f"error: cannot resume failure {failure_id}: it is resolved"
    ]
    assert refused.stdout == ""

    bad = lia("failure", "create", "--name", "X", "--message", "Oi", "--cep", "2595-0000..1")
    assert bad.returncode == 2
    assert error_lines(bad.stderr)[0].startswith("error: --cep: ")
    counts = lia.json("failure", "list", "--status", "all")["counts"]
    assert counts == {"active": 0, "scheduled": 0, "resolved": 1, "all": 1}
    return failure_id
