"""Worker throughput against the local stub provider on PostgreSQL, pacing accuracy, deep-queue claims.

Targets (issue 3): >= 1,000 messages/s on this 2-core machine with worker peak RSS <= 250 MB;
the rate limiter holds the configured rate within 5 %; with 100,000 pending jobs the dispatch
rate is >= 0.5x the rate with 100 pending. Issue 16: in the same run, the same sends through a
BullMQ worker (Node, Redis; benchmarks/peers/), and LIA at >= 0.75x its jobs/s. Prints one JSON
document; exits 1 on a miss. Run with `nox -s bench` or `python benchmarks/dispatch.py` (needs
the PostgreSQL test server; the peer needs node, npm and Redis, and is skipped without them).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from typing import Any

from _peer_bullmq import bullmq_throughput
from _report import report
from _support import (
    enqueue,
    fresh_schema,
    jobs,
    peak_rss_mb,
    running_worker,
    stub_provider,
    worker_env,
)
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.sql.delivery.tables import outbox_jobs


async def count_sent(engine: AsyncEngine) -> int:
    """How many jobs are sent."""
    async with engine.connect() as conn:
        found = await conn.scalar(
            select(func.count()).select_from(outbox_jobs).where(outbox_jobs.c.status == "sent")
        )
        return int(found or 0)


async def run_worker_until(
    engine: AsyncEngine, env: dict[str, str], target: int, *, timeout: float = 300
) -> dict[str, Any]:
    """Start `lia worker`, wait until *target* jobs are sent, and time the 10 %..90 % stretch."""
    marks: dict[float, float] = {}
    started = time.monotonic()
    rss = 0.0
    with running_worker(env) as process:
        while True:
            sent = await count_sent(engine)
            now = time.monotonic()
            rss = max(rss, peak_rss_mb(process.pid))
            for share in (0.1, 0.9):
                if share not in marks and sent >= target * share:
                    marks[share] = now
            if sent >= target or now - started > timeout:
                break
            await asyncio.sleep(0.05)
    span = marks.get(0.9, time.monotonic()) - marks.get(0.1, started)
    return {"messages_per_second": round(0.8 * target / span), "peak_rss_mb": round(rss, 1)}


async def sent_rate_from_timestamps(engine: AsyncEngine) -> float:
    """Messages per second between the first and last `sent_at`."""
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                select(
                    func.count(), func.min(outbox_jobs.c.sent_at), func.max(outbox_jobs.c.sent_at)
                ).where(outbox_jobs.c.status == "sent")
            )
        ).one()
    count, first, last = row
    return float((count - 1) / (last - first).total_seconds())


CONCURRENCY = 64
"""Sends in flight in one worker process, LIA's and the peer's."""

PEER_TARGET = 0.75
"""LIA's throughput as a share of the BullMQ peer's, measured in the same run (issue 16)."""


async def throughput(stub: str, messages: int) -> dict[str, Any]:
    """Unpaced throughput of one worker process."""
    async with fresh_schema() as (url, engine):
        await enqueue(engine, jobs(messages, prefix="tp"))
        env = worker_env(
            url,
            stub,
            LIA_DELIVERY__WHATSAPP_RATE="100000",
            LIA_DELIVERY__BATCH_SIZE="500",
            LIA_DELIVERY__CONCURRENCY=str(CONCURRENCY),
        )
        return {"messages": messages, **await run_worker_until(engine, env, messages)}


async def pacing(stub: str, rate: int, messages: int) -> dict[str, Any]:
    """Achieved rate with the token bucket set to *rate*."""
    async with fresh_schema() as (url, engine):
        await enqueue(engine, jobs(messages, prefix="rate"))
        env = worker_env(url, stub, LIA_DELIVERY__WHATSAPP_RATE=str(rate))
        await run_worker_until(engine, env, messages)
        achieved = await sent_rate_from_timestamps(engine)
    return {
        "configured_per_second": rate,
        "achieved_per_second": round(achieved, 1),
        "error_percent": round(100 * abs(achieved - rate) / rate, 2),
    }


async def rate_of(engine: AsyncEngine, prefix: str) -> float:
    """Messages per second between the first and last `sent_at` of the jobs keyed *prefix*-…."""
    async with engine.connect() as conn:
        count, first, last = (
            await conn.execute(
                select(
                    func.count(), func.min(outbox_jobs.c.sent_at), func.max(outbox_jobs.c.sent_at)
                ).where(
                    outbox_jobs.c.status == "sent",
                    outbox_jobs.c.idempotency_key.like(f"{prefix}-%"),
                )
            )
        ).one()
    return float((count - 1) / max((last - first).total_seconds(), 1e-6))


async def wait_sent(engine: AsyncEngine, target: int, *, within: float = 300) -> None:
    """Poll until *target* jobs are sent."""
    deadline = time.monotonic() + within
    while await count_sent(engine) < target and time.monotonic() < deadline:
        await asyncio.sleep(0.02)


async def deep_queue(stub: str, deep: int, sample: int) -> dict[str, Any]:
    """Sustained dispatch rate with *deep* jobs pending, against a queue kept at about 100."""
    env_settings = {"LIA_DELIVERY__WHATSAPP_RATE": "100000"}
    async with fresh_schema() as (url, engine):
        with running_worker(worker_env(url, stub, **env_settings)):
            # Keep about 100 jobs pending while the worker drains: a shallow queue, sustained.
            queued = 0
            while (sent := await count_sent(engine)) < sample:
                if queued - sent < 100:
                    await enqueue(engine, jobs(100, prefix="small", start=queued))
                    queued += 100
                await asyncio.sleep(0.01)
        small = await rate_of(engine, "small")
    async with fresh_schema() as (url, engine):
        await enqueue(engine, jobs(deep, prefix="deep"))
        with running_worker(worker_env(url, stub, **env_settings)):
            await wait_sent(engine, sample)
        deep_rate = await rate_of(engine, "deep")
    return {
        "pending_100_per_second": round(small),
        f"pending_{deep}_per_second": round(deep_rate),
        "ratio": round(deep_rate / small, 3),
    }


async def main() -> int:
    """Run the scenarios and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--rate", type=int, default=300)
    parser.add_argument("--deep", type=int, default=100_000)
    parser.add_argument(
        "--throughput-only",
        action="store_true",
        help="only the throughput and the BullMQ peer (no pacing, no deep queue)",
    )
    args = parser.parse_args()
    document: dict[str, Any] = {"benchmark": "dispatch"}
    with stub_provider() as stub:
        tp = document["throughput"] = await throughput(stub, args.messages)
        peer = document["bullmq_peer"] = bullmq_throughput(
            stub, jobs=args.messages, concurrency=CONCURRENCY
        )
        if not args.throughput_only:
            document["pacing"] = await pacing(stub, args.rate, args.rate * 10)
            document["deep_queue"] = await deep_queue(stub, args.deep, 5_000)
    met = tp["messages_per_second"] >= 1000 and tp["peak_rss_mb"] <= 250
    if "jobs_per_second" in peer:
        ratio = document["lia_vs_bullmq"] = round(
            tp["messages_per_second"] / peer["jobs_per_second"], 3
        )
        met = met and ratio >= PEER_TARGET
    if not args.throughput_only:
        met = met and document["pacing"]["error_percent"] <= 5
        met = met and document["deep_queue"]["ratio"] >= 0.5
    return report(document, met=met)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
