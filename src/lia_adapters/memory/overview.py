"""The overview's counts over the fake's rows (as sql/overview.py counts them)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime

from lia_adapters.memory._tables import Staging
from lia_core.domain.conversations import ConversationStatus
from lia_core.domain.overview import slot_start
from lia_core.ports.overview import DeskCounts

__all__ = ["OPEN_STATUSES", "InMemoryOverviewQueries"]

OPEN_STATUSES = frozenset(
    {ConversationStatus.ACTIVE, ConversationStatus.WAITING, ConversationStatus.TRANSFERRED}
)
"""A conversation's statuses that count as open."""


class InMemoryOverviewQueries:
    """Reads the committed rows overlaid with the unit of work's staged ones."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    async def counts(self) -> DeskCounts:
        """Open conversations; unassigned and unattended open assignments."""
        store, staged = self._uow.store, self._uow.staged
        conversations = {
            **store.conversation_tables.conversations,
            **staged.conversation_tables.conversations,
        }
        assignments = {
            **store.assignment_tables.assignments,
            **staged.assignment_tables.assignments,
        }
        at_desk = [a for a in assignments.values() if a.closed_at is None]
        return DeskCounts(
            open=sum(1 for c in conversations.values() if c.status in OPEN_STATUSES),
            unassigned=sum(1 for a in at_desk if a.assignee is None),
            unattended=sum(1 for a in at_desk if a.first_human_reply_at is None),
        )

    async def arrivals(self, since: datetime, until: datetime) -> Mapping[datetime, int]:
        """Conversations created in [since, until) per slot start."""
        store, staged = self._uow.store, self._uow.staged
        conversations = {
            **store.conversation_tables.conversations,
            **staged.conversation_tables.conversations,
        }
        return dict(
            Counter(
                slot_start(c.created_at)
                for c in conversations.values()
                if since <= c.created_at < until
            )
        )
