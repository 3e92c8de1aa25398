"""In-memory canned responses: staged per unit of work, versions re-checked at commit."""

from __future__ import annotations

from collections.abc import Sequence

from lia_adapters.memory._tables import Staging
from lia_core.domain.canned import CannedResponse
from lia_core.errors import AlreadyExists, ConcurrencyConflict, NotFound

__all__ = ["InMemoryCannedResponseRepository"]


class InMemoryCannedResponseRepository:
    """Responses in an `InMemoryStore`; a key taken or a version moved at commit is refused."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    def _view(self) -> dict[str, CannedResponse]:
        staged = self._uow.staged
        view = {**self._uow.store.canned, **staged.canned}
        for key in staged.removed_canned:
            view.pop(key, None)
        return view

    async def add(self, response: CannedResponse) -> None:
        """Stage a new response. Raises AlreadyExists when its key is taken."""
        if response.key in self._view():
            raise AlreadyExists(entity="template", entity_id=response.key)
        staged = self._uow.staged
        staged.removed_canned.discard(response.key)
        staged.canned[response.key] = response
        staged.canned_read.setdefault(response.key, 0)

    async def get(self, key: str) -> CannedResponse:
        """One response. Raises NotFound."""
        try:
            return self._view()[key]
        except KeyError:
            raise NotFound(entity="template", entity_id=key) from None

    async def list(self) -> Sequence[CannedResponse]:
        """Every response, by key."""
        view = self._view()
        return [view[k] for k in sorted(view)]

    async def update(self, response: CannedResponse) -> None:
        """Stage the new version. NotFound, or ConcurrencyConflict when the version moved."""
        stored = await self.get(response.key)
        if stored.version != response.version - 1:
            raise ConcurrencyConflict(entity="template", entity_id=response.key)
        self._uow.staged.canned_read.setdefault(response.key, stored.version)
        self._uow.staged.canned[response.key] = response

    async def remove(self, key: str) -> None:
        """Stage the deletion. Raises NotFound."""
        stored = await self.get(key)
        staged = self._uow.staged
        staged.canned_read.setdefault(key, stored.version)
        staged.canned.pop(key, None)
        staged.removed_canned.add(key)
