"""Shared input checks of the core: non-blank text, aware instants, positive durations, enums.

Each raises `ValidationError` naming the field at fault. The ``require_*`` functions check a
value in a constructor or a rule; the lower-case ones are attrs field validators that name the
field after the attribute.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import TypeVar

import attrs

from lia_core.errors import ValidationError

__all__ = [
    "as_enum",
    "aware",
    "aware_or_none",
    "not_negative",
    "positive",
    "require_aware",
    "require_text",
]

_ZERO = timedelta(0)
_Amount = TypeVar("_Amount", timedelta, int)
E = TypeVar("E", bound=enum.Enum)


def as_enum(value: object, kind: type[E], field: str) -> E:
    """*value* as a member of *kind* (a member, or a string equal to a member's value)."""
    if isinstance(value, kind):
        return value
    if isinstance(value, str):
        for member in kind:
            if member.value == value:
                return member
    names = ", ".join(str(member.value) for member in kind)
    raise ValidationError(f"{field} must be one of {names} (got {value!r})", field=field)


def require_text(value: str, field: str) -> str:
    """*value* without surrounding spaces; ValidationError naming *field* when blank or no str."""
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be a string (got {value!r})", field=field)
    stripped = value.strip()
    if not stripped:
        raise ValidationError(f"{field} must not be blank", field=field)
    return stripped


def require_aware(value: datetime, field: str) -> datetime:
    """*value* itself; ValidationError naming *field* when it has no timezone offset."""
    if value.utcoffset() is None:  # also None when tzinfo is None
        raise ValidationError(f"{field} must be timezone-aware", field=field)
    return value


def aware(_instance: object, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    """attrs validator: the field holds a timezone-aware instant."""
    require_aware(value, attribute.name)


def aware_or_none(
    _instance: object, attribute: attrs.Attribute[datetime | None], value: datetime | None
) -> None:
    """attrs validator: the field holds None or a timezone-aware instant."""
    if value is not None:
        require_aware(value, attribute.name)


def positive(_instance: object, attribute: attrs.Attribute[timedelta], value: timedelta) -> None:
    """attrs validator: the duration is longer than zero."""
    if value <= _ZERO:
        raise ValidationError(f"{attribute.name} must be positive", field=attribute.name)


def not_negative(_instance: object, attribute: attrs.Attribute[_Amount], value: _Amount) -> None:
    """attrs validator: the duration or count is zero or more."""
    if value < (_ZERO if isinstance(value, timedelta) else 0):
        raise ValidationError(f"{attribute.name} cannot be negative", field=attribute.name)
