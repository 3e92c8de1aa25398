"""In-memory failures and region catalogue, staged and version-checked like the SQL ones."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

import attrs

from lia_adapters.memory._tables import Staging
from lia_core.domain.failures import FailureStatus, MassiveFailure
from lia_core.domain.regions import NamedRegion
from lia_core.errors import AlreadyExists, ConcurrencyConflict, NotFound

__all__ = ["InMemoryFailureRepository", "InMemoryRegionCatalogue"]


class InMemoryFailureRepository:
    """Failures held in an `InMemoryStore`."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    def _view(self) -> dict[str, MassiveFailure]:
        return {**self._uow.store.failures, **self._uow.staged.failures}

    async def add(self, failure: MassiveFailure) -> None:
        """Stage a new failure."""
        if failure.id in self._view():
            raise AlreadyExists(entity="failure", entity_id=failure.id)
        failure.version = 1
        self._uow.staged.failures[failure.id] = copy.deepcopy(failure)

    async def get(self, failure_id: str) -> MassiveFailure:
        """A copy of the failure."""
        try:
            return copy.deepcopy(self._view()[failure_id])
        except KeyError:
            raise NotFound(entity="failure", entity_id=failure_id) from None

    async def update(self, failure: MassiveFailure) -> None:
        """Stage the change if nobody changed the failure since it was read."""
        current = self._view().get(failure.id)
        if current is None:
            raise NotFound(entity="failure", entity_id=failure.id)
        if current.version != failure.version:
            raise ConcurrencyConflict(entity="failure", entity_id=failure.id)
        failure.version += 1
        self._uow.staged.failures[failure.id] = copy.deepcopy(failure)

    async def list(
        self,
        statuses: Collection[FailureStatus] | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> Sequence[MassiveFailure]:
        """Copies of the matching failures, most recent start first, one page of them."""
        chosen = [f for f in self._view().values() if statuses is None or f.status in statuses]
        chosen.sort(key=lambda f: (f.starts_at, f.id), reverse=True)
        end = None if limit is None else offset + limit
        return [copy.deepcopy(f) for f in chosen[offset:end]]

    async def due(self, now: datetime) -> Sequence[MassiveFailure]:
        """Scheduled failures whose start has come, earliest first."""
        due = [f for f in self._view().values() if f.is_due(now)]
        return [copy.deepcopy(f) for f in sorted(due, key=lambda f: (f.starts_at, f.id))]

    async def count_by_status(self) -> Mapping[FailureStatus, int]:
        """Counts per status."""
        return Counter(f.status for f in self._view().values())

    async def revision(self) -> int:
        """The store's change counter."""
        return self._uow.store.revision


class InMemoryRegionCatalogue:
    """Catalogue regions held in an `InMemoryStore`."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    def _view(self) -> dict[str, NamedRegion]:
        merged = {**self._uow.store.regions, **self._uow.staged.regions}
        return {k: v for k, v in merged.items() if k not in self._uow.staged.removed_regions}

    async def add(self, region: NamedRegion) -> None:
        """Stage a new region."""
        if region.id in self._view():
            raise AlreadyExists(entity="region", entity_id=region.id)
        self._uow.staged.removed_regions.discard(region.id)
        self._uow.staged.regions[region.id] = attrs.evolve(region, version=1)

    async def get(self, region_id: str) -> NamedRegion:
        """The region (values are immutable, no copy needed)."""
        try:
            return self._view()[region_id]
        except KeyError:
            raise NotFound(entity="region", entity_id=region_id) from None

    async def update(self, region: NamedRegion) -> None:
        """Stage the replacement if nobody changed the region since it was read."""
        current = await self.get(region.id)
        if current.version != region.version:
            raise ConcurrencyConflict(entity="region", entity_id=region.id)
        self._uow.staged.regions[region.id] = attrs.evolve(region, version=region.version + 1)

    async def remove(self, region_id: str) -> None:
        """Stage the deletion."""
        await self.get(region_id)
        self._uow.staged.regions.pop(region_id, None)
        self._uow.staged.removed_regions.add(region_id)

    async def all(self) -> Mapping[str, NamedRegion]:
        """Every region by id."""
        return self._view()
