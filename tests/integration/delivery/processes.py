"""Real processes for delivery tests: the stub provider and `lia worker`, on free localhost ports."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.integration.cli.lia_process import clean_environment, lia_binary
from tests.log_scan import watch_file

__all__ = ["free_port", "stub_provider", "worker_env", "worker_process"]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def stub_provider(faults: Mapping[str, object], *, cwd: Path) -> Iterator[str]:
    """Run `lia stub-provider` with *faults*; yield its base URL; stop it afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [str(lia_binary()), "stub-provider", "--port", str(port), "--faults", json.dumps(faults)],
        env=clean_environment(),
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        # Generous: beside another xdist worker on a loaded 2-core machine, importing `lia`
        # once took more than the 20 s this used to allow (the browser tests' setup failed).
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/_stub/requests", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                err = process.stderr.read().decode(errors="replace") if process.stderr else ""
                raise RuntimeError(f"stub provider exited {process.returncode}: {err}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"stub provider did not answer on {url} within 60 s")
            time.sleep(0.1)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def worker_env(database_url: str, stub_url: str, **overrides: str) -> dict[str, str]:
    """Settings for a worker sending WhatsApp through the stub, with fast retries."""
    return clean_environment(
        LIA_DATABASE_URL=database_url,
        LIA_LOG_FORMAT="json",
        LIA_LOG_LEVEL="DEBUG",  # a file, not a pipe: every line is kept and scanned for leaks
        LIA_WHATSAPP__BASE_URL=stub_url,
        LIA_WHATSAPP__PHONE_NUMBER_ID="1234567890",
        LIA_WHATSAPP__ACCESS_TOKEN="stub-token",
        LIA_DELIVERY__BASE_DELAY_SECONDS="0.05",
        LIA_DELIVERY__MAX_RETRY_AFTER_SECONDS="0.5",
        LIA_DELIVERY__PAIR_INTERVAL_SECONDS="0",
        LIA_DELIVERY__BREAKER_THRESHOLD="1000",
        LIA_WORKER__IDLE_SECONDS="0.05",
        **overrides,
    )


def worker_process(env: dict[str, str], *, cwd: Path) -> subprocess.Popen[bytes]:
    """Start `lia worker` (the loop, not --once); its log goes to a file the test's scan reads."""
    log = cwd / f"worker-{free_port()}.log"
    watch_file(log, source="lia worker")
    with log.open("ab") as sink:
        return subprocess.Popen(
            [str(lia_binary()), "worker"],
            env=env,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=sink,  # a file, not a pipe: nobody drains a pipe while the workers run
        )
