"""In-memory desk-policy revisions."""

from __future__ import annotations

from collections.abc import Sequence

from lia_adapters.memory._tables import Staging
from lia_core.desk.policy import DeskPolicyRevision
from lia_core.errors import AlreadyExists, NotFound

__all__ = ["InMemoryDeskPolicyStore"]


class InMemoryDeskPolicyStore:
    """Revisions held in an `InMemoryStore` by number; a number taken at commit is refused."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    def _view(self) -> dict[int, DeskPolicyRevision]:
        return {**self._uow.store.desk_policies, **self._uow.staged.desk_policies}

    async def add(self, revision: DeskPolicyRevision) -> None:
        """Stage *revision*. Raises AlreadyExists if its number is taken."""
        if revision.revision in self._view():
            raise AlreadyExists(entity="desk policy revision", entity_id=str(revision.revision))
        self._uow.staged.desk_policies[revision.revision] = revision

    async def latest(self) -> DeskPolicyRevision | None:
        """The highest-numbered revision, or None."""
        view = self._view()
        return view[max(view)] if view else None

    async def latest_number(self) -> int | None:
        """The highest revision number, or None."""
        return max(self._view(), default=None)

    async def get(self, revision: int) -> DeskPolicyRevision:
        """One revision. Raises NotFound."""
        try:
            return self._view()[revision]
        except KeyError:
            raise NotFound(entity="desk policy revision", entity_id=str(revision)) from None

    async def history(self, limit: int) -> Sequence[DeskPolicyRevision]:
        """At most *limit* revisions, newest first."""
        view = self._view()
        return [view[n] for n in sorted(view, reverse=True)[:limit]]
