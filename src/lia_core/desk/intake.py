"""Where the normal flow meets the desk: a conversation handed to a human opens a ticket, and
what its customer writes next joins that ticket's timeline.

The gate calls `DeskIntake.take` inside the unit of work that writes its batch, so the
ticket and the messages commit together. Contacts answered only by the outage gate never get
here (no ticket, no SLA promise).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs

from lia_core.assignment.policy import AssignmentPolicy
from lia_core.assignment.queueing import enqueue_handoffs
from lia_core.desk.alerts import StaffNotifier
from lia_core.desk.commands import DEFAULT_DEPARTMENT, OpenTicket
from lia_core.desk.events import ticket_updated
from lia_core.desk.service import Desk, PolicySource
from lia_core.desk.settle import settle
from lia_core.domain.recipients import ContactKey
from lia_core.domain.tickets import EventKind, Priority, Ticket
from lia_core.errors import AlreadyExists, ConcurrencyConflict
from lia_core.ports import UnitOfWork

__all__ = ["DeskIntake", "Handed"]

_MESSAGE_CHARS = 1000
_SUBJECT_CHARS = 120


@attrs.frozen(kw_only=True)
class Handed:
    """A customer message the router left with humans (the queue or an agent)."""

    conversation_id: str
    contact: ContactKey
    text: str
    reason: str
    """The routing's reason ("human queue", a bot's handoff reason)."""
    at: datetime
    failure_id: str | None = None
    """An active outage the contact was told about, linked to a new ticket."""
    department: str | None = None
    """Where the bot routed it (None: the intake's department)."""
    priority: Priority | None = None
    """The priority the handoff asked for (None: medium)."""


@attrs.frozen
class DeskIntake:
    """Opens tickets for handoffs and appends customer messages to live ones."""

    desk: Desk
    department: str = DEFAULT_DEPARTMENT
    """Where handed conversations go until routing names a department."""
    assignment: AssignmentPolicy = attrs.field(factory=AssignmentPolicy)
    """How a reopened conversation finds its previous agent (presence time limit, return timer)."""

    @property
    def policies(self) -> PolicySource:
        """The desk policy in force."""
        return self.desk.policies

    @property
    def notifier(self) -> StaffNotifier:
        """Who tells staff."""
        return self.desk.notifier

    async def take(
        self, uow: UnitOfWork, items: Sequence[Handed], *, now: datetime
    ) -> dict[str, Ticket]:
        """Record *items* in *uow*; the tickets opened or fed, by conversation id.

        Each of them is published as `ticket.updated` with the batch.

        Raises ConcurrencyConflict when another writer opened or changed one of these tickets
        meanwhile: the gate then reads and decides its batch again.
        """
        if not items:
            return {}
        _, desk = await self.policies.current()
        live = dict(await uow.tickets.live_for_conversations({i.conversation_id for i in items}))
        new: dict[str, Ticket] = {}
        changed: dict[str, Ticket] = {}
        for item in items:
            text = item.text[:_MESSAGE_CHARS]
            ticket = new.get(item.conversation_id) or changed.get(item.conversation_id)
            ticket = ticket or live.get(item.conversation_id)
            if ticket is None:
                department = item.department or self.department
                request = OpenTicket(
                    subject=(item.text.strip() or item.reason)[:_SUBJECT_CHARS],
                    contact=item.contact,
                    department=department,
                    priority=item.priority or Priority.MEDIUM,
                    failure_id=item.failure_id,
                    conversation_id=item.conversation_id,
                    reason=item.reason,
                )
                ticket = self.desk.new_ticket(
                    request,
                    desk,
                    subject=request.subject,
                    department=department,
                    by="bot",
                    now=item.at,
                )
                ticket = ticket.record(
                    EventKind.HANDED_TO_HUMAN,
                    at=item.at,
                    by="bot",
                    reason=item.reason,
                    data={"to": department},
                )
                ticket = ticket.record(EventKind.CUSTOMER_MESSAGE, at=item.at, reason=text)
                new[item.conversation_id] = ticket
                continue
            ticket = ticket.record(EventKind.CUSTOMER_MESSAGE, at=item.at, reason=text)
            if item.conversation_id in new:
                new[item.conversation_id] = ticket
            else:
                changed[item.conversation_id] = ticket
        opened = [
            await settle(uow, ticket, desk=desk, notifier=self.notifier, now=now)
            for ticket in new.values()
        ]
        try:
            await uow.tickets.add_many([(s.ticket, s.index) for s in opened], at=now)
        except AlreadyExists as exc:  # another gate worker opened one first: decide again
            raise ConcurrencyConflict(entity="ticket", entity_id=exc.entity_id) from exc
        # New tickets join their department's queue; a conversation already there keeps its
        # holder (the gate never overwrites an assignment).
        await enqueue_handoffs(
            uow,
            [s.ticket for s in opened],
            ids=self.desk.ids,
            policy=self.assignment,
            now=now,
        )
        fed = [
            await settle(uow, ticket, desk=desk, notifier=self.notifier, now=now)
            for ticket in changed.values()
        ]
        await uow.tickets.save_many([(s.ticket, s.index) for s in fed], at=now)
        uow.events.publish(*(ticket_updated(s.ticket, s.index, at=now) for s in (*opened, *fed)))
        return {s.ticket.conversation_id or "": s.ticket for s in (*opened, *fed)}
