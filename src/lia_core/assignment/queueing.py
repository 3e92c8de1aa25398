"""How conversations enter and leave the desk's queues, and what the queues hold.

`enqueue_handoffs` runs inside the gate's unit of work (the desk intake) for every new
ticket of a conversation handed to humans; `record_first_human_reply` and `close_assignment`
are for the reply and resolution use cases, in their own units of work.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs

from lia_core.assignment import events
from lia_core.assignment.inbox import Inbox, read_inbox, scoped
from lia_core.assignment.moves import record
from lia_core.assignment.policy import AssignmentPolicy
from lia_core.domain.activity import Actor
from lia_core.domain.agents import Presence
from lia_core.domain.assignments import Assignment, Offer
from lia_core.domain.conversations import ConversationStatus
from lia_core.domain.tickets import Ticket
from lia_core.domain.users import User, validate_username
from lia_core.errors import NotFound, ValidationError
from lia_core.ports import (
    Clock,
    IdGenerator,
    InboxQuery,
    QueueCounts,
    UnitOfWork,
    UnitOfWorkFactory,
)

__all__ = [
    "MAX_QUEUE_LIST",
    "Queues",
    "close_assignment",
    "enqueue_handoffs",
    "follow_ticket",
    "record_first_human_reply",
]

_CLOSED = frozenset({ConversationStatus.RESOLVED, ConversationStatus.ARCHIVED})
_WITH_HUMANS = frozenset({ConversationStatus.WAITING, ConversationStatus.TRANSFERRED})

MAX_QUEUE_LIST = 500
"""The most conversations one queue listing returns."""
_DESK = Actor.service("desk")


async def enqueue_handoffs(
    uow: UnitOfWork,
    tickets: Sequence[Ticket],
    *,
    ids: IdGenerator,
    policy: AssignmentPolicy,
    now: datetime,
) -> int:
    """Queue the conversations of newly opened tickets; how many were queued or kept.

    A conversation already at the desk keeps its place and holder (the gate never
    overwrites an assignment). A reopened one (closed before) goes back to its previous
    agent only if they are online now; otherwise to its queue, with the reason recorded.
    """
    by_conversation = {t.conversation_id: t for t in tickets if t.conversation_id is not None}
    if not by_conversation:
        return 0
    known = await uow.assignments.get_many(by_conversation)
    changed: list[Assignment] = []
    for cid, ticket in by_conversation.items():
        current = known.get(cid)
        if current is not None and current.closed_at is None:
            continue
        if current is None:
            changed.append(
                Assignment(
                    conversation_id=cid,
                    department=ticket.department,
                    priority=ticket.priority,
                    vip=ticket.vip,
                    waiting_since=now,
                    reason=ticket.subject,
                    updated_at=now,
                )
            )
            continue
        current.priority, current.vip = ticket.priority, ticket.vip
        changed.append(await _reopen(uow, current, ticket, ids=ids, policy=policy, now=now))
    await uow.assignments.save_many(changed)
    return len(changed)


async def _reopen(
    uow: UnitOfWork,
    assignment: Assignment,
    ticket: Ticket,
    *,
    ids: IdGenerator,
    policy: AssignmentPolicy,
    now: datetime,
) -> Assignment:
    previous = assignment.previous_assignee
    presence = Presence.OFFLINE
    if previous is not None:
        try:
            profile = await uow.agents.get(previous)
            presence = profile.presence_at(now, policy.presence_ttl)
        except NotFound:
            pass
    if previous is not None and presence is Presence.ONLINE:
        reason = f"reopened: {previous} is online and keeps it"
        assignment.closed_at = None
        assignment.assign(
            previous,
            at=now,
            reason=reason,
            return_due_at=now + policy.return_after if policy.return_after else None,
        )
        to_state = previous
        uow.events.publish(events.assigned(assignment, at=now, previous=None))
    else:
        who = f"{previous} is {presence.value}" if previous else "nobody held it"
        reason = f"reopened: {who}, routed again"
        assignment.enqueue(at=now, reason=reason, department=ticket.department)
        to_state = f"queue:{assignment.department}"
    await record(
        uow,
        ids,
        _DESK,
        at=now,
        action="conversation.reopen",
        entity="conversation",
        entity_id=assignment.conversation_id,
        from_state=previous,
        to_state=to_state,
        reason=reason,
    )
    return assignment


async def record_first_human_reply(
    uow: UnitOfWork, conversation_id: str, agent: str, *, at: datetime
) -> bool:
    """Note an agent's reply: the first by its holder stops the return timer. Whether it did.

    Call it in the reply's unit of work (a ConcurrencyConflict at commit means the
    assignment moved meanwhile: read and decide again, as for any conflict).
    """
    try:
        assignment = await uow.assignments.get(conversation_id)
    except NotFound:
        return False
    if assignment.assignee != agent or assignment.first_human_reply_at is not None:
        return False
    assignment.first_human_reply_at = at
    assignment.return_due_at = None
    assignment.updated_at = at
    await uow.assignments.save_many([assignment])
    return True


async def close_assignment(uow: UnitOfWork, conversation_id: str, *, at: datetime) -> bool:
    """Take a resolved conversation off the desk (its holder is remembered for a reopen)."""
    try:
        assignment = await uow.assignments.get(conversation_id)
    except NotFound:
        return False
    if assignment.closed_at is not None:
        return False
    holder = assignment.assignee
    assignment.enqueue(at=at, reason="resolved")
    assignment.waiting_since = None
    assignment.closed_at = at
    await uow.assignments.save_many([assignment])
    if holder is not None:
        await uow.agents.recount([holder])
    return True


async def follow_ticket(
    uow: UnitOfWork,
    ticket: Ticket,
    *,
    ids: IdGenerator,
    policy: AssignmentPolicy,
    now: datetime,
) -> None:
    """Keep the conversation's place at the desk in step with its ticket's status: resolved
    or closed, it leaves the desk (`close_assignment`); live again (reopened), it comes back
    as a handoff does (to its previous agent only if they are online)."""
    if ticket.conversation_id is None:
        return
    if ticket.status.is_live:
        await enqueue_handoffs(uow, [ticket], ids=ids, policy=policy, now=now)
    else:
        await close_assignment(uow, ticket.conversation_id, at=now)
    await _follow_conversation(uow, ticket, now=now)


async def _follow_conversation(uow: UnitOfWork, ticket: Ticket, *, now: datetime) -> None:
    """The conversation's status follows its ticket: resolved with it (the next message is a
    new matter for the bot, and the funnel counts it closed), with people again on a reopen.

    A conversation the bot or the gate already moved on (active again) is left alone, and one
    that still has another live ticket stays with people.
    """
    assert ticket.conversation_id is not None
    try:
        conversation = await uow.conversations.get(ticket.conversation_id)
    except NotFound:
        return
    if ticket.status.is_live:
        if conversation.status not in _CLOSED:
            return
        conversation.status = ConversationStatus.WAITING
        conversation.status_reason = "ticket reopened"
    else:
        if conversation.status not in _WITH_HUMANS:
            return
        if await uow.tickets.live_for_conversations([conversation.id]):
            return
        conversation.status = ConversationStatus.RESOLVED
        conversation.status_reason = f"ticket {ticket.status.value}"
    conversation.updated_at = now
    await uow.conversations.save_many([conversation])


@attrs.frozen
class Queues:
    """The department queues as one person sees them (`services.queues`)."""

    uow: UnitOfWorkFactory
    clock: Clock

    async def inbox(self, query: InboxQuery, *, viewer: User) -> Inbox:
        """*viewer*'s inbox: tab counts, the conversations matching *query* (scoped to what
        they see), and their open offers. Raises ValidationError naming a bad field."""
        scoped_query = scoped(query, viewer)
        async with self.uow() as uow:
            return await read_inbox(uow, scoped_query, now=self.clock.now())

    async def offers(self, agent: str) -> Sequence[Offer]:
        """*agent*'s open offers (pending and still in time), oldest first: what they may
        accept or reject now (`POST /api/v1/offers/{id}/accept`)."""
        now = self.clock.now()
        async with self.uow() as uow:
            pending = await uow.offers.pending_for(validate_username(agent))
        return [o for o in pending if o.open_at(now)]

    async def counts(self, viewer: str, *, department: str | None = None) -> Sequence[QueueCounts]:
        """Mine / Unassigned / All for each department (or one)."""
        async with self.uow() as uow:
            return await uow.assignments.counts(viewer, department=department)

    async def waiting(self, department: str, *, limit: int = 50) -> Sequence[Assignment]:
        """The department's queue in order (priority, VIP, waiting time)."""
        if not 1 <= limit <= MAX_QUEUE_LIST:
            raise ValidationError(f"limit must be between 1 and {MAX_QUEUE_LIST}", field="limit")
        async with self.uow() as uow:
            return await uow.assignments.queue(department, limit=limit)
