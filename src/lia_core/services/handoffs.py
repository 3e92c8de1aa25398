"""The handoff ledger as staff read it: `lia handoff list`, `GET /api/v1/handoffs`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

import attrs

from lia_core.errors import ValidationError
from lia_core.handoff import HandoffReason
from lia_core.handoff.session import HandoffEntry, HandoffFilter
from lia_core.ports import Clock, UnitOfWorkFactory
from lia_core.services.activity import parse_since

__all__ = [
    "DEFAULT_HANDOFF_LIMIT",
    "MAX_HANDOFF_LIMIT",
    "ListHandoffs",
    "ListHandoffsHandler",
    "parse_reason",
]

DEFAULT_HANDOFF_LIMIT = 100
MAX_HANDOFF_LIMIT = 1000
"""The most entries one listing returns."""


def parse_reason(raw: str | None) -> HandoffReason | None:
    """A reason code ("critical_intent"; blank: any); anything else names the field *reason*."""
    if raw is None or not raw.strip():
        return None
    try:
        return HandoffReason(raw.strip().lower())
    except ValueError:
        names = ", ".join(r.value for r in HandoffReason)
        raise ValidationError(
            f"unknown handoff reason {raw!r}; use one of {names}", field="reason"
        ) from None


@attrs.frozen(kw_only=True)
class ListHandoffs:
    """Which handoffs to list, as typed by a person (blank or absent: any)."""

    reason: str | None = None
    """A reason code: ``critical_intent``, ``out_of_hours``, ``clear_intent``, …"""
    since: str | None = None
    """``30m``, ``2h``, ``7d``, ``2w`` ago, or an ISO 8601 date or date-time."""
    limit: int = DEFAULT_HANDOFF_LIMIT


@attrs.frozen
class ListHandoffsHandler:
    """The ledger, newest first, filtered by reason and time."""

    uow: UnitOfWorkFactory
    clock: Clock
    tz: tzinfo

    def filter_of(self, query: ListHandoffs) -> HandoffFilter:
        """The checked filter of *query*. Raises ValidationError naming the field."""
        if not 1 <= query.limit <= MAX_HANDOFF_LIMIT:
            raise ValidationError(
                f"limit must be between 1 and {MAX_HANDOFF_LIMIT}, not {query.limit}",
                field="limit",
            )
        since = (query.since or "").strip()
        return HandoffFilter(
            reason=parse_reason(query.reason),
            since=parse_since(since, now=self.clock.now(), tz=self.tz) if since else None,
            limit=query.limit,
        )

    async def __call__(self, query: ListHandoffs) -> Sequence[HandoffEntry]:
        """At most ``query.limit`` matching entries, newest first."""
        where = self.filter_of(query)
        async with self.uow() as uow:
            return await uow.handoffs.list(where)
