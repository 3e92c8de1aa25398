"""StateGauges (uow.gauges): counts of what is stored right now, read for `GET /metrics`.

Every count is an aggregate over an index whose size follows what is live (open tickets,
running clocks, queued conversations, open surveys) or a recent time range (surveys sent
and answered since an instant), so a scrape stays cheap on a large database.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Protocol

import attrs

from lia_core.domain.agents import Presence
from lia_core.domain.tickets import TicketStatus
from lia_core.sla.readings import Metric, SlaState

__all__ = ["QueueGauge", "StateCounts", "StateGauges"]


@attrs.frozen(kw_only=True)
class QueueGauge:
    """One department's queue: conversations waiting for a person, and the longest waiting."""

    department: str
    waiting: int
    oldest_since: datetime | None
    """When the longest-waiting conversation joined the queue (None: none has a time)."""


@attrs.frozen(kw_only=True)
class StateCounts:
    """What the desk holds now; statuses and states absent from a mapping count zero."""

    tickets: Mapping[TicketStatus, int]
    """Live tickets (open, waiting_customer) by status: resolved and closed are history."""
    sla: Mapping[SlaState, int]
    """Live tickets with a running clock, by their most urgent clock's state."""
    clocks: Mapping[Metric, int]
    """SLA clocks still running (not met yet, overdue included) by metric."""
    queues: tuple[QueueGauge, ...]
    """Departments with a conversation waiting, by department name."""
    agents: Mapping[Presence, int]
    """Agent profiles by presence as it counts now (`AgentProfile.presence_at`)."""
    surveys_sent: int
    """Surveys sent at or after *surveys_since*."""
    surveys_open: int
    """Surveys still waiting for an answer (open and not expired at *now*)."""
    surveys_answered: int
    """Answers (`satisfaction_feedback`) stored at or after *surveys_since*."""


class StateGauges(Protocol):
    """Aggregate counts over the stored state, for monitoring."""

    async def read(
        self, *, now: datetime, presence_ttl: timedelta, surveys_since: datetime
    ) -> StateCounts:
        """Count live tickets, SLA states, queues, agents by presence and recent surveys.

        An agent not heard from for longer than *presence_ttl* before *now* counts as
        offline unless their profile turns auto-offline off, as `AgentProfile.presence_at` says.
        """
        ...
