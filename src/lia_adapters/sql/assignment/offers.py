"""SQL offers: a conversation offered to one agent, decided once (a conditional update)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from lia_adapters.sql import bulk
from lia_adapters.sql.assignment.tables import offers
from lia_adapters.sql.base import ConnectionSource
from lia_adapters.sql.errors import wrap_db_errors
from lia_core.domain.assignments import Offer, OfferStatus
from lia_core.errors import ConcurrencyConflict, NotFound

__all__ = ["SqlOfferRepository"]

_O = offers.c


def _offer(row: RowMapping) -> Offer:
    return Offer(
        id=row["id"],
        conversation_id=row["conversation_id"],
        agent=row["agent"],
        department=row["department"],
        offered_at=row["offered_at"],
        due_at=row["due_at"],
        status=OfferStatus(row["status"]),
        decided_at=row["decided_at"],
    )


_OFFER_COLUMNS = [c.name for c in offers.columns]
_INSERT_OFFERS = bulk.Batch.insert(offers, _OFFER_COLUMNS, on_conflict=lambda insert: insert)
"""One ``INSERT … SELECT FROM unnest(…)`` per batch on PostgreSQL; a taken id fails it."""

_DECIDE_OFFER = (
    update(offers)
    .where(_O.id == bindparam("_id"), _O.status == OfferStatus.PENDING.value)
    .values(status=bindparam("status"), decided_at=bindparam("decided_at"))
)


async def _changed(conn: AsyncConnection, statement: Any, rows: list[dict[str, object]]) -> int:
    """Run an UPDATE for each of *rows*; how many rows it changed in all."""
    if len(rows) == 1:
        return int((await conn.execute(statement, rows[0])).rowcount)
    return int((await conn.execute(statement, rows)).rowcount)


class SqlOfferRepository:
    """Offers in `offers`."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def add_many(self, items: Sequence[Offer]) -> None:
        """Insert new offers. Raises AlreadyExists."""
        if not items:
            return
        rows = [
            {
                "id": o.id,
                "conversation_id": o.conversation_id,
                "agent": o.agent,
                "department": o.department,
                "offered_at": o.offered_at,
                "due_at": o.due_at,
                "status": o.status.value,
                "decided_at": o.decided_at,
            }
            for o in items
        ]
        with wrap_db_errors(entity="offer", entity_id=items[0].id):
            await _INSERT_OFFERS.execute(self._connection(), rows)

    async def get(self, offer_id: str) -> Offer:
        """One offer. Raises NotFound."""
        result = await self._connection().execute(select(offers).where(_O.id == offer_id))
        row = result.mappings().one_or_none()
        if row is None:
            raise NotFound(entity="offer", entity_id=offer_id)
        return _offer(row)

    async def decide_many(self, items: Sequence[Offer]) -> None:
        """Store decisions of offers still pending; ConcurrencyConflict otherwise."""
        if not items:
            return
        rows: list[dict[str, object]] = [
            {"_id": o.id, "status": o.status.value, "decided_at": o.decided_at} for o in items
        ]
        with wrap_db_errors(entity="offer", entity_id=items[0].id):
            changed = await _changed(self._connection(), _DECIDE_OFFER, rows)
        if changed != len(rows):
            raise ConcurrencyConflict(entity="offer", entity_id=items[0].id)

    async def due(self, now: datetime, *, limit: int) -> Sequence[Offer]:
        """Pending offers past their time, locked SKIP LOCKED."""
        result = await self._connection().execute(
            select(offers)
            .where(_O.status == OfferStatus.PENDING.value, _O.due_at <= now)
            .order_by(_O.due_at, _O.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_offer(r) for r in result.mappings()]

    async def pending_for(self, agent: str) -> Sequence[Offer]:
        """Pending offers of *agent*, oldest first."""
        result = await self._connection().execute(
            select(offers)
            .where(_O.status == OfferStatus.PENDING.value, _O.agent == agent)
            .order_by(_O.offered_at, _O.id)
        )
        return [_offer(r) for r in result.mappings()]
