"""Converters for values given from Python: enum values by name, collections that are not str.

A plain string equal to an enum value is converted (``"high"`` → ``Priority.HIGH``); anything
else raises ValidationError naming the field, and a bare string where a collection is
expected is refused (it would otherwise be read as a set of letters).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from lia_core.domain.tickets import Priority, Severity, SupportLevel
from lia_core.errors import ValidationError
from lia_core.sla.readings import SlaState
from lia_core.validation import as_enum

__all__ = [
    "instances",
    "level_at_least",
    "level_or_none",
    "priority_at_least",
    "raise_priority",
    "severity_at_least",
    "sla_state_or_none",
    "sla_states",
    "string_set",
    "string_tuple",
    "valid_text",
]

T = TypeVar("T")


def valid_text(value: str, field: str) -> str:
    """*value* itself; ValidationError when it is not a string or holds a lone surrogate."""
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be a string (got {value!r})", field=field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationError(f"{field} is not valid Unicode text", field=field) from exc
    return value


def _items(value: object, field: str) -> list[object]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError(
            f"{field} must be a collection of values, not {type(value).__name__}", field=field
        )
    return list(value)


def instances(value: object, kind: type[T], field: str) -> tuple[T, ...]:
    """The members of a collection, in order, each a *kind*; a bare str or another type is refused."""
    items = _items(value, field)
    if not all(isinstance(item, kind) for item in items):
        raise ValidationError(f"{field} must hold {kind.__name__} values", field=field)
    return tuple(items)  # type: ignore[arg-type]


def string_tuple(value: object, field: str) -> tuple[str, ...]:
    """The strings of a collection, in order; a bare str or a non-str member is refused."""
    return tuple(valid_text(item, field) for item in _items(value, field))  # type: ignore[arg-type]


def string_set(value: object, field: str) -> frozenset[str]:
    """The strings of a collection as a frozenset; a bare str or a non-str member is refused."""
    return frozenset(string_tuple(value, field))


def priority_at_least(value: object) -> Priority | None:
    """None, or a Priority from a member or its value (the condition)."""
    return None if value is None else as_enum(value, Priority, "priority_at_least")


def raise_priority(value: object) -> Priority | None:
    """None, or a Priority from a member or its value (the action)."""
    return None if value is None else as_enum(value, Priority, "raise_priority")


def severity_at_least(value: object) -> Severity | None:
    """None, or a Severity from a member or its value (the condition)."""
    return None if value is None else as_enum(value, Severity, "severity_at_least")


def level_at_least(value: object) -> SupportLevel | None:
    """None, or a SupportLevel from a member or its value (the condition)."""
    return None if value is None else as_enum(value, SupportLevel, "level_at_least")


def level_or_none(value: object) -> SupportLevel | None:
    """None, or a SupportLevel from a member or its value."""
    return None if value is None else as_enum(value, SupportLevel, "escalate_to")


def sla_state_or_none(value: object) -> SlaState | None:
    """None, or an SlaState from a member or its value."""
    return None if value is None else as_enum(value, SlaState, "sla_state")


def sla_states(value: object) -> frozenset[SlaState]:
    """A frozenset of SlaState from a collection of members or values (not a bare str)."""
    return frozenset(as_enum(v, SlaState, "sla_state") for v in _items(value, "sla_state"))
