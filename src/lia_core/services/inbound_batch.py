"""The in-memory state of one batch of stored inbound messages, and what it publishes.

Kept apart from the handler (`lia_core.services.inbound`) so the pipeline's steps read
as steps: this module only holds data and turns it into `message.received` events.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import datetime

import attrs

from lia_core.desk.intake import Handed
from lia_core.domain.conversations import Contact, Conversation, PendingInbound, StoredMessage
from lia_core.domain.delivery import OutboundJob
from lia_core.domain.feedback import Feedback
from lia_core.domain.gate import GateOutcome
from lia_core.domain.notices import FailureNotice
from lia_core.domain.realtime import RealtimeEvent, RealtimeKind, department_or_none, ref_or_none
from lia_core.domain.recipients import ContactKey
from lia_core.domain.surveys import Survey
from lia_core.domain.tickets import Ticket
from lia_core.handoff import HandoffPolicy
from lia_core.handoff.session import BotSession, HandoffEntry
from lia_core.ports import ChatKey

__all__ = ["InboundBatch", "received_events"]


@attrs.define
class InboundBatch:
    """The state a batch of stored messages reads, changes in memory, and writes back at once."""

    now: datetime
    contacts: dict[ContactKey, Contact]
    conversations: dict[ChatKey, Conversation]
    notified: dict[str, set[str]]
    """Failure ids each contact was told of, by the contact's text (a notice's recipient)."""
    jobs: list[OutboundJob] = attrs.Factory(list)
    notices: list[FailureNotice] = attrs.Factory(list)
    outbound: list[StoredMessage] = attrs.Factory(list)
    handled: dict[str, str] = attrs.Factory(dict)
    outcomes: Counter[GateOutcome] = attrs.Factory(Counter)
    handed: list[Handed] = attrs.Factory(list)
    """Messages left with humans: the desk opens or feeds their tickets."""
    sessions: dict[str, BotSession] = attrs.Factory(dict)
    """The bot state of each conversation, as read then as changed by this batch."""
    changed_sessions: set[str] = attrs.Factory(set)
    ledger: list[HandoffEntry] = attrs.Factory(list)
    handoff_policy: HandoffPolicy | None = None
    """The bot's policy with the desk's calendar in force (None: no bot)."""
    received: list[tuple[PendingInbound, Conversation]] = attrs.Factory(list)
    """Every message handled, with its conversation: published as `message.received`."""
    surveys: dict[str, Survey] = attrs.Factory(dict)
    """Open NPS surveys by conversation id, as read then as changed by this batch."""
    changed_surveys: set[str] = attrs.Factory(set)
    busy: set[str] = attrs.Factory(set)
    """Conversations with a live ticket: people hold another matter, a survey waits."""
    diverted: set[str] = attrs.Factory(set)
    """Conversations whose message went to the normal flow in this batch."""
    answers: list[Feedback] = attrs.Factory(list)
    closed: list[str] = attrs.Factory(list)
    """Conversations the bot closed in this batch (each may get a survey)."""


def received_events(state: InboundBatch, tickets: Mapping[str, Ticket]) -> Iterator[RealtimeEvent]:
    """`message.received` per handled message: ids, channel, the conversation's status, and
    the department and ticket when a ticket holds the conversation (never the text)."""
    for pending, conversation in state.received:
        ticket = tickets.get(conversation.id)
        yield RealtimeEvent(
            kind=RealtimeKind.MESSAGE_RECEIVED,
            at=state.now,
            conversation_id=ref_or_none(conversation.id),
            message_id=ref_or_none(pending.id),
            channel=pending.message.channel.value,
            status=conversation.status.value,
            department=department_or_none(ticket.department) if ticket else None,
            ticket_id=ref_or_none(ticket.id) if ticket else None,
            agent=ref_or_none(ticket.assignee) if ticket else None,
        )
