"""The BullMQ peer of the dispatch benchmark: peers/bullmq_dispatch.mjs, installed from npm at run time.

The Node script and its pinned package.json (and lock) live in benchmarks/peers/; each run
installs them into a temporary folder with `npm install --prefix`, so no node_modules is
committed. Without node or npm (or Redis) the peer is skipped with a reason, except under
CI=true, where a missing peer is an error.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["REDIS_URL", "bullmq_throughput"]

PEERS = Path(__file__).parent / "peers"
REDIS_URL = os.environ.get("LIA_BENCH_REDIS_URL", "redis://127.0.0.1:6379")


def _missing() -> str | None:
    """Why the peer cannot run here, or None when it can."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            return f"{tool} is not on PATH (Node.js 20+ runs the BullMQ peer)"
    address = urlsplit(REDIS_URL)
    try:
        socket.create_connection((address.hostname or "127.0.0.1", address.port or 6379), 2).close()
    except OSError as exc:
        return f"Redis is not reachable at {REDIS_URL} ({exc}); set LIA_BENCH_REDIS_URL"
    return None


def bullmq_throughput(stub: str, *, jobs: int, concurrency: int) -> dict[str, Any]:
    """Jobs per second of one BullMQ worker sending *jobs* WhatsApp texts to *stub*."""
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"BullMQ peer: {reason}")
        return {"skipped": reason}
    with tempfile.TemporaryDirectory(prefix="lia-bench-peer-") as folder:
        for name in ("package.json", "package-lock.json", "bullmq_dispatch.mjs"):
            shutil.copy(PEERS / name, folder)
        subprocess.run(
            ["npm", "install", "--prefix", folder, "--no-audit", "--no-fund", "--loglevel=error"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        done = subprocess.run(
            [
                "node",
                str(Path(folder) / "bullmq_dispatch.mjs"),
                f"--stub={stub}",
                f"--jobs={jobs}",
                f"--concurrency={concurrency}",
                f"--redis={REDIS_URL}",
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        )
        versions = json.loads((PEERS / "package.json").read_text())["dependencies"]
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return {"peer": f"bullmq {versions['bullmq']} (node {_node_version()})", **figures}


def _node_version() -> str:
    """`node --version` without the leading v."""
    return subprocess.run(
        ["node", "--version"], check=True, capture_output=True, text=True
    ).stdout.strip()[1:]
