"""Staff notifications: `notify-user` outbox jobs to the supervisors and admins of a department.

For a ticket and a notification policy (`ticket-escalation`, `ticket-priority-high`,
`sla-alert`, or one the desk policy declares), each active SUPERVISOR and ADMIN whose
departments include the ticket's — or who lists no department: they oversee every one — gets
one job on the first channel of the policy's matrix (`DeskPolicy.channels[policy]`) they can
be reached on: a phone for WhatsApp, Evolution and SMS, a device token for push; the sandbox
reaches everyone. The job's idempotency key is unique per (policy, ticket, cause, reopening,
user), so a retried transaction or a second monitor never queues a second message. The text
is pt-BR and shows the customer's phone masked.

A user whose contact cannot make a job (a malformed phone or token) is reported to the
observer (`desk.alert_failed` in the logs) and skipped; the others are still notified. A
storage failure is not swallowed: it aborts the transaction, so the SLA event and its jobs
are committed together or not at all, and the monitor tries again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import attrs

from lia_core.desk.policy import BUILTIN_CHANNELS, DeskPolicy
from lia_core.domain.delivery import Channel, JobContext, JobName, MessageContent, OutboundJob
from lia_core.domain.jobs import new_job
from lia_core.domain.recipients import Phone, ProviderIdentity, PushToken, Recipient
from lia_core.domain.tickets import Ticket
from lia_core.domain.users import Role, User
from lia_core.errors import ValidationError
from lia_core.ports import IdGenerator, UnitOfWork

__all__ = [
    "DIGEST_AFTER",
    "DIGEST_LISTS",
    "About",
    "AlertObserver",
    "BatchedStaffNotifier",
    "OutboxStaffNotifier",
    "StaffNotifier",
    "alert_key",
    "alert_text",
    "covers",
    "digest_text",
    "mask_contact",
    "reach",
]

_STAFF = frozenset({Role.SUPERVISOR, Role.ADMIN})
_PHONE_CHANNELS = frozenset({Channel.WHATSAPP, Channel.EVOLUTION, Channel.SMS})
_TITLES = {
    "ticket-escalation": "Ticket escalado",
    "ticket-priority-high": "Ticket com prioridade alta",
    "sla-alert": "Alerta de SLA",
}
_CLOCKS = {"first_response": "primeira resposta", "resolution": "resolução"}
_STATES = {"warning": "perto do prazo", "breached": "prazo estourado"}
_MAX_KEY = 640
"""The outbox's idempotency key column width: longer keys are hashed."""


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


class AlertObserver(Protocol):
    """Told about an alert that could not be queued (entrypoints log `desk.alert_failed`)."""

    def alert_failed(self, *, ticket_id: str, policy: str, username: str, error: str) -> None:
        """*username* was not notified about *ticket_id* under *policy*, because of *error*."""
        ...


@attrs.frozen
class _Unobserved:
    def alert_failed(self, *, ticket_id: str, policy: str, username: str, error: str) -> None:
        """Nobody listens."""


def mask_contact(ticket: Ticket) -> str | None:
    """The customer's contact as staff may read it in a message: ``5521*******88``."""
    if ticket.contact is None:
        return None
    raw = str(ticket.contact)
    if isinstance(ticket.contact, Phone) and len(raw) > 6:
        return raw[:4] + "*" * (len(raw) - 6) + raw[-2:]
    return raw[:3] + "***"


def _cause_text(cause: str) -> str:
    """``resolution-breached`` → "resolução: prazo estourado"; ``rule:x`` → "regra x"."""
    if cause.startswith("rule:"):
        return f"regra {cause.removeprefix('rule:')}"
    clock, _, state = cause.rpartition("-")
    if clock in _CLOCKS and state in _STATES:
        return f"{_CLOCKS[clock]}: {_STATES[state]}"
    return cause


def alert_text(ticket: Ticket, *, policy: str, cause: str) -> str:
    """The pt-BR message staff receive (the customer's phone masked; the ticket id leads to it)."""
    title = _TITLES.get(policy, f"Aviso ({policy})")
    contact = mask_contact(ticket)
    who = f", cliente {contact}" if contact else ""
    text = (
        f"{title}: ticket {ticket.id} ({ticket.department}, {ticket.level.value}, "
        f"prioridade {ticket.priority.value}{who}) — {_cause_text(cause)}."
    )
    return f"{text} {ticket.subject}".strip() if ticket.subject else text


def covers(user: User, department: str) -> bool:
    """An active supervisor or admin of *department*; one listing no department oversees all."""
    if not user.is_active or user.role not in _STAFF:
        return False
    return not user.departments or department in user.departments


def _recipient(user: User, channel: Channel) -> Recipient | None:
    if channel is Channel.PUSH:
        return PushToken(user.push_token) if user.push_token else None
    if channel in _PHONE_CHANNELS:
        return user.phone
    # The sandbox delivers to anyone: the phone when there is one, else the account itself.
    return user.phone if user.phone is not None else ProviderIdentity(f"{user.username}@lia")


def reach(user: User, channels: Sequence[Channel]) -> tuple[Channel, Recipient] | None:
    """The first channel of *channels* the user can be reached on, and where; None if none."""
    for channel in channels:
        recipient = _recipient(user, channel)
        if recipient is not None:
            return channel, recipient
    return None


def alert_key(ticket: Ticket, *, policy: str, cause: str, username: str) -> str:
    """The job's idempotency key: one per (policy, ticket, cause, reopening, user)."""
    return _key(ticket.id, ticket.cycle, policy=policy, cause=cause, username=username)


def _key(ticket_id: str, cycle: int, *, policy: str, cause: str, username: str) -> str:
    key = f"desk:{policy}:{ticket_id}:{cause}:{cycle}:{username}"
    if len(key) <= _MAX_KEY:
        return key
    return f"desk:{hashlib.sha256(key.encode()).hexdigest()}"


@attrs.frozen(kw_only=True)
class About:
    """What a staff message needs of its ticket: id, department, reopening cycle and text."""

    ticket_id: str
    department: str
    cycle: int
    text: str


@attrs.frozen
class OutboxStaffNotifier:
    """Queues one `notify-user` job per reachable supervisor and admin of the department."""

    ids: IdGenerator
    observer: AlertObserver = attrs.field(factory=_Unobserved)

    def _job(
        self,
        about: About,
        user: User,
        channels: Sequence[Channel],
        *,
        policy: str,
        cause: str,
        now: datetime,
    ) -> OutboundJob | None:
        found = reach(user, channels)
        if found is None:
            return None
        channel, recipient = found
        # Later channels that take the same address are the dispatcher's fallbacks.
        fallbacks = tuple(
            c for c in channels if c is not channel and _recipient(user, c) == recipient
        )
        key = _key(about.ticket_id, about.cycle, policy=policy, cause=cause, username=user.username)
        return new_job(
            job_id=self.ids.new_id(),
            job_name=JobName.NOTIFY_USER,
            channel=channel,
            recipient=recipient,
            content=MessageContent(text=about.text),
            context=JobContext(source="desk", correlation_id=about.ticket_id),
            idempotency_key=key,
            now=now,
            fallback_channels=fallbacks,
        )

    def jobs(
        self,
        ticket: Ticket,
        staff: Sequence[User],
        *,
        policy: str,
        cause: str,
        now: datetime,
        desk: DeskPolicy,
    ) -> list[OutboundJob]:
        """The jobs for the covered, reachable users of *staff* (the others are reported)."""
        about = About(
            ticket_id=ticket.id,
            department=ticket.department,
            cycle=ticket.cycle,
            text=alert_text(ticket, policy=policy, cause=cause),
        )
        return self.jobs_about(about, staff, policy=policy, cause=cause, now=now, desk=desk)

    def jobs_about(
        self,
        about: About,
        staff: Sequence[User],
        *,
        policy: str,
        cause: str,
        now: datetime,
        desk: DeskPolicy,
    ) -> list[OutboundJob]:
        """As `jobs`, for a ticket known only by what the message needs (a planned visit)."""
        channels = desk.channels.get(policy) or BUILTIN_CHANNELS["sla-alert"]
        jobs: list[OutboundJob] = []
        for user in staff:
            if not covers(user, about.department):
                continue
            try:
                job = self._job(about, user, channels, policy=policy, cause=cause, now=now)
            except ValidationError as exc:  # this user's contact; the others still get theirs
                self.observer.alert_failed(
                    ticket_id=about.ticket_id,
                    policy=policy,
                    username=user.username,
                    error=str(exc),
                )
                continue
            if job is None:
                self.observer.alert_failed(
                    ticket_id=about.ticket_id,
                    policy=policy,
                    username=user.username,
                    error="no contact on the policy's channels",
                )
                continue
            jobs.append(job)
        return jobs

    def digest(
        self,
        items: Sequence[tuple[About, str]],
        user: User,
        *,
        policy: str,
        now: datetime,
        desk: DeskPolicy,
    ) -> list[OutboundJob]:
        """One job telling *user* about every (ticket, cause) of *items* at once."""
        keys = sorted(f"{about.ticket_id}:{cause}:{about.cycle}" for about, cause in items)
        digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()
        about = About(
            ticket_id=items[0][0].ticket_id,
            department=items[0][0].department,
            cycle=0,
            text=digest_text(policy, items),
        )
        channels = desk.channels.get(policy) or BUILTIN_CHANNELS["sla-alert"]
        try:
            job = self._job(about, user, channels, policy=policy, cause=f"digest-{digest}", now=now)
        except ValidationError as exc:
            self.observer.alert_failed(
                ticket_id=about.ticket_id, policy=policy, username=user.username, error=str(exc)
            )
            return []
        if job is None:
            self.observer.alert_failed(
                ticket_id=about.ticket_id,
                policy=policy,
                username=user.username,
                error="no contact on the policy's channels",
            )
            return []
        return [attrs.evolve(job, context=JobContext(source="desk", correlation_id=None))]

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
        staff = await uow.users.list()
        jobs = self.jobs(ticket, staff, policy=policy, cause=cause, now=now, desk=desk)
        # One statement for every recipient; known keys (a retry) are skipped, not counted.
        return await uow.outbox.add_many(jobs) if jobs else 0


DIGEST_AFTER = 5
"""Notifications of one policy for one staff member in one monitor batch beyond which they
get a single digest message instead (an outage can put hundreds of tickets past a threshold
within seconds: nobody reads hundreds of WhatsApp messages, and providers throttle them)."""
DIGEST_LISTS = 10
"""Tickets a digest names; it counts the rest."""


@attrs.frozen(kw_only=True)
class _Staged:
    about: About
    policy: str
    cause: str


def digest_text(policy: str, staged: Sequence[tuple[About, str]]) -> str:
    """The pt-BR digest: how many tickets, the first DIGEST_LISTS with their causes."""
    title = _TITLES.get(policy, f"Aviso ({policy})")
    shown = ", ".join(
        f"{about.ticket_id} ({_cause_text(cause)})" for about, cause in staged[:DIGEST_LISTS]
    )
    more = len(staged) - DIGEST_LISTS
    rest = f" e mais {more}" if more > 0 else ""
    return f"{title}: {len(staged)} tickets — {shown}{rest}."


@attrs.define
class BatchedStaffNotifier:
    """Stages the notifications of many tickets (the monitor's batch), queued in one statement.

    `flush`, in the same unit of work before it commits, reads the staff once and queues, per
    staff member and policy, one job per notification — or, beyond DIGEST_AFTER, one digest
    naming the tickets (its idempotency key covers exactly those notifications, so a retried
    batch queues it once); *digest_after* is `LIA_DESK__ALERT_DIGEST_AFTER`. `notify` and `stage_about` return how many notifications they staged.
    """

    outbox: OutboxStaffNotifier
    digest_after: int = DIGEST_AFTER
    staged: list[_Staged] = attrs.Factory(list)
    _now: datetime | None = None
    _desk: DeskPolicy | None = None

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
        """Stage one notification about *ticket*."""
        about = About(
            ticket_id=ticket.id,
            department=ticket.department,
            cycle=ticket.cycle,
            text=alert_text(ticket, policy=policy, cause=cause),
        )
        return await self.stage_about(uow, about, policy=policy, cause=cause, now=now, desk=desk)

    async def stage_about(
        self,
        uow: UnitOfWork,
        about: About,
        *,
        policy: str,
        cause: str,
        now: datetime,
        desk: DeskPolicy,
    ) -> int:
        """Stage one notification about a ticket known by *about* (a planned visit)."""
        return self.stage(about, policy=policy, cause=cause, now=now, desk=desk)

    def stage(
        self, about: About, *, policy: str, cause: str, now: datetime, desk: DeskPolicy
    ) -> int:
        """`stage_about` without the coroutine (the monitor stages a thousand at once)."""
        self.staged.append(_Staged(about=about, policy=policy, cause=cause))
        self._now, self._desk = now, desk
        return 1

    async def flush(self, uow: UnitOfWork) -> int:
        """Queue what was staged (known idempotency keys skipped); how many jobs were new."""
        staged, self.staged = self.staged, []
        if not staged or self._now is None or self._desk is None:
            return 0
        now, desk = self._now, self._desk
        jobs: list[OutboundJob] = []
        departments = {item.about.department for item in staged}
        for user in await uow.users.list():
            if not user.is_active or user.role not in _STAFF:
                continue
            # Whom a user covers is asked once per department, not once per notification.
            theirs = {d for d in departments if covers(user, d)}
            mine: dict[str, list[_Staged]] = {}
            for item in staged:
                if item.about.department in theirs:
                    mine.setdefault(item.policy, []).append(item)
            for policy, items in mine.items():
                if len(items) > self.digest_after:
                    jobs += self.outbox.digest(
                        [(i.about, i.cause) for i in items],
                        user,
                        policy=policy,
                        now=now,
                        desk=desk,
                    )
                    continue
                for item in items:
                    jobs += self.outbox.jobs_about(
                        item.about, [user], policy=policy, cause=item.cause, now=now, desk=desk
                    )
        return await uow.outbox.add_many(jobs) if jobs else 0
