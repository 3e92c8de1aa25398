"""In-memory staff accounts."""

from __future__ import annotations

import copy
from collections.abc import Sequence

import attrs

from lia_adapters.memory._tables import Staging
from lia_core.domain.users import User
from lia_core.errors import AlreadyExists, NotFound

__all__ = ["InMemoryUserRepository"]


class InMemoryUserRepository:
    """Accounts held in an `InMemoryStore`, keyed by username."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    def _view(self) -> dict[str, User]:
        return {**self._uow.store.users, **self._uow.staged.users}

    async def add(self, user: User) -> None:
        """Stage a new account."""
        if user.username in self._view():
            raise AlreadyExists(entity="user", entity_id=user.username)
        self._uow.staged.users[user.username] = copy.deepcopy(user)

    async def update(self, user: User) -> None:
        """Stage the changed account; raises NotFound when the username is unknown."""
        current = self._view().get(user.username)
        if current is None:
            raise NotFound(entity="user", entity_id=user.username)
        # Identity and creation stay as stored, as the SQL repository's UPDATE leaves them.
        self._uow.staged.users[user.username] = copy.deepcopy(
            attrs.evolve(user, id=current.id, created_at=current.created_at)
        )

    async def get_by_username(self, username: str) -> User:
        """A copy of the account."""
        try:
            return copy.deepcopy(self._view()[username])
        except KeyError:
            raise NotFound(entity="user", entity_id=username) from None

    async def list(self) -> Sequence[User]:
        """Copies of every account, by username."""
        return [copy.deepcopy(u) for _, u in sorted(self._view().items())]
