"""Realtime events about outbound messages: `message.sent` and `message.status_updated`.

Both name the message and its conversation, and the department and agent of the ticket that
holds the conversation (so that department's agents hear them). Built per batch: one read of
the messages and one of their tickets, whatever the batch's size.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from lia_core.domain.conversations import OutboundRef
from lia_core.domain.delivery import JobStatus, OutboundJob
from lia_core.domain.inbound import MessageStatus, StatusUpdate
from lia_core.domain.realtime import RealtimeEvent, RealtimeKind, department_or_none, ref_or_none
from lia_core.ports import UnitOfWork

__all__ = ["job_events", "receipt_events"]


async def receipt_events(
    uow: UnitOfWork, receipts: Sequence[StatusUpdate], *, at: datetime
) -> list[RealtimeEvent]:
    """`message.status_updated` for each receipt that moved a stored outbound message."""
    refs = await uow.messages.outbound_refs(
        provider_ids=[(r.channel, r.provider_message_id) for r in receipts]
    )
    status = {(r.channel, r.provider_message_id): r.status for r in receipts}
    moved = [(ref, status[(ref.channel, ref.provider_message_id or "")]) for ref in refs]
    return await _events(uow, RealtimeKind.MESSAGE_STATUS_UPDATED, moved, at=at)


async def job_events(
    uow: UnitOfWork, jobs: Sequence[OutboundJob], *, at: datetime
) -> list[RealtimeEvent]:
    """`message.sent` for jobs now sent, `message.status_updated` (FAILED) for jobs given up,
    when they carry a stored message of a conversation (a reply; not a broadcast notice)."""
    outcome = {
        job.idempotency_key: MessageStatus.SENT
        if job.status is JobStatus.SENT
        else MessageStatus.FAILED
        for job in jobs
        if job.status in (JobStatus.SENT, JobStatus.DEAD)
    }
    if not outcome:
        return []
    refs = await uow.messages.outbound_refs(job_keys=list(outcome))
    sent = [(r, outcome[r.job_key]) for r in refs if outcome[r.job_key] is MessageStatus.SENT]
    failed = [(r, outcome[r.job_key]) for r in refs if outcome[r.job_key] is MessageStatus.FAILED]
    return [
        *await _events(uow, RealtimeKind.MESSAGE_SENT, sent, at=at),
        *await _events(uow, RealtimeKind.MESSAGE_STATUS_UPDATED, failed, at=at),
    ]


async def _events(
    uow: UnitOfWork,
    kind: RealtimeKind,
    moved: Sequence[tuple[OutboundRef, MessageStatus]],
    *,
    at: datetime,
) -> list[RealtimeEvent]:
    if not moved:
        return []
    conversations = {ref.conversation_id for ref, _ in moved if ref.conversation_id}
    tickets = await uow.tickets.live_for_conversations(conversations) if conversations else {}
    events: list[RealtimeEvent] = []
    for ref, status in moved:
        ticket = tickets.get(ref.conversation_id) if ref.conversation_id else None
        events.append(
            RealtimeEvent(
                kind=kind,
                at=at,
                message_id=ref_or_none(ref.message_id),
                conversation_id=ref_or_none(ref.conversation_id),
                channel=ref.channel.value,
                status=status.value,
                department=department_or_none(ticket.department) if ticket else None,
                ticket_id=ref_or_none(ticket.id) if ticket else None,
                agent=ref_or_none(ticket.assignee) if ticket else None,
            )
        )
    return events
