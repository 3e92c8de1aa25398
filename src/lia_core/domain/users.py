"""Staff accounts and the roles that decide what each may do."""

from __future__ import annotations

import enum
import re
from datetime import datetime

import attrs

from lia_core.errors import ValidationError

__all__ = ["MIN_PASSWORD_CHARS", "Role", "User", "validate_password", "validate_username"]

MIN_PASSWORD_CHARS = 8
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,63}$")


class Role(enum.StrEnum):
    """What a staff member may do: admins everything, supervisors manage outages, agents read."""

    ADMIN = "ADMIN"
    SUPERVISOR = "SUPERVISOR"
    AGENT = "AGENT"

    @classmethod
    def parse(cls, raw: str) -> Role:
        """Parse a role name in any case."""
        try:
            return cls(raw.strip().upper())
        except ValueError:
            names = ", ".join(r.value for r in cls)
            raise ValidationError(
                f"unknown role {raw!r}; use one of {names}", field="role"
            ) from None


def validate_username(raw: str) -> str:
    """Return the canonical (lowercase) username or raise."""
    name = raw.strip().lower()
    if not _USERNAME.match(name):
        raise ValidationError(
            "username must be 3 to 64 characters: letters, digits, '.', '_', '-', '@'",
            field="username",
        )
    return name


def validate_password(raw: str) -> str:
    """Return the password if it is long enough, else raise."""
    if len(raw) < MIN_PASSWORD_CHARS:
        raise ValidationError(
            f"password must have at least {MIN_PASSWORD_CHARS} characters", field="password"
        )
    return raw


@attrs.define(kw_only=True)
class User:
    """A staff account; the password is only ever held hashed."""

    id: str
    username: str
    role: Role
    password_hash: str = attrs.field(repr=False)
    created_at: datetime
    is_active: bool = True
