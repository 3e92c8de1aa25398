"""Ingest benchmark: the scenarios (bare baseline, A without failures, the outage run)."""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import attrs
from _ingest_bodies import message_body, message_requests, signed_request, status_body
from _ingest_checks import NoticeCheck, check_notices, receipts, stored, wait_gate
from _ingest_figures import (
    BareFigures,
    DupFigures,
    LoadFigures,
    MixFigures,
    OutageFigures,
    PhaseFigures,
    Plan,
    ServedFigures,
)
from _ingest_loadgen import SCRIPT, ClosedLoad, OpenLoad, closed, run_load
from _ingest_profile import profiled
from _ingest_servers import (
    FAILURES,
    LogSummary,
    Server,
    declare_failures,
    lia_stack,
    serve_env,
    server,
)
from _support import cpu_seconds, free_port, fresh_schema
from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["baseline", "outage_scenarios", "scenario_a"]

_PROFILED = frozenset({"a", "b"})
"""The throughput loads `--profile` samples."""


async def measured(
    srv: Server,
    engine: AsyncEngine,
    phase: str,
    load: ClosedLoad | OpenLoad,
    *,
    messages: int,
    plan: Plan,
) -> PhaseFigures:
    """Run one load against *srv*, wait for the gate, return the figures."""
    out = Path(plan.profile_dir, f"{phase}.txt") if plan.profile_dir else None
    worker_before = cpu_seconds(srv.worker.pid) if srv.worker is not None else 0.0
    sampled = out if phase in _PROFILED else None
    # With the gate in a worker, the worker is sampled too (`<phase>-worker.txt`).
    gate_out = sampled.with_name(f"{phase}-worker.txt") if sampled and srv.worker else None
    with (
        profiled(srv.process.pid, sampled),
        profiled(srv.worker.pid if srv.worker else 0, gate_out),
    ):
        seen = await run_load(srv.port, load, pid=srv.process.pid)
    found = await wait_gate(engine, phase, within=plan.gate_wait)
    srv.sample_rss()
    figures = PhaseFigures.of(seen, found, messages=messages)
    if srv.worker is None:
        return figures
    worker_cpu = cpu_seconds(srv.worker.pid) - worker_before
    return attrs.evolve(
        figures, worker_cpu_ms_per_message=round(1000 * worker_cpu / max(found.rows, 1), 3)
    )


async def baseline(plan: Plan) -> BareFigures:
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
    return BareFigures(
        load=LoadFigures.of(ordered[1]), rounds_per_second=rates[::-1], memory=srv.memory()
    )


async def warm_up(srv: Server, engine: AsyncEngine, plan: Plan) -> None:
    """A few hundred messages first: connection pools, caches, first-call costs."""
    await run_load(srv.port, closed(message_requests("warmup", 500), plan.concurrency))
    await wait_gate(engine, "warmup", within=plan.gate_wait)


async def throughput(srv: Server, engine: AsyncEngine, phase: str, plan: Plan) -> PhaseFigures:
    """*plan.messages* unique messages of *phase* at the maximum rate (closed loop)."""
    load = closed(message_requests(phase, plan.messages), plan.concurrency)
    return await measured(srv, engine, phase, load, messages=plan.messages, plan=plan)


async def scenario_a(plan: Plan, crm: Path, tmp: Path) -> ServedFigures:
    """No failure active: unique messages at the maximum rate."""
    async with fresh_schema() as (url, engine):
        with lia_stack(
            serve_env(url, crm, tmp), tmp / "serve-a.log", plan.gate, plan.gate_nice
        ) as srv:
            await warm_up(srv, engine, plan)
            figures = await throughput(srv, engine, "a", plan)
        return ServedFigures(
            phase=figures, memory=srv.memory(), server_log=LogSummary.read(srv.log, srv.worker_log)
        )


async def outage_scenarios(plan: Plan, crm: Path, tmp: Path) -> OutageFigures:
    """1,000 active failures: throughput (B), latency at a fixed rate, duplicates, statuses."""
    async with fresh_schema() as (url, engine):
        started = time.perf_counter()
        failure_of = await declare_failures(engine, FAILURES)
        declare_seconds = round(time.perf_counter() - started, 1)
        with lia_stack(
            serve_env(url, crm, tmp), tmp / "serve-b.log", plan.gate, plan.gate_nice
        ) as srv:
            await warm_up(srv, engine, plan)
            b = await throughput(srv, engine, "b", plan)
            b = _with_notices(b, await check_notices(engine, "b", plan.messages, failure_of))

            count = plan.rate * plan.latency_seconds
            paced = OpenLoad(
                requests=message_requests("latency", count),
                order=list(range(count)),
                rate=plan.rate,
                connections=128,
            )
            latency = await measured(srv, engine, "latency", paced, messages=count, plan=plan)
            latency = _with_notices(
                latency, await check_notices(engine, "latency", count, failure_of)
            )

            dup = await duplicate_storm(srv, engine, plan, failure_of)
            mix = await status_mix(srv, engine, plan)
        return OutageFigures(
            declare_seconds=declare_seconds,
            b=b,
            latency=latency,
            dup=dup,
            mix=mix,
            memory=srv.memory(),
            server_log=LogSummary.read(srv.log, srv.worker_log),
        )


def _with_notices(figures: PhaseFigures, notices: NoticeCheck) -> PhaseFigures:
    return attrs.evolve(figures, notices=notices)


async def duplicate_storm(
    srv: Server, engine: AsyncEngine, plan: Plan, failure_of: dict[str, str]
) -> DupFigures:
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
    notices = await check_notices(engine, "dup", count, failure_of)
    ok = (
        found.rows == found.distinct_ids == count
        and notices.ok
        and figures.load.answers == {"200": 3 * count}
    )
    return DupFigures(phase=_with_notices(figures, notices), unique_payloads=count, ok=ok)


async def status_mix(srv: Server, engine: AsyncEngine, plan: Plan) -> MixFigures:
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
    kept = await receipts(engine, "mix")
    return MixFigures(phase=figures, receipts=dict(kept), ok=kept == Counter({"read": count}))
