"""The public shape of a staff account."""

from __future__ import annotations

from datetime import datetime, tzinfo

from lia_core.domain.users import Role, User
from lia_entrypoints.schemas.base import Out

__all__ = ["UserOut"]


class UserOut(Out):
    """A staff account (never its password)."""

    id: str
    username: str
    role: Role
    is_active: bool
    created_at: datetime

    @classmethod
    def of(cls, user: User, tz: tzinfo) -> UserOut:
        """Render an account."""
        return cls(
            id=user.id,
            username=user.username,
            role=user.role,
            is_active=user.is_active,
            created_at=user.created_at.astimezone(tz),
        )
