"""InMemoryStateGauges: the `/metrics` counts over the fake's rows (what SQL aggregates)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from lia_adapters.memory._tables import Staging, Tables
from lia_core.domain.agents import AgentProfile, Presence
from lia_core.domain.surveys import SurveyStatus
from lia_core.domain.tickets import TicketStatus
from lia_core.ports import QueueGauge, StateCounts
from lia_core.sla.readings import Metric, SlaState

__all__ = ["InMemoryStateGauges"]


class InMemoryStateGauges:
    """Counts over the committed rows overlaid with the unit of work's staged ones."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    async def read(
        self, *, now: datetime, presence_ttl: timedelta, surveys_since: datetime
    ) -> StateCounts:
        """Count live tickets, SLA states, queues, agents by presence and recent surveys."""
        store, staged = self._uow.store, self._uow.staged
        rows = {**store.tickets, **staged.tickets}.values()
        live = [r for r in rows if not r.ticket.status.is_final]
        tickets: Counter[TicketStatus] = Counter(r.ticket.status for r in live)
        sla: Counter[SlaState] = Counter(
            r.index.sla_state for r in live if r.index.sla_state is not None
        )
        clocks: Counter[Metric] = Counter()
        for row in live:
            clocks[Metric.FIRST_RESPONSE] += row.index.first_response_due_at is not None
            clocks[Metric.RESOLUTION] += row.index.resolution_due_at is not None
        agents: Counter[Presence] = Counter(
            p.presence_at(now, presence_ttl) for p in _agents(store, staged)
        )
        surveys = {**store.nps_tables.surveys, **staged.nps_tables.surveys}.values()
        answers = {**store.nps_tables.feedback, **staged.nps_tables.feedback}.values()
        return StateCounts(
            tickets=dict(tickets),
            sla=dict(sla),
            clocks={m: n for m, n in clocks.items() if n},
            queues=_queues(store, staged),
            agents=dict(agents),
            surveys_sent=sum(s.sent_at >= surveys_since for s in surveys),
            surveys_open=sum(s.status_at(now) is SurveyStatus.OPEN for s in surveys),
            surveys_answered=sum(f.created_at >= surveys_since for f in answers),
        )


def _agents(store: Tables, staged: Tables) -> list[AgentProfile]:
    return list({**store.assignment_tables.agents, **staged.assignment_tables.agents}.values())


def _queues(store: Tables, staged: Tables) -> tuple[QueueGauge, ...]:
    rows = {**store.assignment_tables.assignments, **staged.assignment_tables.assignments}
    waiting: dict[str, list[datetime | None]] = {}
    for a in rows.values():
        if a.closed_at is None and a.assignee is None:
            waiting.setdefault(a.department, []).append(a.waiting_since)
    return tuple(
        QueueGauge(
            department=department,
            waiting=len(times),
            oldest_since=min((t for t in times if t is not None), default=None),
        )
        for department, times in sorted(waiting.items())
    )
