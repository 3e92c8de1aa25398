"""SQL staff accounts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update

from lia_adapters.sql.base import ConnectionSource
from lia_adapters.sql.bulk import insert_one
from lia_adapters.sql.errors import wrap_db_errors
from lia_adapters.sql.users import mapping
from lia_adapters.sql.users.tables import users
from lia_core.domain.users import User
from lia_core.errors import NotFound

__all__ = ["SqlUserRepository"]


class SqlUserRepository:
    """Staff accounts in the `users` table."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def add(self, user: User) -> None:
        """Insert a new account. Raises AlreadyExists when the username (or id) is taken."""
        with wrap_db_errors(entity="user", entity_id=user.username):
            await insert_one(self._connection(), users, mapping.user_values(user))

    async def update(self, user: User) -> None:
        """Save the contact fields, role and state of an existing account. Raises NotFound."""
        values = mapping.user_values(user)
        for fixed in ("id", "username", "created_at"):
            del values[fixed]
        result = await self._connection().execute(
            update(users).where(users.c.username == user.username).values(values)
        )
        if result.rowcount == 0:
            raise NotFound(entity="user", entity_id=user.username)

    async def get_by_username(self, username: str) -> User:
        """Load an account by canonical username. Raises NotFound."""
        result = await self._connection().execute(select(users).where(users.c.username == username))
        row = result.mappings().one_or_none()
        if row is None:
            raise NotFound(entity="user", entity_id=username)
        return mapping.user_from_row(row)

    async def list(self) -> Sequence[User]:
        """Every account, by username."""
        result = await self._connection().execute(select(users).order_by(users.c.username))
        return [mapping.user_from_row(row) for row in result.mappings()]
