"""Staff notifications: `notify-user` outbox jobs to the supervisors and admins of a department."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import attrs

from lia_core.desk.policy import BUILTIN_CHANNELS, DeskPolicy
from lia_core.domain.delivery import Channel, JobContext, JobName, MessageContent
from lia_core.domain.jobs import new_job
from lia_core.domain.recipients import Phone, PushToken, Recipient
from lia_core.domain.tickets import Ticket
from lia_core.domain.users import Role, User
from lia_core.ports import IdGenerator, UnitOfWork

__all__ = ["OutboxStaffNotifier", "StaffNotifier", "alert_text"]

_STAFF = frozenset({Role.SUPERVISOR, Role.ADMIN})
_TITLES = {
    "ticket-escalation": "Ticket escalado",
    "ticket-priority-high": "Ticket com prioridade alta",
    "sla-alert": "Alerta de SLA",
}


class StaffNotifier(Protocol):
    """Queues a notification policy's messages about a ticket to the staff who must know."""

    async def notify(
        self,
        uow: UnitOfWork,
        ticket: Ticket,
        *,
        policy: str,
        cause: str,
        now: datetime,
        desk: DeskPolicy,
    ) -> int:
        """Queue the messages in *uow* (once per policy, cause, reopening and user); how many."""
        ...


def alert_text(ticket: Ticket, *, policy: str, cause: str) -> str:
    """The pt-BR message staff receive (no customer phone: the ticket id leads to it)."""
    title = _TITLES.get(policy, f"Aviso ({policy})")
    return (
        f"{title}: ticket {ticket.id} ({ticket.department}, {ticket.level}, "
        f"prioridade {ticket.priority.value}) — {cause}. {ticket.subject}".strip()
    )


def _covers(user: User, department: str) -> bool:
    """Supervisors and admins of the department; an empty department list covers them all."""
    departments: frozenset[str] = getattr(user, "departments", frozenset())
    return user.is_active and user.role in _STAFF and (not departments or department in departments)


def _reach(user: User, channels: tuple[Channel, ...]) -> tuple[Channel, Recipient] | None:
    """The first channel of *channels* the user can be reached on, and where."""
    phone: Phone | None = getattr(user, "phone", None)
    token: str | None = getattr(user, "push_token", None)
    for channel in channels:
        if channel is Channel.PUSH and token:
            return channel, PushToken(token)
        if channel is not Channel.PUSH and phone is not None:
            return channel, phone
    return None


@attrs.frozen
class OutboxStaffNotifier:
    """Queues one `notify-user` job per reachable supervisor and admin of the department."""

    ids: IdGenerator

    async def notify(
        self,
        uow: UnitOfWork,
        ticket: Ticket,
        *,
        policy: str,
        cause: str,
        now: datetime,
        desk: DeskPolicy,
    ) -> int:
        """Queue the jobs; a user with no contact on the policy's channels is skipped."""
        channels = desk.channels.get(policy) or BUILTIN_CHANNELS["sla-alert"]
        text = alert_text(ticket, policy=policy, cause=cause)
        queued = 0
        for user in await uow.users.list():
            if not _covers(user, ticket.department):
                continue
            reach = _reach(user, channels)
            if reach is None:
                continue
            channel, recipient = reach
            key = f"desk:{policy}:{ticket.id}:{cause}:{ticket.cycle}:{user.username}"
            job = new_job(
                job_id=self.ids.new_id(),
                job_name=JobName.NOTIFY_USER,
                channel=channel,
                recipient=recipient,
                content=MessageContent(text=text),
                context=JobContext(source="desk", correlation_id=ticket.id),
                idempotency_key=key,
                now=now,
            )
            if await uow.outbox.add(job):
                queued += 1
        return queued
