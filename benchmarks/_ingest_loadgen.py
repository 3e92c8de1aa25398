"""Ingest benchmark: the load generator (a second process) and what it saw, as typed records.

A minimal keep-alive HTTP/1.1 client on uvloop sends pre-built, pre-signed requests, closed
loop (N workers, next request on each answer) or open loop (request k at start + k/rate).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import pickle
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple, cast

import attrs
from _support import command_cpu_seconds, cpu_seconds, machine_busy_seconds

__all__ = [
    "ClosedLoad",
    "CpuSeconds",
    "Load",
    "OpenLoad",
    "Record",
    "closed",
    "loadgen_main",
    "percentile",
    "run_load",
]

SCRIPT = Path(__file__).resolve().with_name("ingest.py")
"""The script whose `--loadgen` flag runs `loadgen_main` in a fresh process."""


class Record(NamedTuple):
    """One request: perf_counter seconds from the start, and the answer's status."""

    due: float
    sent: float
    answered: float
    status: int
    """The HTTP status; 0 = timed out, -1 = connection lost."""


@attrs.frozen(kw_only=True)
class ClosedLoad:
    """*concurrency* workers; each takes the next item and sends its requests in parallel."""

    requests: list[bytes]
    items: list[list[int]]
    concurrency: int


@attrs.frozen(kw_only=True)
class OpenLoad:
    """Request number k of *order* at start + k/rate, over a pool of *connections*."""

    requests: list[bytes]
    order: list[int]
    rate: float
    connections: int


@attrs.frozen(kw_only=True)
class _Job:
    """What the parent hands the load generator process (pickled)."""

    port: int
    timeout: float
    watch_pid: int | None
    load: ClosedLoad | OpenLoad


def closed(
    requests: list[bytes], concurrency: int, items: list[list[int]] | None = None
) -> ClosedLoad:
    """A closed-loop load (by default each request once, in order)."""
    every = items if items is not None else [[i] for i in range(len(requests))]
    return ClosedLoad(requests=requests, items=every, concurrency=concurrency)


# --- the client ------------------------------------------------------------------------------


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


async def closed_loop(port: int, load: ClosedLoad, *, timeout: float) -> tuple[float, list[Record]]:
    """Run *load*: each worker sends its item's requests in parallel, then takes the next."""
    width = max(len(item) for item in load.items)
    pools = [[await _connect(port) for _ in range(width)] for _ in range(load.concurrency)]
    records: list[Record] = []
    queue = iter(load.items)
    requests = load.requests
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
                records.append(Record(sent, sent, done, status))

    await asyncio.gather(*(worker(conns) for conns in pools))
    for conns in pools:
        for conn in conns:
            if conn.transport is not None:
                conn.transport.close()
    return start, records


async def open_loop(port: int, load: OpenLoad, *, timeout: float) -> tuple[float, list[Record]]:
    """Send request number *k* of the order at start + k/rate whatever the answers (no
    coordinated omission: latency counts from the due time, so queueing for a free
    connection shows)."""
    idle: asyncio.Queue[_Connection] = asyncio.Queue()
    for _ in range(load.connections):
        idle.put_nowait(await _connect(port))
    records: list[Record] = []
    tasks: set[asyncio.Task[None]] = set()
    start = time.perf_counter() + 0.05

    async def one(index: int, due: float) -> None:
        conn = await idle.get()
        sent = time.perf_counter() - start
        conn, status = await _exchange(conn, load.requests[index], timeout)
        records.append(Record(due, sent, time.perf_counter() - start, status))
        idle.put_nowait(conn)

    for k, index in enumerate(load.order):
        due = k / load.rate
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


# --- the load generator process ------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CpuSeconds:
    """CPU seconds during a load: the whole machine (busy), PostgreSQL, the server, the
    load generator; and "wall", the seconds it lasted."""

    wall: float
    machine: float
    postgres: float
    server: float
    loadgen: float

    @classmethod
    def now(cls, pid: int | None) -> CpuSeconds:
        """Readings so far (the clock, and the CPU of the machine, PostgreSQL, *pid*, us)."""
        return cls(
            wall=time.perf_counter(),
            machine=machine_busy_seconds(),
            postgres=command_cpu_seconds("postgres"),
            server=cpu_seconds(pid) if pid else 0.0,
            loadgen=sum(resource.getrusage(resource.RUSAGE_SELF)[:2]),
        )

    def __sub__(self, before: CpuSeconds) -> CpuSeconds:
        return CpuSeconds(
            wall=self.wall - before.wall,
            machine=self.machine - before.machine,
            postgres=self.postgres - before.postgres,
            server=self.server - before.server,
            loadgen=self.loadgen - before.loadgen,
        )


def loadgen_main(job_path: str, out_path: str) -> None:
    """Run the pickled load job; write the records and CPU readings as JSON."""
    with open(job_path, "rb") as file:
        job: _Job = pickle.load(file)
    with contextlib.suppress(ImportError):
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    wall0 = time.time() - time.perf_counter()  # wall clock = wall0 + perf_counter()
    before = CpuSeconds.now(job.watch_pid)
    if isinstance(job.load, ClosedLoad):
        start, records = asyncio.run(closed_loop(job.port, job.load, timeout=job.timeout))
    else:
        start, records = asyncio.run(open_loop(job.port, job.load, timeout=job.timeout))
    cpu = CpuSeconds.now(job.watch_pid) - before
    result = {"cpu": attrs.asdict(cpu), "wall_start": wall0 + start, "records": records}
    Path(out_path).write_text(json.dumps(result))


# --- what the parent gets back ---------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Load:
    """What the load generator saw."""

    wall_start: float
    records: list[Record]
    cpu: CpuSeconds

    def cores(self) -> dict[str, float]:
        """Average busy cores during the load: machine, PostgreSQL, server, load generator."""
        wall = self.cpu.wall
        return {
            "machine": round(self.cpu.machine / wall, 2),
            "postgres": round(self.cpu.postgres / wall, 2),
            "server": round(self.cpu.server / wall, 2),
            "loadgen": round(self.cpu.loadgen / wall, 2),
        }

    @property
    def statuses(self) -> Counter[int]:
        """Requests per answer status (0 timed out, -1 connection lost)."""
        return Counter(r.status for r in self.records)

    @property
    def ok(self) -> int:
        """Requests answered 200."""
        return self.statuses[200]

    @property
    def seconds(self) -> float:
        """First send to last answer."""
        return max(r.answered for r in self.records) - min(r.sent for r in self.records)

    @property
    def wall_end(self) -> float:
        """Wall-clock time of the last answer."""
        return self.wall_start + max(r.answered for r in self.records)

    def latencies_ms(self) -> list[float]:
        """Sorted answer latencies in ms, counted from each request's due time."""
        return sorted((r.answered - r.due) * 1000 for r in self.records)


def percentile(ordered: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def run_load(port: int, load: ClosedLoad | OpenLoad, *, pid: int | None = None) -> Load:
    """Run the load generator in its own process and collect what it saw (and the CPU
    process *pid* used meanwhile)."""
    with tempfile.TemporaryDirectory(prefix="lia-ingest-") as tmp:
        job_path, out_path = Path(tmp, "job.pickle"), Path(tmp, "out.json")
        job_path.write_bytes(pickle.dumps(_Job(port=port, timeout=30.0, watch_pid=pid, load=load)))
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(SCRIPT), "--loadgen", str(job_path), str(out_path)
        )
        if await process.wait() != 0:
            raise RuntimeError(f"the load generator failed ({process.returncode})")
        data = json.loads(out_path.read_text())
    return Load(
        wall_start=data["wall_start"],
        records=[Record(a, b, c, int(d)) for a, b, c, d in data["records"]],
        cpu=CpuSeconds(**data["cpu"]),
    )
