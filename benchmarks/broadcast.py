"""Resolution broadcast to 100,000 notified contacts on PostgreSQL, and live latency while it drains.

Targets (issue 3): enqueueing the broadcast takes <= 10 s (streamed: memory does not grow
with the audience); while the worker drains it at the WhatsApp rate, a live reply waits at
most about a second beyond its own rate limit. Prints one JSON document; exits 1 on a miss.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from _report import report
from _support import fresh_schema, running_worker, stub_provider, worker_env

from lia_adapters.memory import PlainTextHasher
from lia_adapters.sql import SqlUnitOfWorkFactory
from lia_adapters.system import SystemClock, UuidGenerator
from lia_core.domain.delivery import Channel, JobName, JobStatus, MessageContent
from lia_core.domain.notices import FailureNotice, NoticeKind
from lia_core.domain.recipients import Phone
from lia_core.domain.regions import CityArea
from lia_core.services import DeclareFailure, EnqueueMessage, ResolveAndBroadcast, Services


def services_for(factory: SqlUnitOfWorkFactory) -> Services:
    """Use cases over the benchmark database."""
    return Services.build(
        uow=factory,
        clock=SystemClock(),
        ids=UuidGenerator(),
        hasher=PlainTextHasher(),
        channel_order={
            JobName.OUTAGE_NOTICE: (Channel.WHATSAPP,),
            JobName.OUTAGE_RESOLUTION: (Channel.WHATSAPP,),
        },
    )


async def seed_notices(factory: SqlUnitOfWorkFactory, failure_id: str, count: int) -> None:
    """Record that *count* contacts got the failure's notice (as the inbound gate would)."""
    now = datetime.now(UTC)
    for offset in range(0, count, 10_000):
        batch = [
            FailureNotice(
                failure_id=failure_id,
                recipient=Phone(f"55{21_000_000_000 + n}"),
                name=f"Cliente {n}",
                channel=Channel.WHATSAPP,
                kind=NoticeKind.NOTICE,
                job_id=str(uuid.uuid4()),
                created_at=now,
            )
            for n in range(offset, min(count, offset + 10_000))
        ]
        async with factory() as uow:
            await uow.notices.record_many(batch)
            await uow.commit()


def max_rss_mb() -> float:
    """This process's peak resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def live_latency(
    services: Services, factory: SqlUnitOfWorkFactory, probes: int
) -> list[float]:
    """Queue *probes* live replies one by one and return each one's queue-to-sent seconds."""
    latencies = []
    for n in range(probes):
        queued = await services.enqueue_message(
            EnqueueMessage(
                channel=Channel.WHATSAPP,
                recipient=f"55{22_000_000_000 + n}",
                content=MessageContent(text="Resposta ao vivo"),
            )
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            async with factory() as uow:
                job = await uow.outbox.get(queued.job.id)
            if job.status is JobStatus.SENT and job.sent_at is not None:
                latencies.append((job.sent_at - job.created_at).total_seconds())
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)
    return latencies


async def main() -> int:
    """Seed, broadcast, drain with live probes, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--rate", type=int, default=80, help="WhatsApp messages/s while draining")
    parser.add_argument("--probes", type=int, default=20)
    args = parser.parse_args()
    result: dict[str, Any] = {"benchmark": "broadcast", "contacts": args.contacts}
    async with fresh_schema() as (url, engine):
        factory = SqlUnitOfWorkFactory(engine)
        services = services_for(factory)
        failure = await services.declare_failure(
            DeclareFailure(
                name="Rompimento de fibra",
                message="Olá {nome}, instabilidade na sua região.",
                resolution_message="Boa notícia, {nome}: resolvido!",
                cities=(CityArea.parse("Teresópolis"),),
                actor="bench",
            )
        )
        await seed_notices(factory, failure.id, args.contacts)
        rss_before = max_rss_mb()
        started = time.perf_counter()
        resolution = await services.resolve_and_broadcast(
            ResolveAndBroadcast(failure_id=failure.id, actor="bench")
        )
        result["enqueue_seconds"] = round(time.perf_counter() - started, 2)
        result["queued"] = resolution.queued
        result["rss_growth_mb"] = round(max_rss_mb() - rss_before, 1)
        with stub_provider() as stub:
            env = worker_env(url, stub, LIA_DELIVERY__WHATSAPP_RATE=str(args.rate))
            with running_worker(env):
                await asyncio.sleep(3)  # let the broadcast saturate the channel first
                latencies = sorted(await live_latency(services, factory, args.probes))
    result["live_reply_seconds"] = {
        "probes": len(latencies),
        "p50": round(latencies[len(latencies) // 2], 3),
        "max": round(latencies[-1], 3),
    }
    own_rate_slot = 1 / args.rate
    met = (
        result["enqueue_seconds"] <= 10
        and resolution.queued == args.contacts
        and len(latencies) == args.probes
        and latencies[-1] <= 1.0 + own_rate_slot + 0.25
    )
    return report(result, met=met)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
