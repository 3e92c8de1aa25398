"""SQL audit log: the `activity_logs` table, its row conversions and the repository."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import ColumnElement, select

from lia_adapters.sql.base import ConnectionSource, Row
from lia_adapters.sql.bulk import insert_one
from lia_adapters.sql.desk.tables import activity_logs
from lia_adapters.sql.errors import wrap_db_errors
from lia_core.domain.activity import Activity, ActivityFilter

__all__ = ["SqlActivityLog", "activity_from_row", "activity_values"]

_log = activity_logs.c


def activity_values(entry: Activity) -> dict[str, object]:
    """The `activity_logs` row of *entry* (no details: SQL NULL, not an empty document)."""
    return {
        "id": entry.id,
        "at": entry.at,
        "actor": entry.actor,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "reason": entry.reason,
        "ip": entry.ip,
        "user_agent": entry.user_agent,
        "details": dict(entry.details) or None,
    }


def activity_from_row(row: Row) -> Activity:
    """The entry an `activity_logs` row holds."""
    details: Mapping[str, object] = row["details"] or {}
    return Activity(
        id=row["id"],
        at=row["at"],
        actor=row["actor"],
        action=row["action"],
        entity=row["entity"],
        entity_id=row["entity_id"],
        from_state=row["from_state"],
        to_state=row["to_state"],
        reason=row["reason"],
        ip=row["ip"],
        user_agent=row["user_agent"],
        details={str(k): str(v) for k, v in details.items()},
    )


def _conditions(filter: ActivityFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filter.entity is not None:
        conditions.append(_log.entity == filter.entity)
    if filter.entity_id is not None:
        conditions.append(_log.entity_id == filter.entity_id)
    if filter.actor is not None:
        conditions.append(_log.actor == filter.actor)
    if filter.since is not None:
        conditions.append(_log.at >= filter.since)
    return conditions


class SqlActivityLog:
    """Staff actions in `activity_logs`, one row per action, never updated."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def add(self, entry: Activity) -> None:
        """Insert *entry*. Raises AlreadyExists when its id is taken."""
        with wrap_db_errors(entity="activity", entity_id=entry.id):
            await insert_one(self._connection(), activity_logs, activity_values(entry))

    async def list(self, filter: ActivityFilter, *, limit: int) -> Sequence[Activity]:
        """Matching entries, newest first (id descending breaks ties), at most *limit*.

        Each filter has an index ending in (at, id), so a page reads only what it shows.
        """
        result = await self._connection().execute(
            select(activity_logs)
            .where(*_conditions(filter))
            .order_by(_log.at.desc(), _log.id.desc())
            .limit(limit)
        )
        return [activity_from_row(row) for row in result.mappings()]
