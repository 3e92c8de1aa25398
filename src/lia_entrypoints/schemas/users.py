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
    full_name: str | None
    """The person's name, for staff alerts and the console."""
    phone: str | None
    """E.164 digits without '+' (`5521999998888`): staff alerts by WhatsApp or SMS."""
    push_token: str | None
    """The device token staff alerts by push go to."""
    departments: list[str]
    """The departments whose tickets are theirs (sorted)."""
    participates_in_gamification: bool
    """False: left out of the gamification ranking."""

    @classmethod
    def of(cls, user: User, tz: tzinfo) -> UserOut:
        """Render an account."""
        return cls(
            id=user.id,
            username=user.username,
            role=user.role,
            is_active=user.is_active,
            created_at=user.created_at.astimezone(tz),
            full_name=user.full_name,
            phone=user.phone.digits if user.phone is not None else None,
            push_token=user.push_token,
            departments=sorted(user.departments),
            participates_in_gamification=user.participates_in_gamification,
        )
