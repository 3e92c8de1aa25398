"""The realtime events of the desk's moves (docs/desk.md): offered, assigned, transferred,
released, and an agent's presence. References only: ids, usernames, departments, states.

Usernames go through `ref_or_none`: one that cannot travel (a phone-shaped name from before
usernames were checked for it) is left out of the event rather than failing the move."""

from __future__ import annotations

from datetime import datetime

from lia_core.domain.agents import AgentProfile
from lia_core.domain.assignments import Assignment, Offer
from lia_core.domain.realtime import RealtimeEvent, RealtimeKind, ref_or_none

__all__ = ["assigned", "offered", "presence", "released", "transferred"]


def offered(offer: Offer, assignment: Assignment) -> RealtimeEvent:
    """``conversation.offered``: to the agent, until the offer lapses."""
    return RealtimeEvent(
        kind=RealtimeKind.CONVERSATION_OFFERED,
        at=offer.offered_at,
        department=assignment.department,
        conversation_id=assignment.conversation_id,
        offer_id=offer.id,
        agent=ref_or_none(offer.agent),
        priority=assignment.priority.value,
        waiting_since=assignment.waiting_since,
        expires_at=offer.due_at,
    )


def assigned(assignment: Assignment, *, at: datetime, previous: str | None) -> RealtimeEvent:
    """``conversation.assigned``: who holds it now (and who did before)."""
    return RealtimeEvent(
        kind=RealtimeKind.CONVERSATION_ASSIGNED,
        at=at,
        department=assignment.department,
        conversation_id=assignment.conversation_id,
        agent=ref_or_none(assignment.assignee),
        previous_agent=ref_or_none(previous),
        priority=assignment.priority.value,
        status=assignment.state.value,
    )


def transferred(
    assignment: Assignment, *, at: datetime, previous: str | None, from_department: str
) -> RealtimeEvent:
    """``conversation.transferred``: to an agent or another department's queue."""
    return RealtimeEvent(
        kind=RealtimeKind.CONVERSATION_TRANSFERRED,
        at=at,
        department=assignment.department,
        conversation_id=assignment.conversation_id,
        agent=ref_or_none(assignment.assignee),
        previous_agent=ref_or_none(previous),
        previous_department=from_department,
        priority=assignment.priority.value,
        status=assignment.state.value,
        waiting_since=assignment.waiting_since,
    )


def released(assignment: Assignment, *, at: datetime, previous: str | None) -> RealtimeEvent:
    """``conversation.released``: back in its queue (released, returned, the away rule)."""
    return RealtimeEvent(
        kind=RealtimeKind.CONVERSATION_RELEASED,
        at=at,
        department=assignment.department,
        conversation_id=assignment.conversation_id,
        previous_agent=ref_or_none(previous),
        priority=assignment.priority.value,
        status=assignment.state.value,
        waiting_since=assignment.waiting_since,
    )


def presence(profile: AgentProfile, *, at: datetime) -> RealtimeEvent:
    """``agent.presence``: the agent's new status (supervisors and the agent hear it)."""
    return RealtimeEvent(
        kind=RealtimeKind.AGENT_PRESENCE,
        at=at,
        agent=ref_or_none(profile.username),
        status=profile.status.value,
    )
