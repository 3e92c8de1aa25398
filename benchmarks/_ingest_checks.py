"""Ingest benchmark: what the database holds after a phase (messages, notices, receipts)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import attrs
from _ingest_bodies import id_prefix, sender, status_id_prefix
from _ingest_servers import FAILURES
from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.sql.conversations.tables import message_receipts, messages
from lia_adapters.sql.delivery.tables import failure_notifications, outbox_jobs

__all__ = [
    "NOTICE_JOB",
    "NoticeCheck",
    "Stored",
    "check_notices",
    "receipts",
    "stored",
    "wait_gate",
]

NOTICE_JOB = "outage-notice"


@attrs.frozen(kw_only=True)
class Stored:
    """Inbound rows of one phase: count, distinct ids, unprocessed, stored/processed span."""

    rows: int
    distinct_ids: int
    unprocessed: int
    first_stored: float | None
    """Wall-clock seconds (epoch) of the first row stored; None without rows."""
    last_stored: float | None
    last_processed: float | None
    """When the gate handled the last one; None if it handled none."""


def _inbound(phase: str) -> Any:
    return and_(
        messages.c.direction == "inbound",
        messages.c.provider_message_id.like(f"{id_prefix(phase)}%"),
    )


async def stored(engine: AsyncEngine, phase: str) -> Stored:
    """What is stored of *phase*'s inbound messages."""
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
    return Stored(
        rows=int(rows),
        distinct_ids=int(distinct),
        unprocessed=int(unprocessed),
        first_stored=first.timestamp() if first else None,
        last_stored=last.timestamp() if last else None,
        last_processed=processed.timestamp() if processed else None,
    )


async def wait_gate(engine: AsyncEngine, phase: str, *, within: float) -> Stored:
    """Poll until the gate has handled every stored message of *phase* (or time runs out)."""
    deadline = time.monotonic() + within
    while True:
        found = await stored(engine, phase)
        if found.unprocessed == 0 or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.1)


@attrs.frozen(kw_only=True)
class NoticeCheck:
    """Every sender of a phase has exactly one notice job and one notice record, for its city."""

    notice_jobs: int
    notice_job_recipients: int
    notice_records: int
    senders: int
    records_for_the_wrong_failure: int
    ok: bool


async def check_notices(
    engine: AsyncEngine, phase: str, count: int, failure_of: dict[str, str]
) -> NoticeCheck:
    """Count the notice jobs and records of *phase*'s *count* senders and check each one's city."""
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
    expected = {sender(phase, n): failure_of[f"Cidade {n % FAILURES}"] for n in range(count)}
    recorded = {str(r): str(f) for r, f in records}
    wrong = sum(1 for phone, failure in recorded.items() if expected.get(phone) != failure)
    return NoticeCheck(
        notice_jobs=int(jobs),
        notice_job_recipients=int(job_recipients),
        notice_records=len(records),
        senders=count,
        records_for_the_wrong_failure=wrong,
        ok=int(jobs) == int(job_recipients) == int(job_keys) == count
        and len(records) == len(recorded) == count
        and wrong == 0,
    )


async def receipts(engine: AsyncEngine, phase: str) -> Counter[str]:
    """Stored receipts of *phase*'s notices, by status."""
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                select(message_receipts.c.status, func.count())
                .where(message_receipts.c.provider_message_id.like(f"{status_id_prefix(phase)}%"))
                .group_by(message_receipts.c.status)
            )
        ).all()
    return Counter({str(s).lower(): int(c) for s, c in rows})
