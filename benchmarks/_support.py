"""Shared benchmark plumbing: a throwaway PostgreSQL schema, the stub provider, queued jobs, a
running `lia worker`, process readings and the JSON report."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.sql import SqlUnitOfWorkFactory, create_engine
from lia_adapters.sql.migrations import upgrade
from lia_core.domain.delivery import Channel, JobContext, JobName, Lane, MessageContent, OutboundJob
from lia_core.domain.recipients import Phone
from lia_core.services.outbox import new_job

POSTGRES_URL = os.environ.get(
    "LIA_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
LIA = Path(sys.executable).parent / "lia"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _warn_if_not_durable(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    # .ci/run turns fsync off for the test suite and back on at exit; a run killed midway
    # leaves it off, and every commit figure here would then be a non-durable one.
    settings = {
        name: str(conn.execute(f"SHOW {name}").fetchone()[0])  # type: ignore[index]
        for name in ("fsync", "synchronous_commit")
    }
    if settings != {"fsync": "on", "synchronous_commit": "on"}:
        print(
            f"WARNING: the PostgreSQL server runs with {settings}: commits are not durable and "
            "the figures are not comparable (ALTER SYSTEM RESET fsync; SELECT pg_reload_conf())",
            file=sys.stderr,
        )


@contextlib.asynccontextmanager
async def fresh_schema() -> AsyncIterator[tuple[str, AsyncEngine]]:
    """A migrated PostgreSQL schema (URL and engine), dropped afterwards."""
    schema = f"lia_bench_{uuid.uuid4().hex[:12]}"
    plain = (
        make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    with psycopg.connect(plain, autocommit=True) as conn:
        _warn_if_not_durable(conn)
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    engine = create_engine(url)
    try:
        await upgrade(engine)
        yield url, engine
    finally:
        await engine.dispose()
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@contextlib.contextmanager
def stub_provider(faults: Mapping[str, object] | None = None) -> Iterator[str]:
    """Run `lia stub-provider` on a free port; yield its URL."""
    port = free_port()
    process = subprocess.Popen(
        [str(LIA), "stub-provider", "--port", str(port), "--faults", json.dumps(faults or {})],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/_stub/requests", timeout=1).status_code == 200:
                    break
            time.sleep(0.05)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


def jobs(count: int, *, prefix: str, lane: Lane = Lane.LIVE, start: int = 0) -> list[OutboundJob]:
    """*count* WhatsApp text jobs to distinct recipients, due now."""
    now = datetime.now(UTC)
    return [
        new_job(
            job_id=str(uuid.uuid4()),
            job_name=JobName.SEND_WHATSAPP,
            channel=Channel.WHATSAPP,
            recipient=Phone.stored(f"55{21_000_000_000 + start + n}"),
            content=MessageContent(text="Olá! Mensagem de teste de carga."),
            context=JobContext(source="bench"),
            idempotency_key=f"{prefix}-{start + n}",
            now=now,
            lane=lane,
        )
        for n in range(count)
    ]


async def enqueue(engine: AsyncEngine, batch: list[OutboundJob]) -> None:
    """Insert jobs in bulk."""
    factory = SqlUnitOfWorkFactory(engine)
    for offset in range(0, len(batch), 10_000):
        async with factory() as uow:
            await uow.outbox.add_many(batch[offset : offset + 10_000])
            await uow.commit()


@contextlib.contextmanager
def running_worker(env: Mapping[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """`lia worker` with environment *env*, stopped (and waited for) when the block ends."""
    process = subprocess.Popen(
        [str(LIA), "worker"], env=dict(env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def worker_env(database_url: str, stub_url: str, **settings: str) -> dict[str, str]:
    """Environment for a `lia worker` sending WhatsApp through the stub."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIA_")}
    return {
        **env,
        "LIA_DATABASE_URL": database_url,
        "LIA_LOG_LEVEL": "WARNING",
        "LIA_WHATSAPP__BASE_URL": stub_url,
        "LIA_WHATSAPP__PHONE_NUMBER_ID": "1234567890",
        "LIA_WHATSAPP__ACCESS_TOKEN": "bench-token",
        "LIA_DELIVERY__PAIR_INTERVAL_SECONDS": "0",
        "LIA_WORKER__IDLE_SECONDS": "0.05",
        **settings,
    }


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a live process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a live process has used so far, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the command name: state is field 3, utime and stime are fields 14 and 15.
    ticks = int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_http_ok(
    url: str, *, within: float = 30, process: subprocess.Popen[bytes] | None = None
) -> None:
    """Poll *url* with GET until it answers 200; raise if *process* exits or time runs out."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(
                f"the server exited with {process.returncode} before answering {url}"
            )
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1).status_code == 200:
                return
        time.sleep(0.05)
    raise TimeoutError(f"{url} did not answer 200 within {within} s")


def machine_busy_seconds() -> float:
    """CPU seconds all cores have spent busy (not idle or waiting on I/O) since boot."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def command_cpu_seconds(name: str) -> float:
    """CPU seconds used so far by the live processes whose command name is *name*."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            if stat[stat.index("(") + 1 : stat.rindex(")")] == name:
                total += cpu_seconds(int(entry.name))
    return total


def rss_mb(pid: int) -> float:
    """Current resident memory (VmRSS) of a live process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")
