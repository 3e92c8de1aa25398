"""Conversions between staff accounts and `users` rows."""

from __future__ import annotations

from lia_adapters.sql.base import Row
from lia_core.domain.recipients import Phone
from lia_core.domain.users import Role, User

__all__ = ["user_from_row", "user_values"]


def user_values(user: User) -> dict[str, object]:
    """Every column of a `users` row for *user*."""
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role.value,
        "password_hash": user.password_hash,
        "is_active": user.is_active,
        "created_at": user.created_at,
        "full_name": user.full_name,
        "phone": user.phone.digits if user.phone is not None else None,
        "push_token": user.push_token,
        "departments": sorted(user.departments),
        "participates_in_gamification": user.participates_in_gamification,
        "credentials_version": user.credentials_version,
    }


def user_from_row(row: Row) -> User:
    """The account stored in a `users` row."""
    return User(
        id=row["id"],
        username=row["username"],
        role=Role(row["role"]),
        password_hash=row["password_hash"],
        is_active=row["is_active"],
        created_at=row["created_at"],
        full_name=row["full_name"],
        phone=Phone.stored(row["phone"]) if row["phone"] is not None else None,
        push_token=row["push_token"],
        departments=frozenset(row["departments"] or ()),
        participates_in_gamification=row["participates_in_gamification"],
        credentials_version=row["credentials_version"],
    )
