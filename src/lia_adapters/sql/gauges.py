"""SqlStateGauges: the `/metrics` counts as indexed aggregates (SQLite and PostgreSQL alike).

Each statement reads an index whose size follows what is live, never the history:
`ix_tickets_status_opened_at` for the live statuses, `ix_ticket_clocks_sla_state_opened_at`
for running clocks (a final ticket's clock row has no state), the queue's partial
`ix_assignments_queue`, the open surveys' partial `ix_nps_surveys_open`; the recent surveys
and answers a range of `ix_nps_surveys_sent_at` (revision 0018) and of
`ix_satisfaction_feedback_created_at`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, case, func, or_, select, text, true
from sqlalchemy.ext.asyncio import AsyncConnection

from lia_adapters.sql.assignment.tables import QUEUED, agent_profiles, assignments
from lia_adapters.sql.base import ConnectionSource
from lia_adapters.sql.desk.tables import ticket_clocks, tickets
from lia_adapters.sql.nps.tables import nps_surveys, satisfaction_feedback
from lia_core.domain.agents import Presence
from lia_core.domain.surveys import SurveyStatus
from lia_core.domain.tickets import TicketStatus
from lia_core.ports import QueueGauge, StateCounts
from lia_core.sla.readings import Metric, SlaState

__all__ = ["SqlStateGauges"]

_LIVE = (TicketStatus.OPEN.value, TicketStatus.WAITING_CUSTOMER.value)
_A = agent_profiles.c
_C = ticket_clocks.c


class SqlStateGauges:
    """Counts over the unit of work's connection (its transaction's snapshot)."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def read(
        self, *, now: datetime, presence_ttl: timedelta, surveys_since: datetime
    ) -> StateCounts:
        """Count live tickets, SLA states, queues, agents by presence and recent surveys."""
        conn = self._connection()
        ticket_rows = await conn.execute(
            select(tickets.c.status, func.count())
            .where(tickets.c.status.in_(_LIVE))
            .group_by(tickets.c.status)
        )
        clock_rows = await conn.execute(
            select(
                _C.sla_state,
                func.count(),
                func.count(_C.first_response_due_at),
                func.count(_C.resolution_due_at),
            )
            .where(_C.sla_state.is_not(None))
            .group_by(_C.sla_state)
        )
        sla: dict[SlaState, int] = {}
        clocks = {Metric.FIRST_RESPONSE: 0, Metric.RESOLUTION: 0}
        for state, n, first, resolution in clock_rows:
            sla[SlaState(state)] = n
            clocks[Metric.FIRST_RESPONSE] += first
            clocks[Metric.RESOLUTION] += resolution
        return StateCounts(
            tickets={TicketStatus(s): n for s, n in ticket_rows},
            sla=sla,
            clocks={m: n for m, n in clocks.items() if n},
            queues=await _queues(conn),
            agents=await _agents(conn, now - presence_ttl),
            surveys_sent=await _count(
                conn,
                select(func.count())
                .select_from(nps_surveys)
                .where(nps_surveys.c.sent_at >= surveys_since),
            ),
            surveys_open=await _count(
                conn,
                select(func.count())
                .select_from(nps_surveys)
                .where(
                    nps_surveys.c.status == SurveyStatus.OPEN.value,
                    nps_surveys.c.expires_at > now,
                ),
            ),
            surveys_answered=await _count(
                conn,
                select(func.count())
                .select_from(satisfaction_feedback)
                .where(satisfaction_feedback.c.created_at >= surveys_since),
            ),
        )


async def _count(conn: AsyncConnection, query: Select[int]) -> int:
    return int(await conn.scalar(query) or 0)


async def _queues(conn: AsyncConnection) -> tuple[QueueGauge, ...]:
    a = assignments.c
    rows = await conn.execute(
        select(a.department, func.count(), func.min(a.waiting_since))
        .where(text(QUEUED))
        .group_by(a.department)
        .order_by(a.department)
    )
    return tuple(QueueGauge(department=d, waiting=n, oldest_since=o) for d, n, o in rows)


async def _agents(conn: AsyncConnection, heard_after: datetime) -> Mapping[Presence, int]:
    """Profiles by `AgentProfile.presence_at`: a lapsed heartbeat reads offline."""
    lapsed = and_(
        _A.status != Presence.OFFLINE.value,
        _A.auto_offline == true(),
        or_(_A.last_seen_at.is_(None), _A.last_seen_at < heard_after),
    )
    presence = case((lapsed, Presence.OFFLINE.value), else_=_A.status)
    rows = await conn.execute(select(presence, func.count()).group_by(presence))
    return {Presence(p): n for p, n in rows}
