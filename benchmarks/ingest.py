"""Inbound ingest: signed WhatsApp webhooks posted to one `lia serve` process on PostgreSQL.

Targets (issue: the hot path): >= 1,000 messages/s stored with no failure active and with
1,000 active failures covering every sender (each getting its notice via the outbox); p99
<= 50 ms at an open-loop 500 messages/s (Meta: median <= 250 ms, < 1 % over 1 s); peak RSS
<= 200 MB; a storm of duplicate deliveries (each payload 3 times, 2 of them concurrently)
stores each message once and queues each notice once. Also measured in the same run: a
bare Litestar endpoint under the same server and load generator (the ratio is reported),
and a mix of 3 status webhooks per message (Meta's "3x outgoing plus 1x incoming").

The load generator is this script in a second process (`--loadgen`): a minimal keep-alive
HTTP/1.1 client on uvloop sending pre-built, pre-signed requests. Prints a table (or JSON
with --json); exits 1 only on a correctness failure (a message acknowledged but not stored
or stored twice, a notice missing or queued twice, a receipt lost), never on speed.
Run with `nox -s bench` or `python benchmarks/ingest.py` (needs the PostgreSQL test server);
`--quick` for a smoke run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import pickle
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import attrs
from _support import (
    LIA,
    POSTGRES_URL,
    command_cpu_seconds,
    cpu_seconds,
    free_port,
    fresh_schema,
    machine_busy_seconds,
    peak_rss_mb,
    rss_mb,
    wait_http_ok,
)
from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.sql.conversation_tables import message_receipts, messages
from lia_adapters.sql.tables import failure_notifications, outbox_jobs

SCRIPT = Path(__file__).resolve()
APP_SECRET = "bench-app-secret"
WEBHOOK_PATH = "/webhooks/whatsapp"
FAILURES = 1_000
NOTICE_JOB = "outage-notice"

# Phases use disjoint senders (55 31 9 <phase digit> <7 digits>) and message ids
# (wamid.HBgN<phase letter><9 digits>…), so one server can run several and each is counted alone.
PHASES = {"warmup": ("W", 0), "a": ("A", 1), "b": ("B", 2), "latency": ("L", 3)}
PHASES |= {"dup": ("D", 4), "mix": ("M", 5)}


# --- payloads -------------------------------------------------------------------------------


def sender(phase: str, n: int) -> str:
    """The WhatsApp id (E.164 digits) of sender *n* of *phase*."""
    return f"55319{PHASES[phase][1]}{n:07d}"


def id_prefix(phase: str) -> str:
    """What every message id of *phase* starts with."""
    return f"wamid.HBgN{PHASES[phase][0]}"


def message_id(phase: str, n: int) -> str:
    """A Cloud-API-looking message id, unique per phase and *n*."""
    return f"{id_prefix(phase)}{n:09d}FQIAEhggQjRBNUQ5QzE3RDdGMDQ1RjU5AA=="


def message_body(phase: str, n: int, now: int) -> bytes:
    """A Cloud API webhook with one text message from sender *n* of *phase*."""
    phone = sender(phase, n)
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "553140042000", "phone_number_id": "106540352242922"},
        "contacts": [{"profile": {"name": f"Cliente {n}"}, "wa_id": phone}],
        "messages": [
            {
                "from": phone,
                "id": message_id(phase, n),
                "timestamp": str(now),
                "type": "text",
                "text": {"body": "Boa tarde, estou sem internet desde cedo. Tem previsão?"},
            }
        ],
    }
    return _envelope(value)


def status_body(phase: str, n: int, status: str, now: int) -> bytes:
    """A Cloud API status webhook for the notice sent to sender *n* of *phase*."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "553140042000", "phone_number_id": "106540352242922"},
        "statuses": [
            {
                "id": f"wamid.HBgNS{PHASES[phase][0]}{n:09d}FQIAERgSMEQ5QzE3RDdGMDQ1RjU5AA==",
                "status": status,
                "timestamp": str(now),
                "recipient_id": sender(phase, n),
                "conversation": {
                    "id": f"conv{n:012d}",
                    "origin": {"type": "service"},
                },
                "pricing": {"billable": True, "pricing_model": "CBP", "category": "service"},
            }
        ],
    }
    return _envelope(value)


def _envelope(value: dict[str, Any]) -> bytes:
    body = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}],
    }
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def signed_request(body: bytes, *, secret: str = APP_SECRET, path: str = WEBHOOK_PATH) -> bytes:
    """The raw HTTP/1.1 request Meta would send: JSON body and `X-Hub-Signature-256`."""
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    head = (
        f"POST {path} HTTP/1.1\r\n"
        "Host: 127.0.0.1\r\n"
        "User-Agent: facebookexternalua\r\n"
        "Accept: */*\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"X-Hub-Signature-256: sha256={signature}\r\n"
        "\r\n"
    )
    return head.encode() + body


# --- the load generator (runs in its own process) -----------------------------------------


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection, one request at a time; answers the status code."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[int] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(-1)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.waiter is None or self.waiter.done():
            return
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = bytes(self.buffer[:end]).lower()
        length = 0
        chunked = False
        for line in head.split(b"\r\n")[1:]:
            if line.startswith(b"content-length:"):
                length = int(line[15:])
            elif line.startswith(b"transfer-encoding:") and b"chunked" in line:
                chunked = True
        if chunked:
            last = self.buffer.find(b"0\r\n\r\n", end + 4)
            if last < 0:
                return
            total = last + 5
        else:
            total = end + 4 + length
            if len(self.buffer) < total:
                return
        status = int(self.buffer[9:12])
        del self.buffer[:total]
        self.waiter.set_result(status)

    def send(self, raw: bytes) -> asyncio.Future[int]:
        """Write one request; the future gets the response status (-1: connection lost)."""
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(raw)
        return self.waiter


async def _connect(port: int) -> _Connection:
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_connection(lambda: _Connection(port), "127.0.0.1", port)
    return protocol


Record = tuple[float, float, float, int]
"""(due, sent, answered, status): perf_counter seconds from the start; status 0 = timed out."""


async def _exchange(conn: _Connection, raw: bytes, timeout: float) -> tuple[_Connection, int]:
    """Send *raw* on *conn* (a fresh one if it was closed); a dead connection is replaced."""
    if conn.closed:
        conn = await _connect(conn.port)
    try:
        status = await asyncio.wait_for(conn.send(raw), timeout)
    except TimeoutError:
        status = 0
    if status <= 0 and conn.transport is not None:
        conn.transport.close()  # a half-read answer would poison the next request
    return conn, status


async def closed_loop(
    port: int,
    requests: Sequence[bytes],
    items: Sequence[Sequence[int]],
    *,
    concurrency: int,
    timeout: float,
) -> tuple[float, list[Record]]:
    """*concurrency* workers; each takes the next item and sends its requests in parallel."""
    width = max(len(item) for item in items)
    pools = [[await _connect(port) for _ in range(width)] for _ in range(concurrency)]
    records: list[Record] = []
    queue = iter(items)
    start = time.perf_counter()

    async def worker(conns: list[_Connection]) -> None:
        for item in queue:
            sent = time.perf_counter() - start
            answers = await asyncio.gather(
                *(_exchange(conns[k], requests[i], timeout) for k, i in enumerate(item))
            )
            done = time.perf_counter() - start
            for k, (conn, status) in enumerate(answers):
                conns[k] = conn
                records.append((sent, sent, done, status))

    await asyncio.gather(*(worker(conns) for conns in pools))
    for conns in pools:
        for conn in conns:
            if conn.transport is not None:
                conn.transport.close()
    return start, records


async def open_loop(
    port: int,
    requests: Sequence[bytes],
    order: Sequence[int],
    *,
    rate: float,
    connections: int,
    timeout: float,
) -> tuple[float, list[Record]]:
    """Send request number *k* of *order* at start + k/rate whatever the answers (no
    coordinated omission: latency counts from the due time, so queueing for a free
    connection shows)."""
    idle: asyncio.Queue[_Connection] = asyncio.Queue()
    for _ in range(connections):
        idle.put_nowait(await _connect(port))
    records: list[Record] = []
    tasks: set[asyncio.Task[None]] = set()
    start = time.perf_counter() + 0.05

    async def one(index: int, due: float) -> None:
        conn = await idle.get()
        sent = time.perf_counter() - start
        conn, status = await _exchange(conn, requests[index], timeout)
        records.append((due, sent, time.perf_counter() - start, status))
        idle.put_nowait(conn)

    for k, index in enumerate(order):
        due = k / rate
        delay = start + due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(index, due))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    while tasks:
        await asyncio.gather(*list(tasks))
    while not idle.empty():
        conn = idle.get_nowait()
        if conn.transport is not None:
            conn.transport.close()
    return start, records


def _cpu_snapshot(pid: int | None) -> dict[str, float]:
    """CPU seconds so far: the whole machine (busy), PostgreSQL, the server, and the clock."""
    return {
        "wall": time.perf_counter(),
        "machine": machine_busy_seconds(),
        "postgres": command_cpu_seconds("postgres"),
        "server": cpu_seconds(pid) if pid else 0.0,
        "loadgen": sum(resource.getrusage(resource.RUSAGE_SELF)[:2]),
    }


def loadgen_main(spec_path: str, out_path: str) -> None:
    """Run one load described by the pickled spec; write the records as JSON."""
    with open(spec_path, "rb") as file:
        spec: dict[str, Any] = pickle.load(file)
    with contextlib.suppress(ImportError):
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    wall0 = time.time() - time.perf_counter()  # wall clock = wall0 + perf_counter()
    before = _cpu_snapshot(spec.get("watch_pid"))
    if spec["mode"] == "closed":
        start, records = asyncio.run(
            closed_loop(
                spec["port"],
                spec["requests"],
                spec["items"],
                concurrency=spec["concurrency"],
                timeout=spec["timeout"],
            )
        )
    else:
        start, records = asyncio.run(
            open_loop(
                spec["port"],
                spec["requests"],
                spec["order"],
                rate=spec["rate"],
                connections=spec["connections"],
                timeout=spec["timeout"],
            )
        )
    after = _cpu_snapshot(spec.get("watch_pid"))
    result = {
        "cpu": {k: after[k] - before[k] for k in before},
        "wall_start": wall0 + start,
        "records": records,
    }
    Path(out_path).write_text(json.dumps(result))


# --- the bare Litestar baseline (runs in its own process) ---------------------------------


def bare_server_main(port: int) -> None:
    """A Litestar app with one POST route that reads the body, served as `lia serve` serves."""
    import uvicorn
    from litestar import Litestar, Request, get, post

    @post("/webhooks/whatsapp", status_code=200)
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


# --- running loads and servers from the parent ---------------------------------------------


@attrs.frozen(kw_only=True)
class Load:
    """What the load generator saw."""

    wall_start: float
    records: list[Record]
    cpu: dict[str, float]
    """CPU seconds during the load (and "wall", the seconds it lasted): machine, postgres,
    server, loadgen."""

    def cores(self) -> dict[str, float]:
        """Average busy cores during the load: machine, PostgreSQL, server, load generator."""
        wall = self.cpu["wall"]
        return {
            "machine": round(self.cpu["machine"] / wall, 2),
            "postgres": round(self.cpu["postgres"] / wall, 2),
            "server": round(self.cpu["server"] / wall, 2),
            "loadgen": round(self.cpu["loadgen"] / wall, 2),
        }

    @property
    def statuses(self) -> Counter[int]:
        """Requests per answer status (0 timed out, -1 connection lost)."""
        return Counter(r[3] for r in self.records)

    @property
    def ok(self) -> int:
        """Requests answered 200."""
        return self.statuses[200]

    @property
    def seconds(self) -> float:
        """First send to last answer."""
        return max(r[2] for r in self.records) - min(r[1] for r in self.records)

    @property
    def wall_end(self) -> float:
        """Wall-clock time of the last answer."""
        return self.wall_start + max(r[2] for r in self.records)

    def latencies_ms(self) -> list[float]:
        """Sorted answer latencies in ms, counted from each request's due time."""
        return sorted((r[2] - r[0]) * 1000 for r in self.records)


def percentile(ordered: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def latency_summary(load: Load) -> dict[str, float]:
    """p50, p90, p99, max (ms) and the share over 1 s."""
    ms = load.latencies_ms()
    return {
        "p50_ms": round(percentile(ms, 0.50), 1),
        "p90_ms": round(percentile(ms, 0.90), 1),
        "p99_ms": round(percentile(ms, 0.99), 1),
        "max_ms": round(ms[-1], 1),
        "over_1s_percent": round(100 * sum(1 for x in ms if x > 1000) / len(ms), 3),
    }


async def run_load(port: int, spec: dict[str, Any], *, pid: int | None = None) -> Load:
    """Run the load generator in its own process and collect what it saw (and the CPU
    process *pid* used meanwhile)."""
    with tempfile.TemporaryDirectory(prefix="lia-ingest-") as tmp:
        spec_path, out_path = Path(tmp, "spec.pickle"), Path(tmp, "out.json")
        spec_path.write_bytes(
            pickle.dumps({"port": port, "timeout": 30.0, "watch_pid": pid, **spec})
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(SCRIPT), "--loadgen", str(spec_path), str(out_path)
        )
        if await process.wait() != 0:
            raise RuntimeError(f"the load generator failed ({process.returncode})")
        data = json.loads(out_path.read_text())
    return Load(
        wall_start=data["wall_start"],
        records=[(a, b, c, int(d)) for a, b, c, d in data["records"]],
        cpu=data["cpu"],
    )


def closed(
    requests: list[bytes], concurrency: int, items: list[list[int]] | None = None
) -> dict[str, Any]:
    """A closed-loop load spec (by default each request once, in order)."""
    return {
        "mode": "closed",
        "requests": requests,
        "items": items if items is not None else [[i] for i in range(len(requests))],
        "concurrency": concurrency,
    }


@attrs.define
class Server:
    """A running server process: its port, and CPU/RSS readings."""

    port: int
    process: subprocess.Popen[bytes]
    log: Path
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

    def memory(self) -> dict[str, float]:
        """Peak RSS after startup and over the run, and RSS at the last reading (MB)."""
        return {
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "peak_rss_after_startup_mb": round(self.started_rss_mb, 1),
            "rss_after_load_mb": round(self.last_rss_mb, 1),
        }


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


# --- database checks -----------------------------------------------------------------------


def _inbound(phase: str) -> Any:
    return and_(
        messages.c.direction == "inbound",
        messages.c.provider_message_id.like(f"{id_prefix(phase)}%"),
    )


async def stored(engine: AsyncEngine, phase: str) -> dict[str, Any]:
    """Inbound rows of *phase*: count, distinct ids, unprocessed, stored/processed span."""
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                select(
                    func.count(),
                    func.count(func.distinct(messages.c.provider_message_id)),
                    func.count().filter(messages.c.processed_at.is_(None)),
                    func.min(messages.c.stored_at),
                    func.max(messages.c.stored_at),
                    func.max(messages.c.processed_at),
                ).where(_inbound(phase))
            )
        ).one()
    rows, distinct, unprocessed, first, last, processed = row
    return {
        "rows": int(rows),
        "distinct_ids": int(distinct),
        "unprocessed": int(unprocessed),
        "first_stored": first.timestamp() if first else None,
        "last_stored": last.timestamp() if last else None,
        "last_processed": processed.timestamp() if processed else None,
    }


async def wait_gate(engine: AsyncEngine, phase: str, *, within: float) -> dict[str, Any]:
    """Poll until the gate has handled every stored message of *phase* (or time runs out)."""
    deadline = time.monotonic() + within
    while True:
        found = await stored(engine, phase)
        if found["unprocessed"] == 0 or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.1)


async def notices(engine: AsyncEngine, phase: str) -> dict[str, Any]:
    """Notice jobs and notice records for the senders of *phase*."""
    prefix = sender(phase, 0)[:6] + "%"
    async with engine.connect() as conn:
        jobs, job_recipients, job_keys = (
            await conn.execute(
                select(
                    func.count(),
                    func.count(func.distinct(outbox_jobs.c.recipient)),
                    func.count(func.distinct(outbox_jobs.c.idempotency_key)),
                ).where(outbox_jobs.c.job_name == NOTICE_JOB, outbox_jobs.c.recipient.like(prefix))
            )
        ).one()
        records = (
            await conn.execute(
                select(failure_notifications.c.recipient, failure_notifications.c.failure_id).where(
                    failure_notifications.c.kind == "notice",
                    failure_notifications.c.recipient.like(prefix),
                )
            )
        ).all()
    return {
        "jobs": int(jobs),
        "job_recipients": int(job_recipients),
        "job_keys": int(job_keys),
        "records": [(str(r), str(f)) for r, f in records],
    }


async def receipts(engine: AsyncEngine, phase: str) -> Counter[str]:
    """Stored receipts of *phase*'s notices, by status."""
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                select(message_receipts.c.status, func.count())
                .where(
                    message_receipts.c.provider_message_id.like(f"wamid.HBgNS{PHASES[phase][0]}%")
                )
                .group_by(message_receipts.c.status)
            )
        ).all()
    return Counter({str(s).lower(): int(c) for s, c in rows})


def server_log_summary(log: Path) -> dict[str, Any]:
    """Warnings and errors the server logged, by event, with a few examples."""
    events: Counter[str] = Counter()
    examples: list[str] = []
    for line in log.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
            level = str(entry.get("level", "?"))
            key = f"{level}:{entry.get('event', '?')}"
        except (json.JSONDecodeError, AttributeError):
            key = "raw"
        events[key] += 1
        if len(examples) < 5:
            examples.append(line[:300])
    return {"events": dict(events), "examples": examples}


# --- the scenarios -------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Plan:
    """Sizes of one run."""

    messages: int
    concurrency: int
    rate: int
    latency_seconds: int
    dup_messages: int
    mix_messages: int
    gate_wait: float


def message_requests(phase: str, count: int) -> list[bytes]:
    """*count* signed webhooks, one message each, from *count* distinct senders of *phase*."""
    now = int(time.time())
    return [signed_request(message_body(phase, n, now)) for n in range(count)]


def load_figures(load: Load) -> dict[str, Any]:
    """Answers, rate, latency and CPU of one load."""
    seconds = load.seconds
    return {
        "requests": len(load.records),
        "answers": {str(k): v for k, v in sorted(load.statuses.items())},
        "seconds": round(seconds, 2),
        "requests_per_second": round(len(load.records) / seconds),
        **latency_summary(load),
        "server_cpu_ms_per_request": round(1000 * load.cpu["server"] / len(load.records), 3),
        "cores": load.cores(),
    }


def phase_figures(load: Load, found: dict[str, Any], *, messages: int) -> dict[str, Any]:
    """Throughput, latency, gate and CPU figures of one phase."""
    figures = load_figures(load)
    figures["messages_stored"] = found["rows"]
    figures["messages_per_second"] = round(found["rows"] / load.seconds)
    if found["last_processed"] is not None and found["first_stored"] is not None:
        gate_span = found["last_processed"] - load.wall_start
        figures["gate"] = {
            "all_processed": found["unprocessed"] == 0,
            "unprocessed": found["unprocessed"],
            "done_after_last_ack_seconds": round(
                max(0.0, found["last_processed"] - load.wall_end), 2
            ),
            "messages_per_second": round(found["rows"] / max(gate_span, 1e-6)),
        }
    figures["lost"] = max(0, messages - found["rows"]) if load.ok >= messages else None
    return figures


async def measured(
    srv: Server, engine: AsyncEngine, phase: str, spec: dict[str, Any], *, messages: int, plan: Plan
) -> dict[str, Any]:
    """Run one load against *srv*, wait for the gate, return the figures."""
    load = await run_load(srv.port, spec, pid=srv.process.pid)
    found = await wait_gate(engine, phase, within=plan.gate_wait)
    srv.sample_rss()
    figures = phase_figures(load, found, messages=messages)
    figures["distinct_ids"] = found["distinct_ids"]
    return figures


async def baseline(plan: Plan) -> dict[str, Any]:
    """The bare Litestar endpoint: same server, same load generator, same bodies."""
    port = free_port()
    requests = message_requests("warmup", plan.messages)
    with (
        tempfile.TemporaryDirectory(prefix="lia-ingest-") as tmp,
        server(
            [sys.executable, str(SCRIPT), "--bare-server", str(port)],
            dict(os.environ),
            port,
            Path(tmp, "bare.log"),
        ) as srv,
    ):
        await run_load(port, closed(requests[:500], plan.concurrency))
        rounds = [
            await run_load(port, closed(requests, plan.concurrency), pid=srv.process.pid)
            for _ in range(3)
        ]
    # The shortest of the three phases here: take the median round, show the range.
    ordered = sorted(rounds, key=lambda load: load.seconds)
    rates = [round(len(load.records) / load.seconds) for load in ordered]
    return load_figures(ordered[1]) | {"rounds_per_second": rates[::-1]} | srv.memory()


async def warm_up(srv: Server, engine: AsyncEngine, plan: Plan) -> None:
    """A few hundred messages first: connection pools, caches, first-call costs."""
    await run_load(srv.port, closed(message_requests("warmup", 500), plan.concurrency))
    await wait_gate(engine, "warmup", within=plan.gate_wait)


async def scenario_a(plan: Plan, crm: Path, tmp: Path) -> dict[str, Any]:
    """No failure active: unique messages at the maximum rate."""
    async with fresh_schema() as (url, engine):
        port = free_port()
        env = serve_env(url, crm, tmp) | {"LIA_HTTP__PORT": str(port)}
        with server([str(LIA), "serve"], env, port, tmp / "serve-a.log") as srv:
            await warm_up(srv, engine, plan)
            figures = await measured(
                srv,
                engine,
                "a",
                closed(message_requests("a", plan.messages), plan.concurrency),
                messages=plan.messages,
                plan=plan,
            )
        figures |= srv.memory()
        figures["server_log"] = server_log_summary(srv.log)
        return figures


def check_notices(
    found: dict[str, Any], phase: str, count: int, failure_of: dict[str, str]
) -> dict[str, Any]:
    """Every sender of *phase* has exactly one notice job and one notice record, for its city."""
    expected = {sender(phase, n): failure_of[f"Cidade {n % FAILURES}"] for n in range(count)}
    recorded = dict(found["records"])
    wrong = sum(1 for phone, failure in recorded.items() if expected.get(phone) != failure)
    return {
        "notice_jobs": found["jobs"],
        "notice_job_recipients": found["job_recipients"],
        "notice_records": len(found["records"]),
        "senders": count,
        "records_for_the_wrong_failure": wrong,
        "ok": found["jobs"] == found["job_recipients"] == found["job_keys"] == count
        and len(found["records"]) == len(recorded) == count
        and wrong == 0,
    }


async def outage_scenarios(
    plan: Plan, crm: Path, tmp: Path
) -> tuple[dict[str, Any], dict[str, Any]]:
    """1,000 active failures: throughput (B), latency at a fixed rate, duplicates, statuses."""
    results: dict[str, Any] = {}
    async with fresh_schema() as (url, engine):
        started = time.perf_counter()
        failure_of = await declare_failures(engine, FAILURES)
        results["declare_seconds"] = round(time.perf_counter() - started, 1)
        port = free_port()
        env = serve_env(url, crm, tmp) | {"LIA_HTTP__PORT": str(port)}
        with server([str(LIA), "serve"], env, port, tmp / "serve-b.log") as srv:
            await warm_up(srv, engine, plan)
            b = await measured(
                srv,
                engine,
                "b",
                closed(message_requests("b", plan.messages), plan.concurrency),
                messages=plan.messages,
                plan=plan,
            )
            b["notices"] = check_notices(await notices(engine, "b"), "b", plan.messages, failure_of)
            results["b"] = b

            count = plan.rate * plan.latency_seconds
            latency = await measured(
                srv,
                engine,
                "latency",
                {
                    "mode": "open",
                    "requests": message_requests("latency", count),
                    "order": list(range(count)),
                    "rate": plan.rate,
                    "connections": 128,
                },
                messages=count,
                plan=plan,
            )
            latency["notices"] = check_notices(
                await notices(engine, "latency"), "latency", count, failure_of
            )
            results["latency"] = latency

            results["dup"] = await duplicate_storm(srv, engine, plan, failure_of)
            results["mix"] = await status_mix(srv, engine, plan)
        results |= srv.memory()
        results["server_log"] = server_log_summary(srv.log)
    return results, failure_of


async def duplicate_storm(
    srv: Server, engine: AsyncEngine, plan: Plan, failure_of: dict[str, str]
) -> dict[str, Any]:
    """Every payload 3 times: two copies at the same moment on two connections, one later."""
    count = plan.dup_messages
    requests = message_requests("dup", count)
    rng = random.Random(3)
    later = [[i] for i in range(count)]
    rng.shuffle(later)
    items = [[i, i] for i in range(count)] + later
    figures = await measured(
        srv, engine, "dup", closed(requests, plan.concurrency, items), messages=count, plan=plan
    )
    found = await stored(engine, "dup")
    figures["notices"] = check_notices(await notices(engine, "dup"), "dup", count, failure_of)
    figures["unique_payloads"] = count
    figures["ok"] = (
        found["rows"] == found["distinct_ids"] == count
        and figures["notices"]["ok"]
        and figures["answers"] == {"200": 3 * count}
    )
    return figures


async def status_mix(srv: Server, engine: AsyncEngine, plan: Plan) -> dict[str, Any]:
    """Each message followed by the 3 receipts (sent, delivered, read) of its notice."""
    count = plan.mix_messages
    now = int(time.time())
    requests: list[bytes] = []
    for n in range(count):
        requests.append(signed_request(message_body("mix", n, now)))
        for status in ("sent", "delivered", "read"):
            requests.append(signed_request(status_body("mix", n, status, now)))
    figures = await measured(
        srv, engine, "mix", closed(requests, plan.concurrency), messages=count, plan=plan
    )
    stored_receipts = await receipts(engine, "mix")
    figures["receipts"] = dict(stored_receipts)
    figures["webhooks_per_second"] = figures.pop("requests_per_second")
    figures["ok"] = stored_receipts == Counter({"read": count})
    return figures


# --- the report ----------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def table(result: dict[str, Any]) -> str:
    """The figures against the targets, one row each."""
    bare, a, o = result["bare"], result["a"], result["outage"]
    b, lat, dup, mix = o["b"], o["latency"], o["dup"], o["mix"]
    rss = max(a["peak_rss_mb"], o["peak_rss_mb"])
    startup = max(a["peak_rss_after_startup_mb"], o["peak_rss_after_startup_mb"])
    resident = max(a["rss_after_load_mb"], o["rss_after_load_mb"])
    rows: list[tuple[str, str, str, str]] = [
        (
            "bare Litestar endpoint",
            f"{bare['requests_per_second']:,} req/s, median of "
            + "/".join(f"{r:,}" for r in bare["rounds_per_second"])
            + f" (p99 {bare['p99_ms']} ms)",
            "reference",
            "",
        ),
        (
            "A: stored, no failure active",
            f"{a['messages_per_second']:,} msg/s "
            f"({a['messages_per_second'] / bare['requests_per_second']:.2f}x bare)",
            ">= 1,000 msg/s",
            verdict(a["messages_per_second"] >= 1000),
        ),
        (
            "A: latency at max rate",
            f"p50 {a['p50_ms']} / p99 {a['p99_ms']} ms "
            f"(concurrency {result['plan']['concurrency']})",
            "info",
            "",
        ),
        ("A: gate done after last ack", _gate(a), "keeps up", verdict(_kept_up(a))),
        (
            f"B: stored, {FAILURES:,} failures active",
            f"{b['messages_per_second']:,} msg/s "
            f"({b['messages_per_second'] / bare['requests_per_second']:.2f}x bare)",
            ">= 1,000 msg/s",
            verdict(b["messages_per_second"] >= 1000),
        ),
        ("B: gate done after last ack", _gate(b), "keeps up", verdict(_kept_up(b))),
        (
            "B: one notice per sender (outbox + record)",
            f"{b['notices']['notice_jobs']:,} jobs, {b['notices']['notice_records']:,} records "
            f"/ {b['notices']['senders']:,} senders",
            "equal, right failure",
            verdict(b["notices"]["ok"]),
        ),
        (
            f"latency at {result['plan']['rate']}/s open loop, p99",
            f"{lat['p99_ms']} ms (p50 {lat['p50_ms']}, max {lat['max_ms']})",
            "<= 50 ms",
            verdict(lat["p99_ms"] <= 50),
        ),
        ("  Meta: median", f"{lat['p50_ms']} ms", "<= 250 ms", verdict(lat["p50_ms"] <= 250)),
        (
            "  Meta: over 1 s",
            f"{lat['over_1s_percent']} %",
            "< 1 %",
            verdict(lat["over_1s_percent"] < 1),
        ),
        ("  gate during the paced run", _gate(lat), "keeps up", verdict(_kept_up(lat))),
        (
            "peak RSS of lia serve (VmHWM)",
            f"{rss} MB (after startup alone {startup}; RSS after the load {resident})",
            "<= 200 MB",
            verdict(rss <= 200),
        ),
        (
            "duplicate storm: messages stored",
            f"{dup['messages_stored']:,} rows / {dup['unique_payloads']:,} unique "
            f"({dup['requests']:,} deliveries)",
            "once each",
            verdict(dup["messages_stored"] == dup["unique_payloads"] == dup["distinct_ids"]),
        ),
        (
            "duplicate storm: notices queued",
            f"{dup['notices']['notice_jobs']:,} jobs / {dup['notices']['senders']:,} senders",
            "once each",
            verdict(dup["notices"]["ok"]),
        ),
        (
            "status mix (1 message + 3 receipts)",
            f"{mix['webhooks_per_second']:,} webhooks/s = {mix['messages_per_second']:,} msg/s "
            "with 3 receipts each",
            "info: Meta's 3x out + 1x in",
            "",
        ),
        (
            "status mix: receipts kept (highest status)",
            ", ".join(f"{v:,} {k}" for k, v in sorted(mix["receipts"].items())) or "none",
            f"{mix['messages_stored']:,} read",
            verdict(mix["ok"]),
        ),
    ]
    non_200 = {
        name: {k: v for k, v in phase["answers"].items() if k != "200"}
        for name, phase in (("A", a), ("B", b), ("latency", lat), ("dup", dup), ("mix", mix))
    }
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    header = ("figure", "measured", "target", "result")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    lines = [
        " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)),
        "-+-".join("-" * w for w in widths),
    ]
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.append("")
    lines.append(f"non-200 answers: {non_200}")
    lines.append(
        "server CPU per request (ms): "
        f"bare {bare['server_cpu_ms_per_request']}, A {a['server_cpu_ms_per_request']}, "
        f"B {b['server_cpu_ms_per_request']}, latency {lat['server_cpu_ms_per_request']}, "
        f"dup {dup['server_cpu_ms_per_request']}, mix {mix['server_cpu_ms_per_request']}"
    )
    lines.append("busy cores during each load (of 2; 'machine' includes other users):")
    phases = {"bare": bare, "A": a, "B": b, "latency": lat, "dup": dup, "mix": mix}
    lines += [f"  {name}: {phase['cores']}" for name, phase in phases.items()]
    for name in ("a", "outage"):
        log = (result[name] if name == "a" else o)["server_log"]
        if log["events"]:
            lines.append(f"server log ({name}): {log['events']}; e.g. {log['examples'][:2]}")
    lines.append(f"load average before/after: {result['load_before']} / {result['load_after']}")
    return "\n".join(lines)


def _gate(phase: dict[str, Any]) -> str:
    gate = phase.get("gate")
    if gate is None:
        return "no message processed"
    tail = "" if gate["all_processed"] else f", {gate['unprocessed']:,} left unprocessed"
    return (
        f"{gate['done_after_last_ack_seconds']} s ({gate['messages_per_second']:,} msg/s "
        f"end to end{tail})"
    )


def _kept_up(phase: dict[str, Any]) -> bool:
    gate = phase.get("gate")
    return gate is not None and gate["all_processed"] and gate["done_after_last_ack_seconds"] <= 5


def correctness(result: dict[str, Any]) -> list[str]:
    """Correctness failures (the only reason to exit non-zero)."""
    problems: list[str] = []
    o = result["outage"]
    for name, phase in (("A", result["a"]), ("B", o["b"]), ("latency", o["latency"])):
        if phase["messages_stored"] != phase["distinct_ids"]:
            problems.append(f"{name}: a message id stored twice")
        acked = int(phase["answers"].get("200", 0))
        if phase["messages_stored"] < acked:
            problems.append(f"{name}: {acked - phase['messages_stored']} acked messages not stored")
    for name, phase in (("B", o["b"]), ("latency", o["latency"])):
        if not phase["notices"]["ok"] and phase["answers"] == {"200": phase["requests"]}:
            problems.append(f"{name}: notices {phase['notices']}")
    if not o["dup"]["ok"]:
        problems.append(
            f"duplicate storm: {o['dup']['messages_stored']} rows, {o['dup']['notices']}"
        )
    if not o["mix"]["ok"]:
        problems.append(f"status mix: receipts {o['mix']['receipts']}")
    return problems


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


async def main() -> int:
    """Run every scenario and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=20_000, help="messages in A and in B")
    parser.add_argument("--concurrency", type=int, default=32, help="connections, closed loop")
    parser.add_argument("--rate", type=int, default=500, help="messages/s of the latency run")
    parser.add_argument("--seconds", type=int, default=20, help="length of the latency run")
    parser.add_argument("--quick", action="store_true", help="a smoke run (small sizes)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--save", type=Path, help="also write the JSON figures to this file")
    args = parser.parse_args()
    messages = 2_000 if args.quick else args.messages
    plan = Plan(
        messages=messages,
        concurrency=args.concurrency,
        rate=args.rate,
        latency_seconds=4 if args.quick else args.seconds,
        dup_messages=max(100, messages // 4),
        mix_messages=max(100, messages // 5),
        gate_wait=120.0,
    )
    result: dict[str, Any] = {
        "benchmark": "ingest",
        "plan": attrs.asdict(plan),
        "database": POSTGRES_URL,
        "load_before": load_average(),
    }
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lia-ingest-") as tmp_name:
        tmp = Path(tmp_name)
        crm = tmp / "customers.csv"
        covered = [
            (sender(phase, n), n)
            for phase, count in (
                ("a", plan.messages),
                ("b", plan.messages),
                ("latency", plan.rate * plan.latency_seconds),
                ("dup", plan.dup_messages),
                ("mix", plan.mix_messages),
            )
            for n in range(count)
        ]
        write_crm(crm, dict(covered))
        result["crm_customers"] = len(covered)
        result["bare"] = await baseline(plan)
        result["a"] = await scenario_a(plan, crm, tmp)
        result["outage"], _ = await outage_scenarios(plan, crm, tmp)
    result["load_after"] = load_average()
    result["total_seconds"] = round(time.perf_counter() - started, 1)
    problems = correctness(result)
    result["correctness_problems"] = problems
    if args.save:
        args.save.write_text(json.dumps(result, indent=2))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"inbound ingest: {plan.messages:,} messages per throughput run, concurrency "
            f"{plan.concurrency}, {os.cpu_count()} cores, {result['total_seconds']} s in all"
        )
        print(table(result))
        for problem in problems:
            print(f"CORRECTNESS: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--loadgen":
        loadgen_main(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "--bare-server":
        bare_server_main(int(sys.argv[2]))
    else:
        sys.exit(asyncio.run(main()))
