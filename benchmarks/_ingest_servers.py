"""Ingest benchmark: the servers it measures (`lia serve`, a bare Litestar app) and their setup."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
from _ingest_bodies import APP_SECRET, WEBHOOK_PATH
from _support import LIA, free_port, peak_rss_mb, rss_mb, wait_http_ok
from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = [
    "FAILURES",
    "LogSummary",
    "Memory",
    "Server",
    "bare_server_main",
    "declare_failures",
    "lia_serve",
    "lia_stack",
    "serve_env",
    "server",
    "write_crm",
]

FAILURES = 1_000
"""Active failures in the outage scenarios; failure n covers the city `Cidade n`."""


def bare_server_main(port: int) -> None:
    """A Litestar app with one POST route that reads the body, served as `lia serve` serves."""
    import uvicorn
    from litestar import Litestar, Request, get, post

    @post(WEBHOOK_PATH, status_code=200)
    async def webhook(request: Request[Any, Any, Any]) -> dict[str, int]:
        await request.body()
        return {"messages": 1, "statuses": 0, "ignored": 0}

    @get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    app = Litestar(route_handlers=[webhook, health], logging_config=None)
    uvicorn.run(
        app, host="127.0.0.1", port=port, log_config=None, access_log=False, server_header=False
    )


@attrs.frozen(kw_only=True)
class Memory:
    """Memory of a server process, in MB."""

    peak_rss_mb: float
    """Peak RSS (VmHWM) over the run."""
    peak_rss_after_startup_mb: float
    """Peak RSS once the server answered its first request: startup alone."""
    rss_after_load_mb: float
    """Resident memory (VmRSS) at the last reading."""


@attrs.define
class Server:
    """A running server process: its port, and CPU/RSS readings."""

    port: int
    process: subprocess.Popen[bytes]
    log: Path
    worker: subprocess.Popen[bytes] | None = None
    """`lia worker`, running the gate, with `LIA_INBOUND__GATE=worker`."""
    worker_log: Path | None = None
    peak_rss_mb: float = 0.0
    started_rss_mb: float = 0.0
    """Peak RSS (VmHWM) once the server answered its first request: startup alone."""
    last_rss_mb: float = 0.0
    """Resident memory (VmRSS) at the last reading."""

    def sample_rss(self) -> float:
        """Peak RSS so far (VmHWM), remembered for after the process is gone."""
        self.peak_rss_mb = max(self.peak_rss_mb, peak_rss_mb(self.process.pid))
        self.last_rss_mb = rss_mb(self.process.pid)
        return self.peak_rss_mb

    def memory(self) -> Memory:
        """Peak RSS after startup and over the run, and RSS at the last reading (MB)."""
        return Memory(
            peak_rss_mb=round(self.peak_rss_mb, 1),
            peak_rss_after_startup_mb=round(self.started_rss_mb, 1),
            rss_after_load_mb=round(self.last_rss_mb, 1),
        )


@contextlib.contextmanager
def server(command: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[Server]:
    """Start a server, wait for /health, stop it afterwards (reading its peak RSS first)."""
    with log.open("wb") as sink:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=sink)
        running = Server(port=port, process=process, log=log)
        try:
            wait_http_ok(f"http://127.0.0.1:{port}/health", within=60, process=process)
            running.started_rss_mb = running.sample_rss()
            yield running
        except BaseException:
            tail = log.read_text(errors="replace").splitlines()[-20:]
            print(f"{command[-1]} server log (last lines):", *tail, sep="\n", file=sys.stderr)
            raise
        finally:
            if process.poll() is None:
                running.sample_rss()
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@contextlib.contextmanager
def lia_serve(env: dict[str, str], log: Path) -> Iterator[Server]:
    """`lia serve` with *env* on a free port (see `server`)."""
    port = free_port()
    with server([str(LIA), "serve"], env | {"LIA_HTTP__PORT": str(port)}, port, log) as running:
        yield running


@contextlib.contextmanager
def lia_stack(env: dict[str, str], log: Path, gate: str, nice: int = 0) -> Iterator[Server]:
    """`lia serve`, and with *gate* `worker` a `lia worker --gate-only` beside it (at *nice*).

    No worker runs in the inline runs (the replies stay queued), so the gate worker runs the
    gate alone: no sends and no timed jobs, which inline mode does not run either.
    """
    env = env | {"LIA_INBOUND__GATE": gate}
    with lia_serve(env, log) as running:
        if gate != "worker":
            yield running
            return
        worker_log = log.with_name(log.stem + "-worker.log")
        with worker_log.open("wb") as sink:
            worker = subprocess.Popen(
                ["nice", "-n", str(nice), str(LIA), "worker", "--gate-only"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=sink,
            )
        running.worker, running.worker_log = worker, worker_log
        try:
            yield running
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def serve_env(database_url: str, crm_file: Path, data_dir: Path) -> dict[str, str]:
    """Environment of the measured `lia serve`: PostgreSQL, the app secret, a CSV CRM."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIA_")}
    return {
        **env,
        "LIA_DATABASE_URL": database_url,
        "LIA_DATA_DIR": str(data_dir),
        "LIA_JWT_SECRET": "bench-jwt-secret-bench-jwt-secret",
        "LIA_LOG_LEVEL": "WARNING",
        "LIA_LOG_FORMAT": "json",
        "LIA_WHATSAPP__APP_SECRET": APP_SECRET,
        # Credentials make replies go out on WhatsApp (not the sandbox); nothing is sent here.
        "LIA_WHATSAPP__PHONE_NUMBER_ID": "106540352242922",
        "LIA_WHATSAPP__ACCESS_TOKEN": "bench-token",
        "LIA_WHATSAPP__BASE_URL": "http://127.0.0.1:9",
        "LIA_CRM__KIND": "file",
        "LIA_CRM__FILE": str(crm_file),
    }


def write_crm(path: Path, senders: dict[str, int]) -> None:
    """A CSV CRM: each sender lives in `Cidade <n mod 1,000>` (so failure n covers it)."""
    lines = ["phone;name;street;number;bairro;city;state;cep;contract_id"]
    for phone, n in senders.items():
        city = n % FAILURES
        cep = f"{39_000_000 + n % 900_000:08d}"
        lines.append(
            f"{phone};Cliente {n};Rua {city};{n % 999 + 1};Centro;Cidade {city};MG;"
            f"{cep[:5]}-{cep[5:]};{n}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


async def declare_failures(engine: AsyncEngine, count: int) -> dict[str, str]:
    """*count* active failures, failure i covering the whole city `Cidade i`; city → id."""
    from lia_adapters.memory import PlainTextHasher
    from lia_adapters.sql import SqlUnitOfWorkFactory
    from lia_adapters.system import SystemClock, UuidGenerator
    from lia_core.domain.regions import CityArea
    from lia_core.services import DeclareFailure, Services

    services = Services.build(
        uow=SqlUnitOfWorkFactory(engine),
        clock=SystemClock(),
        ids=UuidGenerator(),
        hasher=PlainTextHasher(),
    )
    ids: dict[str, str] = {}
    for i in range(count):
        failure = await services.declare_failure(
            DeclareFailure(
                name=f"Rompimento de fibra {i}",
                message="Olá {nome}, identificamos uma falha em {regiao}. Previsão: {previsao}.",
                cities=(CityArea.parse(f"Cidade {i}"),),
                actor="bench",
            )
        )
        ids[f"Cidade {i}"] = failure.id
    return ids


@attrs.frozen(kw_only=True)
class LogSummary:
    """Warnings and errors a server logged, by event, with a few examples."""

    events: dict[str, int]
    examples: list[str]

    @classmethod
    def read(cls, log: Path, *more: Path | None) -> LogSummary:
        """Summarise JSON-lines logs (a line that is no JSON counts as "raw")."""
        events: Counter[str] = Counter()
        examples: list[str] = []
        lines = [
            line
            for path in (log, *more)
            if path is not None
            for line in path.read_text(errors="replace").splitlines()
        ]
        for line in lines:
            try:
                entry = json.loads(line)
                level = str(entry.get("level", "?"))
                key = f"{level}:{entry.get('event', '?')}"
            except (json.JSONDecodeError, AttributeError):
                key = "raw"
            events[key] += 1
            if len(examples) < 5:
                examples.append(line[:300])
        return cls(events=dict(events), examples=examples)
