"""SqlOverviewQueries: the overview's counts in two statements and the arrivals grouped per
quarter hour by the database (the slot number is where SQLite and PostgreSQL differ)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import BigInteger, cast, func, select
from sqlalchemy.sql.elements import ColumnElement

from lia_adapters.sql.assignment.tables import assignments
from lia_adapters.sql.base import ConnectionSource
from lia_adapters.sql.conversations.tables import conversations
from lia_core.domain.conversations import ConversationStatus
from lia_core.ports.overview import SLOT, DeskCounts

__all__ = ["SqlOverviewQueries"]

_OPEN = (
    ConversationStatus.ACTIVE.value,
    ConversationStatus.WAITING.value,
    ConversationStatus.TRANSFERRED.value,
)
_SLOT_SECONDS = int(SLOT.total_seconds())
_a = assignments.c
_c = conversations.c


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.count().filter(condition)


class SqlOverviewQueries:
    """Reads `conversations` and `assignments` on the unit of work's connection."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def counts(self) -> DeskCounts:
        """Open conversations; unassigned and unattended open assignments."""
        conn = self._connection()
        open_ = await conn.scalar(
            select(func.count()).select_from(conversations).where(_c.status.in_(_OPEN))
        )
        desk = (
            await conn.execute(
                select(
                    _count_where(_a.assignee.is_(None)),
                    _count_where(_a.first_human_reply_at.is_(None)),
                ).where(_a.closed_at.is_(None))
            )
        ).one()
        return DeskCounts(open=open_ or 0, unassigned=desk[0] or 0, unattended=desk[1] or 0)

    async def arrivals(self, since: datetime, until: datetime) -> Mapping[datetime, int]:
        """Conversations created in [since, until), grouped per slot by the database."""
        conn = self._connection()
        if conn.dialect.name == "postgresql":
            # floor, not a cast alone: a cast rounds 899.7 s into the next slot.
            seconds = func.floor(func.extract("epoch", _c.created_at))
            epoch: ColumnElement[int] = cast(seconds, BigInteger)
        else:  # SQLite keeps naive UTC text; strftime reads it as UTC, whole seconds down
            epoch = cast(func.strftime("%s", _c.created_at), BigInteger)
        slot = epoch - epoch % _SLOT_SECONDS
        statement = (
            select(slot.label("slot"), func.count().label("n"))
            .where(_c.created_at >= since, _c.created_at < until)
            .group_by(slot)
        )
        rows = (await conn.execute(statement)).all()
        return {datetime.fromtimestamp(int(start), UTC): int(n) for start, n in rows}
