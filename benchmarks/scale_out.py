"""Several `lia worker` processes on one PostgreSQL sharing a provider's cap, against a 20 ms stub.

Targets (issue 16): 4 worker processes, 100,000 jobs, the stub answering after 20 ms: 0 lost,
0 sent twice (uncertain sends aside), the combined rate within 5 % of the configured cap; and
with a high cap, 4 workers >= 3x the throughput of one. Each worker sends at most
`--concurrency` messages at once, so one worker is bound by the provider's latency, not by
CPU. Rates are counted by the stub from its receive times (10 %..90 % of the arrivals).
Prints one JSON document; exits 1 on a miss. Run with `nox -s bench` or
`python benchmarks/scale_out.py` (needs the PostgreSQL test server); under
`flock /tmp/lia-cpu.lock` on a shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import sys
import time
from typing import Any

import httpx
from _report import report
from _support import (
    cpu_seconds,
    enqueue,
    fresh_schema,
    jobs,
    machine_busy_seconds,
    running_worker,
    stub_provider,
    worker_env,
)
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.sql.delivery.tables import outbox_jobs

LATENCY_SECONDS = 0.02
HIGH_CAP = 100_000


async def statuses(engine: AsyncEngine) -> dict[str, int]:
    """Jobs per status."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(outbox_jobs.c.status, func.count()).group_by(outbox_jobs.c.status)
        )
        return {status: int(count) for status, count in rows}


def busiest_second(times: list[float]) -> int:
    """The most arrivals in any window of one second (sliding, from each arrival)."""
    return max((bisect.bisect_right(times, t + 1.0) - i for i, t in enumerate(times)), default=0)


def stretch_rate(times: list[float]) -> float:
    """Arrivals per second between the 10 % and the 90 % arrival."""
    first, last = int(len(times) * 0.1), int(len(times) * 0.9) - 1
    return (last - first) / max(times[last] - times[first], 1e-9)


async def run(
    stub: str, *, workers: int, messages: int, cap: int, concurrency: int, timeout: float
) -> dict[str, Any]:
    """Queue *messages* jobs, run *workers* `lia worker` processes until all are done, and read
    what the stub received."""
    httpx.post(f"{stub}/_stub/reset", timeout=10).raise_for_status()
    async with fresh_schema() as (url, engine):
        await enqueue(engine, jobs(messages, prefix="scale"))
        env = worker_env(
            url,
            stub,
            LIA_DELIVERY__WHATSAPP_RATE=str(cap),
            LIA_DELIVERY__CONCURRENCY=str(concurrency),
            LIA_DELIVERY__REQUEST_TIMEOUT_SECONDS="10",
        )
        started, busy = time.monotonic(), machine_busy_seconds()
        cpu = 0.0
        with contextlib.ExitStack() as stack:
            processes = [stack.enter_context(running_worker(env)) for _ in range(workers)]
            while time.monotonic() - started < timeout:
                counts = await statuses(engine)
                if counts.get("pending", 0) + counts.get("sending", 0) == 0:
                    break
                await asyncio.sleep(0.5)
            cpu = sum(cpu_seconds(p.pid) for p in processes)
        wall = time.monotonic() - started
        busy = machine_busy_seconds() - busy
        counts = await statuses(engine)
    received = httpx.get(f"{stub}/_stub/requests", timeout=30).json()["messages"]
    times = sorted(httpx.get(f"{stub}/_stub/arrivals", timeout=30).json()["times"])
    sent, uncertain = counts.get("sent", 0), counts.get("uncertain", 0)
    return {
        "workers": workers,
        "jobs": messages,
        "cap_per_second": cap,
        "concurrency_per_worker": concurrency,
        "sent": sent,
        "uncertain": uncertain,
        "dead": counts.get("dead", 0),
        "lost": messages - sent - uncertain - counts.get("dead", 0),
        "received_distinct": received["distinct"],
        "sent_twice": len(received["repeated"]),
        "messages_per_second": round(stretch_rate(times), 1),
        "busiest_second": busiest_second(times),
        "wall_seconds": round(wall, 1),
        "worker_cpu_seconds_per_1000": round(1000 * cpu / max(sent, 1), 3),
        "machine_busy_percent": round(100 * busy / (2 * wall), 1),
    }


def sound(run_: dict[str, Any]) -> bool:
    """Nothing lost, nothing sent twice, and every sent job received exactly once."""
    lost, twice = int(run_["lost"]), int(run_["sent_twice"])
    return lost == 0 and twice == 0 and int(run_["received_distinct"]) >= int(run_["sent"])


async def main() -> int:
    """Run the capped run and the one-vs-four throughput runs; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--jobs", type=int, default=100_000, help="jobs of the capped run")
    parser.add_argument("--cap", type=int, default=500, help="the capped run's WhatsApp rate")
    parser.add_argument("--sample", type=int, default=20_000, help="jobs of each throughput run")
    parser.add_argument("--concurrency", type=int, default=4, help="sends in flight per worker")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    common = {"concurrency": args.concurrency, "timeout": 1200.0}
    with stub_provider({"latency_seconds": LATENCY_SECONDS}) as stub:
        capped = await run(stub, workers=args.workers, messages=args.jobs, cap=args.cap, **common)
        one = await run(stub, workers=1, messages=args.sample, cap=HIGH_CAP, **common)
        many = await run(stub, workers=args.workers, messages=args.sample, cap=HIGH_CAP, **common)
    error = abs(capped["messages_per_second"] - args.cap) / args.cap
    speedup = many["messages_per_second"] / max(one["messages_per_second"], 1e-9)
    met = all(sound(r) for r in (capped, one, many)) and error <= 0.05 and speedup >= 3
    document = {
        "benchmark": "scale_out",
        "latency_seconds": LATENCY_SECONDS,
        "capped": {**capped, "rate_error_percent": round(100 * error, 2)},
        "throughput_one_worker": one,
        "throughput_many_workers": many,
        "speedup": round(speedup, 2),
    }
    return report(document, met=met)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
