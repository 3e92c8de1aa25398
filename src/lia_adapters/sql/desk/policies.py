"""SQL desk-policy revisions: the `desk_policy_revisions` table, its row conversions, the store."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from lia_adapters.sql.base import ConnectionSource, Row
from lia_adapters.sql.bulk import insert_one
from lia_adapters.sql.desk.tables import desk_policy_revisions
from lia_adapters.sql.errors import wrap_db_errors
from lia_core.desk.policy import DeskPolicyRevision
from lia_core.errors import NotFound

__all__ = ["SqlDeskPolicyStore", "revision_from_row", "revision_values"]

_rev = desk_policy_revisions.c


def revision_values(revision: DeskPolicyRevision) -> dict[str, object]:
    """The `desk_policy_revisions` row of *revision*."""
    return {
        "revision": revision.revision,
        "source": revision.source,
        "digest": revision.digest,
        "filename": revision.filename,
        "loaded_by": revision.loaded_by,
        "loaded_at": revision.loaded_at,
    }


def revision_from_row(row: Row) -> DeskPolicyRevision:
    """The revision a `desk_policy_revisions` row holds."""
    return DeskPolicyRevision(
        revision=row["revision"],
        source=row["source"],
        digest=row["digest"],
        filename=row["filename"],
        loaded_by=row["loaded_by"],
        loaded_at=row["loaded_at"],
    )


class SqlDeskPolicyStore:
    """Revisions in `desk_policy_revisions`; the revision number is the primary key, so two
    concurrent loads of the same number cannot both commit."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def add(self, revision: DeskPolicyRevision) -> None:
        """Insert *revision*. Raises AlreadyExists when its number is taken."""
        with wrap_db_errors(entity="desk policy revision", entity_id=str(revision.revision)):
            await insert_one(self._connection(), desk_policy_revisions, revision_values(revision))

    async def latest(self) -> DeskPolicyRevision | None:
        """The highest-numbered revision, or None."""
        result = await self._connection().execute(
            select(desk_policy_revisions).order_by(_rev.revision.desc()).limit(1)
        )
        row = result.mappings().one_or_none()
        return revision_from_row(row) if row is not None else None

    async def latest_number(self) -> int | None:
        """The highest revision number (an index-only read of the primary key), or None."""
        result = await self._connection().execute(select(func.max(_rev.revision)))
        number: int | None = result.scalar_one()
        return number

    async def get(self, revision: int) -> DeskPolicyRevision:
        """One revision. Raises NotFound."""
        result = await self._connection().execute(
            select(desk_policy_revisions).where(_rev.revision == revision)
        )
        row = result.mappings().one_or_none()
        if row is None:
            raise NotFound(entity="desk policy revision", entity_id=str(revision))
        return revision_from_row(row)

    async def history(self, limit: int) -> Sequence[DeskPolicyRevision]:
        """At most *limit* revisions, newest first."""
        result = await self._connection().execute(
            select(desk_policy_revisions).order_by(_rev.revision.desc()).limit(limit)
        )
        return [revision_from_row(row) for row in result.mappings()]
