"""The desk's use cases: open a ticket, act on one, read one, list them.

Each runs in one unit of work: the change, the events the clocks and the rules add
(`settle`), the staff notifications they queue, the audit row and the realtime
`ticket.updated` commit together or not at all. The desk policy comes from a `PolicySource` (the database's current revision, cached).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import attrs

from lia_core.assignment.policy import AssignmentPolicy
from lia_core.assignment.queueing import follow_ticket
from lia_core.desk.alerts import StaffNotifier
from lia_core.desk.commands import (
    Deescalate,
    Escalate,
    Note,
    OpenTicket,
    Reassign,
    SetPriority,
    TicketCommand,
)
from lia_core.desk.events import ticket_updated
from lia_core.desk.index import TicketIndex, index_status
from lia_core.desk.policy import DeskPolicy
from lia_core.desk.settle import Settled, settle, sla_policy_of
from lia_core.domain.activity import Activity, Actor
from lia_core.domain.tickets import Ticket
from lia_core.domain.users import Role, User
from lia_core.errors import ConcurrencyConflict, NotPermitted, ValidationError
from lia_core.ports import (
    Clock,
    IdGenerator,
    TicketFilter,
    TicketSummary,
    UnitOfWork,
    UnitOfWorkFactory,
)
from lia_core.sla.clock import sla_status
from lia_core.sla.policy import TicketFacts
from lia_core.sla.readings import SlaStatus
from lia_core.validation import require_text

__all__ = [
    "MAX_TICKET_LIST",
    "Desk",
    "FixedPolicySource",
    "PolicySource",
    "StatusObserver",
    "TicketView",
]

MAX_TICKET_LIST = 1000


class PolicySource(Protocol):
    """Where the desk reads the policy in force: (revision or None for the built-in, policy)."""

    async def current(self) -> tuple[int | None, DeskPolicy]:
        """The policy in force now."""
        ...


class StatusObserver(Protocol):
    """Told, in the change's unit of work, when a ticket's status changed (NPS surveys)."""

    async def ticket_moved(
        self, uow: UnitOfWork, before: Ticket, after: Ticket, actor: Actor, *, now: datetime
    ) -> object:
        """React to *before* → *after* (resolved, reopened, closed) before the commit."""
        ...


@attrs.frozen
class FixedPolicySource:
    """Always the same policy (the built-in one, or one a test or a library user chose)."""

    policy: DeskPolicy
    revision: int | None = None

    async def current(self) -> tuple[int | None, DeskPolicy]:
        """The fixed policy."""
        return self.revision, self.policy


@attrs.frozen(kw_only=True)
class TicketView:
    """A ticket as `show` reads it: the timeline, and both clocks computed at read time."""

    ticket: Ticket
    status: SlaStatus
    index: TicketIndex
    policy: str
    """The SLA policy's name."""
    now: datetime


def _states(command: TicketCommand, before: Ticket, after: Ticket) -> tuple[str | None, str | None]:
    """What the audit row says changed (from, to) for *command*."""
    if isinstance(command, Escalate | Deescalate):
        return before.level.value, after.level.value
    if isinstance(command, SetPriority):
        return before.priority.value, after.priority.value
    if isinstance(command, Reassign):

        def staffing(t: Ticket) -> str:
            return f"{t.department}/{t.assignee or '-'}/{t.level}/{t.severity.value}"

        return staffing(before), staffing(after)
    if isinstance(command, Note):
        return None, None
    return before.status.value, after.status.value


def _reason_of(command: TicketCommand) -> str | None:
    if isinstance(command, Note):
        return None
    return command.reason


def _check_viewer(viewer: User | None, ticket: Ticket) -> None:
    """An agent acts only on the tickets of their departments; supervisors and admins on all."""
    if viewer is None or viewer.role is not Role.AGENT:
        return
    departments = viewer.departments
    if ticket.department not in departments:
        raise NotPermitted(
            f"{viewer.username} does not work in department {ticket.department!r}",
            entity="ticket",
            entity_id=ticket.id,
        )


def _scope(viewer: User | None, filter: TicketFilter) -> TicketFilter:
    if viewer is None or viewer.role is not Role.AGENT:
        return filter
    departments = viewer.departments
    return attrs.evolve(filter, departments=departments)


@attrs.frozen
class Desk:
    """Tickets: open, act, show, list — every change through `settle` in one transaction."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    policies: PolicySource
    notifier: StaffNotifier
    assignment: AssignmentPolicy = attrs.field(factory=AssignmentPolicy, kw_only=True)
    """How a reopened ticket's conversation finds its previous agent (docs/desk.md)."""
    observer: StatusObserver | None = attrs.field(default=None, kw_only=True)
    """Told of status changes in their transaction (the NPS survey after a resolution)."""

    async def open(self, request: OpenTicket, actor: Actor) -> Ticket:
        """Open a ticket by hand; its first event says who and why."""
        subject = require_text(request.subject, "subject")
        department = require_text(request.department, "department")
        now = self.clock.now()
        _, desk = await self.policies.current()
        async with self.uow() as uow:
            ticket = self.new_ticket(
                request, desk, subject=subject, department=department, by=actor.name, now=now
            )
            settled = await settle(uow, ticket, desk=desk, notifier=self.notifier, now=now)
            stored = await uow.tickets.add(settled.ticket, settled.index, at=now)
            uow.events.publish(ticket_updated(stored, settled.index, at=now))
            await uow.activity.add(
                Activity.of(
                    actor,
                    id=self.ids.new_id(),
                    at=now,
                    action="ticket.open",
                    entity="ticket",
                    entity_id=stored.id,
                    to_state=stored.status.value,
                    reason=subject,
                    details={"department": department, "priority": stored.priority.value},
                )
            )
            await uow.commit()
        return stored

    def new_ticket(
        self,
        request: OpenTicket,
        desk: DeskPolicy,
        *,
        subject: str,
        department: str,
        by: str,
        now: datetime,
    ) -> Ticket:
        """A new ticket with its SLA policy chosen (not stored)."""
        facts = TicketFacts(
            priority=request.priority,
            severity=request.severity,
            department=department,
            vip=request.vip,
        )
        return Ticket.open(
            id=self.ids.new_id(),
            department=department,
            priority=request.priority,
            severity=request.severity,
            at=now,
            subject=subject,
            vip=request.vip,
            conversation_id=request.conversation_id,
            contact=request.contact,
            failure_id=request.failure_id,
            sla_policy=desk.sla.select(facts).name,
            by=by,
            reason=request.reason or subject,
        )

    async def act(
        self,
        ticket_id: str,
        command: TicketCommand,
        actor: Actor,
        *,
        viewer: User | None = None,
        expected_version: int | None = None,
    ) -> Ticket:
        """Apply *command*; ConcurrencyConflict if *expected_version* is not the stored one."""
        now = self.clock.now()
        _, desk = await self.policies.current()
        async with self.uow() as uow:
            ticket = await uow.tickets.get(ticket_id)
            _check_viewer(viewer, ticket)
            if expected_version is not None and expected_version != ticket.version:
                raise ConcurrencyConflict(entity="ticket", entity_id=ticket_id)
            changed = command.apply(ticket, by=actor.name, at=now)
            settled = await settle(uow, changed, desk=desk, notifier=self.notifier, now=now)
            saved = await uow.tickets.save(settled.ticket, settled.index, at=now)
            uow.events.publish(ticket_updated(saved, settled.index, at=now))
            if saved.status is not ticket.status:  # resolved: off the queues; reopened: back
                await follow_ticket(uow, saved, ids=self.ids, policy=self.assignment, now=now)
                if self.observer is not None:  # resolved: the survey; reopened: withdrawn
                    await self.observer.ticket_moved(uow, ticket, saved, actor, now=now)
            before, after = _states(command, ticket, changed)
            await uow.activity.add(
                Activity.of(
                    actor,
                    id=self.ids.new_id(),
                    at=now,
                    action=f"ticket.{command.action}",
                    entity="ticket",
                    entity_id=ticket_id,
                    from_state=before,
                    to_state=after,
                    reason=_reason_of(command),
                )
            )
            await uow.commit()
        return saved

    async def show(self, ticket_id: str, *, viewer: User | None = None) -> TicketView:
        """The ticket with its clocks read now under its SLA policy."""
        now = self.clock.now()
        _, desk = await self.policies.current()
        async with self.uow() as uow:
            ticket = await uow.tickets.get(ticket_id)
        _check_viewer(viewer, ticket)
        policy = sla_policy_of(ticket, desk)
        status = sla_status(ticket, policy, now=now)
        index = (
            index_status(ticket, status, policy, now=now)
            if ticket.status.is_live
            else TicketIndex()
        )
        return TicketView(ticket=ticket, status=status, index=index, policy=policy.name, now=now)

    async def list(
        self, filter: TicketFilter, *, limit: int = 50, viewer: User | None = None
    ) -> Sequence[TicketSummary]:
        """Tickets matching *filter*, newest first; an agent sees their departments only."""
        if not 1 <= limit <= MAX_TICKET_LIST:
            raise ValidationError(f"limit must be between 1 and {MAX_TICKET_LIST}", field="limit")
        async with self.uow() as uow:
            return await uow.tickets.list(_scope(viewer, filter), limit=limit)

    async def revisit(self, uow: UnitOfWork, ticket: Ticket, *, now: datetime) -> Settled:
        """Run *ticket* through the clocks and rules at *now* and save it (the monitor's step)."""
        _, desk = await self.policies.current()
        settled = await settle(uow, ticket, desk=desk, notifier=self.notifier, now=now)
        saved = await uow.tickets.save(settled.ticket, settled.index, at=now)
        return attrs.evolve(settled, ticket=saved)
