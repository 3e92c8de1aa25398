"""In-memory audit log."""

from __future__ import annotations

from collections.abc import Sequence

from lia_adapters.memory._tables import Staging
from lia_core.domain.activity import Activity, ActivityFilter
from lia_core.errors import AlreadyExists

__all__ = ["InMemoryActivityLog", "matches"]


def matches(entry: Activity, filter: ActivityFilter) -> bool:
    """True when *entry* meets every condition *filter* states."""
    return (
        (filter.entity is None or entry.entity == filter.entity)
        and (filter.entity_id is None or entry.entity_id == filter.entity_id)
        and (filter.actor is None or entry.actor == filter.actor)
        and (filter.since is None or entry.at >= filter.since)
    )


class InMemoryActivityLog:
    """Entries held in an `InMemoryStore`, keyed by id; staged until the unit of work commits."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    def _view(self) -> dict[str, Activity]:
        return {**self._uow.store.activity, **self._uow.staged.activity}

    async def add(self, entry: Activity) -> None:
        """Stage *entry*. Raises AlreadyExists if its id is taken."""
        if entry.id in self._view():
            raise AlreadyExists(entity="activity", entity_id=entry.id)
        self._uow.staged.activity[entry.id] = entry

    async def list(self, filter: ActivityFilter, *, limit: int) -> Sequence[Activity]:
        """Matching entries, newest first (id descending breaks ties), at most *limit*."""
        found = [e for e in self._view().values() if matches(e, filter)]
        found.sort(key=lambda e: (e.at, e.id), reverse=True)
        return found[:limit]
