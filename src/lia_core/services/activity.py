"""The audit log: the one way use cases record a staff action, and the query that reads them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, tzinfo

import attrs

from lia_core.domain.activity import Activity, ActivityFilter, Actor
from lia_core.errors import ValidationError
from lia_core.ports import Clock, IdGenerator, UnitOfWork, UnitOfWorkFactory

__all__ = [
    "DEFAULT_ACTIVITY_LIMIT",
    "MAX_ACTIVITY_LIMIT",
    "ListActivity",
    "ListActivityHandler",
    "parse_since",
    "record",
]

DEFAULT_ACTIVITY_LIMIT = 50
"""Entries listed when no limit is given."""
MAX_ACTIVITY_LIMIT = 1000
"""The most entries one listing returns (a page, not an export)."""

_RELATIVE = re.compile(r"([0-9]{1,5})\s*(m|min|h|d|w)", re.IGNORECASE)
# At most 99,999 weeks back: far enough for any log, near enough that no date overflows.
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


async def record(
    uow: UnitOfWork,
    ids: IdGenerator,
    actor: Actor,
    *,
    at: datetime,
    action: str,
    entity: str,
    entity_id: str,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    details: Mapping[str, str] | None = None,
) -> None:
    """Write the audit entry of *actor* doing *action* in *uow*, committed with the change."""
    await uow.activity.add(
        Activity.of(
            actor,
            id=ids.new_id(),
            at=at,
            action=action,
            entity=entity,
            entity_id=entity_id,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            details=details,
        )
    )


def parse_since(text: str, *, now: datetime, tz: tzinfo) -> datetime:
    """An instant from ``2h`` / ``30m`` / ``7d`` / ``2w`` ago, or an ISO date or date-time.

    A date means its midnight and a time without an offset is read in *tz* (the ISP's).

    Raises:
        ValidationError: neither form (field ``since``).
    """
    value = text.strip()
    if relative := _RELATIVE.fullmatch(value):
        amount, unit = int(relative.group(1)), relative.group(2).lower()
        return now - timedelta(**{_UNITS[unit]: amount})
    try:
        parsed = datetime.fromisoformat(value.upper())  # "t" and "z" as ISO 8601 allows
    except ValueError:
        raise ValidationError(
            f"since must be a duration ago (30m, 2h, 7d, 2w) or an ISO 8601 date or time, "
            f"not {text!r}",
            field="since",
        ) from None
    return parsed if parsed.utcoffset() is not None else parsed.replace(tzinfo=tz)


def _optional(value: str | None, field: str) -> str | None:
    stripped = (value or "").strip()
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in stripped):
        raise ValidationError(f"{field} must not hold control characters", field=field)
    return stripped or None


@attrs.frozen(kw_only=True)
class ListActivity:
    """Which audit entries to list, as typed by a person (filters blank or absent: any)."""

    entity: str | None = None
    entity_id: str | None = None
    user: str | None = None
    since: str | None = None
    """``30m``, ``2h``, ``7d``, ``2w`` ago, or an ISO 8601 date or date-time."""
    limit: int = DEFAULT_ACTIVITY_LIMIT


@attrs.frozen
class ListActivityHandler:
    """The audit log, newest first, filtered by entity, user and time."""

    uow: UnitOfWorkFactory
    clock: Clock
    tz: tzinfo

    def filter_of(self, query: ListActivity) -> ActivityFilter:
        """The checked filter of *query*. Raises ValidationError naming the field."""
        if not 1 <= query.limit <= MAX_ACTIVITY_LIMIT:
            raise ValidationError(
                f"limit must be between 1 and {MAX_ACTIVITY_LIMIT}, not {query.limit}",
                field="limit",
            )
        since = _optional(query.since, "since")
        return ActivityFilter(
            entity=_optional(query.entity, "entity"),
            entity_id=_optional(query.entity_id, "entity_id"),
            actor=_optional(query.user, "user"),
            since=parse_since(since, now=self.clock.now(), tz=self.tz) if since else None,
        )

    async def __call__(self, query: ListActivity) -> Sequence[Activity]:
        """At most ``query.limit`` matching entries, newest first."""
        where = self.filter_of(query)
        async with self.uow() as uow:
            return await uow.activity.list(where, limit=query.limit)
