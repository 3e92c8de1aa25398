"""Public shapes of the people in the loop: agents, queue counts, assignments, offers."""

from __future__ import annotations

from datetime import datetime, tzinfo

from lia_core.assignment import AgentView
from lia_core.domain.agents import Presence
from lia_core.domain.assignments import Assignment, AssignmentState, Offer, OfferStatus
from lia_core.ports import QueueCounts
from lia_entrypoints.schemas.base import Out, local

__all__ = ["AgentOut", "AssignmentOut", "OfferOut", "QueueOut"]


class AgentOut(Out):
    """An agent: departments, capacity, presence now, load and offer counters."""

    username: str
    role: str
    departments: list[str]
    skills: list[str]
    capacity: int
    load: int
    """Conversations held now (assigned plus pending offers), recounted on every change."""
    status: Presence
    """What the agent last set."""
    presence: Presence
    """What counts now: offline when not heard from within the time limit (auto-offline on)."""
    auto_offline: bool
    last_seen_at: datetime | None
    offers_offered: int
    offers_accepted: int
    offers_rejected: int
    offers_timed_out: int

    @classmethod
    def of(cls, view: AgentView, tz: tzinfo) -> AgentOut:
        """Render an agent."""
        p = view.profile
        return cls(
            username=view.user.username,
            role=view.user.role.value,
            departments=sorted(view.user.departments),
            skills=sorted(p.skills),
            capacity=p.capacity,
            load=p.load,
            status=p.status,
            presence=view.presence,
            auto_offline=p.auto_offline,
            last_seen_at=local(p.last_seen_at, tz),
            offers_offered=p.offers_offered,
            offers_accepted=p.offers_accepted,
            offers_rejected=p.offers_rejected,
            offers_timed_out=p.offers_timed_out,
        )


class QueueOut(Out):
    """One department's queue counted for the caller."""

    department: str
    mine: int
    unassigned: int
    all: int

    @classmethod
    def of(cls, counts: QueueCounts) -> QueueOut:
        """Render the counts."""
        return cls(
            department=counts.department,
            mine=counts.mine,
            unassigned=counts.unassigned,
            all=counts.all,
        )


class AssignmentOut(Out):
    """Where a conversation stands at the desk."""

    conversation_id: str
    department: str
    state: AssignmentState
    assignee: str | None
    priority: str
    vip: bool
    waiting_since: datetime | None
    assigned_at: datetime | None
    return_due_at: datetime | None
    offer_id: str | None
    reason: str

    @classmethod
    def of(cls, a: Assignment, tz: tzinfo) -> AssignmentOut:
        """Render an assignment."""
        return cls(
            conversation_id=a.conversation_id,
            department=a.department,
            state=a.state,
            assignee=a.assignee,
            priority=a.priority.value,
            vip=a.vip,
            waiting_since=local(a.waiting_since, tz),
            assigned_at=local(a.assigned_at, tz),
            return_due_at=local(a.return_due_at, tz),
            offer_id=a.offer_id,
            reason=a.reason,
        )


class OfferOut(Out):
    """An offer and its answer."""

    id: str
    conversation_id: str
    agent: str
    department: str
    status: OfferStatus
    offered_at: datetime
    due_at: datetime

    @classmethod
    def of(cls, o: Offer, tz: tzinfo) -> OfferOut:
        """Render an offer."""
        return cls(
            id=o.id,
            conversation_id=o.conversation_id,
            agent=o.agent,
            department=o.department,
            status=o.status,
            offered_at=o.offered_at.astimezone(tz),
            due_at=o.due_at.astimezone(tz),
        )
