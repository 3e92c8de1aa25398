"""Staff accounts and the roles that decide what each may do."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import datetime

import attrs

from lia_core.domain.common_passwords import COMMON_PASSWORDS
from lia_core.domain.phone_guard import carries_phone
from lia_core.domain.recipients import Phone
from lia_core.errors import ValidationError

__all__ = [
    "MAX_DEPARTMENT_CHARS",
    "MAX_FULL_NAME_CHARS",
    "MAX_PUSH_TOKEN_CHARS",
    "MIN_PASSWORD_CHARS",
    "Role",
    "User",
    "validate_departments",
    "validate_full_name",
    "validate_new_username",
    "validate_password",
    "validate_push_token",
    "validate_username",
]

MIN_PASSWORD_CHARS = 10
MAX_FULL_NAME_CHARS = 200
MAX_PUSH_TOKEN_CHARS = 512
"""The `users.push_token` column's width."""
MAX_DEPARTMENT_CHARS = 64
_DEPARTMENT = re.compile(r"^[^\s,][^,]*$")
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


def validate_new_username(raw: str) -> str:
    """`validate_username`, and not a phone number: a username travels in realtime events,
    which never carry one (a phone-shaped name would be left out of them)."""
    name = validate_username(raw)
    if carries_phone(name):
        raise ValidationError(
            "username must not be a phone number (it is shown on staff screens and events)",
            field="username",
        )
    return name


def validate_password(raw: str) -> str:
    """Return the password if it is long enough and not a common one, else raise."""
    if len(raw) < MIN_PASSWORD_CHARS:
        raise ValidationError(
            f"password must have at least {MIN_PASSWORD_CHARS} characters", field="password"
        )
    if raw.strip().lower() in COMMON_PASSWORDS:
        raise ValidationError(
            "password is on the list of common passwords; choose another", field="password"
        )
    return raw


def validate_full_name(raw: str | None) -> str | None:
    """The name without surrounding spaces; None when blank (cleared); ValidationError when long."""
    if raw is None or not raw.strip():
        return None
    name = " ".join(raw.split())
    if len(name) > MAX_FULL_NAME_CHARS:
        raise ValidationError(
            f"full name must have at most {MAX_FULL_NAME_CHARS} characters", field="full_name"
        )
    return name


def validate_push_token(raw: str | None) -> str | None:
    """The device token as given (trimmed); None when blank (cleared); ValidationError when odd."""
    if raw is None or not raw.strip():
        return None
    token = raw.strip()
    if len(token) > MAX_PUSH_TOKEN_CHARS or any(c.isspace() for c in token):
        raise ValidationError(
            f"push token must be at most {MAX_PUSH_TOKEN_CHARS} characters without spaces",
            field="push_token",
        )
    return token


def validate_departments(raw: Iterable[str]) -> frozenset[str]:
    """Department names trimmed, blanks dropped; ValidationError for a comma or a long name."""
    names: set[str] = set()
    for item in raw:
        name = item.strip()
        if not name:
            continue
        if len(name) > MAX_DEPARTMENT_CHARS or not _DEPARTMENT.match(name):
            raise ValidationError(
                f"department {name!r} must be 1 to {MAX_DEPARTMENT_CHARS} characters, no comma",
                field="departments",
            )
        names.add(name)
    return frozenset(names)


@attrs.define(kw_only=True)
class User:
    """A staff account; the password is only ever held hashed.

    The contact fields say how staff alerts reach the person (`phone` for WhatsApp and SMS,
    `push_token` for push) and which departments' tickets are theirs.
    """

    id: str
    username: str
    role: Role
    password_hash: str = attrs.field(repr=False)
    created_at: datetime
    is_active: bool = True
    full_name: str | None = None
    phone: Phone | None = None
    push_token: str | None = attrs.field(default=None, repr=False)
    departments: frozenset[str] = frozenset()
    participates_in_gamification: bool = True
    """Off: left out of the gamification ranking (the schema's ``participatesInGamification``)."""
    credentials_version: int = 0
    """Bumped by every password change; a token or console session carries the version it was
    issued under and is refused once the account's has moved on."""
