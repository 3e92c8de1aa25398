"""Use cases of the desk policy: load a revision, show one, list them; and `DeskPolicySource`,
the current policy as serve and the worker read it (cached, re-checked every few seconds)."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import datetime, timedelta

import attrs

from lia_core.desk.explain import Explanation, explain_rules
from lia_core.desk.policy import DeskPolicy, DeskPolicyRevision, builtin_desk_policy
from lia_core.desk.policy_file import DeskPolicyFileError
from lia_core.desk.service import PolicySource
from lia_core.desk.settle import evaluation_facts, sla_policy_of
from lia_core.domain.activity import Activity, Actor
from lia_core.errors import AlreadyExists, ConcurrencyConflict, ValidationError
from lia_core.ports import Clock, IdGenerator, UnitOfWorkFactory
from lia_core.sla.clock import sla_status
from lia_core.sla.readings import SlaState, worst_state

__all__ = [
    "DEFAULT_POLICY_REFRESH",
    "MAX_POLICY_CHARS",
    "CurrentDeskPolicy",
    "DeskPolicyHistoryHandler",
    "DeskPolicySource",
    "ExplainTicketHandler",
    "LoadDeskPolicy",
    "LoadDeskPolicyHandler",
    "LoadedDeskPolicy",
    "ShowDeskPolicyHandler",
    "TicketExplanation",
]

DEFAULT_POLICY_REFRESH = timedelta(seconds=5)
"""How stale a process's desk policy may be: the issue's "within 5 seconds, no restart"."""
MAX_POLICY_CHARS = 1_000_000
"""The longest desk-policy document accepted (a real one is a few kilobytes)."""
MAX_FILENAME_CHARS = 255
_ATTEMPTS = 3


def _digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


@attrs.frozen(kw_only=True)
class LoadDeskPolicy:
    """Validate a desk-policy document and, unless *dry_run*, store it as the next revision."""

    source: str
    actor: Actor
    filename: str | None = None
    dry_run: bool = False


@attrs.frozen(kw_only=True)
class LoadedDeskPolicy:
    """What a load did: the policy read, and the revision stored (None on a dry run)."""

    policy: DeskPolicy
    revision: DeskPolicyRevision | None
    digest: str


@attrs.frozen(kw_only=True)
class CurrentDeskPolicy:
    """A stored revision (None: none loaded, the built-in applies), its source and its policy."""

    revision: DeskPolicyRevision | None
    source: str
    policy: DeskPolicy


@attrs.frozen
class LoadDeskPolicyHandler:
    """Validate, then store revision N+1 with who, when, the file name and the SHA-256 digest."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    timezone: str

    def _check(self, cmd: LoadDeskPolicy) -> DeskPolicy:
        if len(cmd.source) > MAX_POLICY_CHARS:
            raise ValidationError(
                f"a desk policy has at most {MAX_POLICY_CHARS} characters", field="source"
            )
        if cmd.filename is not None and len(cmd.filename) > MAX_FILENAME_CHARS:
            raise ValidationError(
                f"a file name has at most {MAX_FILENAME_CHARS} characters", field="filename"
            )
        return DeskPolicy.from_toml(
            cmd.source, source=cmd.filename or "<policy>", timezone=self.timezone
        )

    async def __call__(self, cmd: LoadDeskPolicy) -> LoadedDeskPolicy:
        """The policy and its stored revision; DeskPolicyFileError listing every fault."""
        policy = self._check(cmd)
        digest = _digest(cmd.source)
        if cmd.dry_run:
            return LoadedDeskPolicy(policy=policy, revision=None, digest=digest)
        for attempt in range(_ATTEMPTS):
            try:
                revision = await self._store(cmd, digest)
            except (AlreadyExists, ConcurrencyConflict):
                # Another load took the number between our read and our insert: take the next.
                if attempt == _ATTEMPTS - 1:
                    raise
                continue
            return LoadedDeskPolicy(policy=policy, revision=revision, digest=digest)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _store(self, cmd: LoadDeskPolicy, digest: str) -> DeskPolicyRevision:
        now = self.clock.now()
        async with self.uow() as uow:
            number = (await uow.desk_policies.latest_number() or 0) + 1
            revision = DeskPolicyRevision(
                revision=number,
                source=cmd.source,
                digest=digest,
                loaded_by=cmd.actor.name,
                loaded_at=now,
                filename=cmd.filename,
            )
            await uow.desk_policies.add(revision)
            await uow.activity.add(
                Activity.of(
                    cmd.actor,
                    id=self.ids.new_id(),
                    at=now,
                    action="rules.load",
                    entity="rules",
                    entity_id=str(number),
                    from_state=str(number - 1) if number > 1 else None,
                    to_state=str(number),
                    details={"digest": digest, "filename": cmd.filename or ""},
                )
            )
            await uow.commit()
        return revision


@attrs.frozen
class ShowDeskPolicyHandler:
    """One revision (the latest by default) with its policy; the built-in when none is stored."""

    uow: UnitOfWorkFactory
    timezone: str

    async def __call__(self, revision: int | None = None) -> CurrentDeskPolicy:
        """Raises NotFound for an unknown *revision*."""
        async with self.uow() as uow:
            stored = (
                await uow.desk_policies.latest()
                if revision is None
                else await uow.desk_policies.get(revision)
            )
        if stored is None:
            builtin = builtin_desk_policy(self.timezone)
            return CurrentDeskPolicy(revision=None, source=builtin.to_toml(), policy=builtin)
        policy = DeskPolicy.from_toml(
            stored.source, source=f"revision {stored.revision}", timezone=self.timezone
        )
        return CurrentDeskPolicy(revision=stored, source=stored.source, policy=policy)


@attrs.frozen
class DeskPolicyHistoryHandler:
    """Stored revisions, newest first."""

    uow: UnitOfWorkFactory

    async def __call__(self, limit: int = 50) -> tuple[DeskPolicyRevision, ...]:
        """At most *limit* (1 to 1000) revisions."""
        if not 1 <= limit <= 1000:
            raise ValidationError("limit must be between 1 and 1000", field="limit")
        async with self.uow() as uow:
            return tuple(await uow.desk_policies.history(limit))


@attrs.frozen(kw_only=True)
class TicketExplanation:
    """Why the desk policy's rules match a ticket or not, and what they would do now."""

    ticket_id: str
    revision: int | None
    """The desk-policy revision explained (None: the built-in policy)."""
    sla_policy: str
    """The SLA policy the ticket gets."""
    sla_state: SlaState | None
    """The most urgent running clock's state (None: no clock running)."""
    explanation: Explanation
    at: datetime


@attrs.frozen
class ExplainTicketHandler:
    """`lia rules explain`: the policy in force checked against one ticket, changing nothing."""

    uow: UnitOfWorkFactory
    clock: Clock
    policies: PolicySource

    async def __call__(self, ticket_id: str) -> TicketExplanation:
        """Raises NotFound for an unknown ticket."""
        now = self.clock.now()
        revision, desk = await self.policies.current()
        async with self.uow() as uow:
            ticket = await uow.tickets.get(ticket_id)
            policy = sla_policy_of(ticket, desk)
            status = sla_status(ticket, policy, now=now)
            facts = await evaluation_facts(uow, ticket, status, desk, now=now)
        return TicketExplanation(
            ticket_id=ticket.id,
            revision=revision,
            sla_policy=policy.name,
            sla_state=worst_state(status),
            explanation=explain_rules(desk.rules, facts),
            at=now,
        )


@attrs.define
class DeskPolicySource:
    """The desk policy in force, as every replica and worker reads it.

    Cached: the latest revision number is read again at most every *refresh* (a cheap
    query), and a new revision is parsed once. With none stored, the built-in policy in
    *timezone* applies. Take it as a dependency (ticket services, the SLA monitor) and call
    `current()` where the policy is needed.
    """

    uow: UnitOfWorkFactory
    clock: Clock
    timezone: str
    refresh: timedelta = DEFAULT_POLICY_REFRESH
    _number: int | None = attrs.field(default=None, init=False)
    _policy: DeskPolicy | None = attrs.field(default=None, init=False)
    _checked_at: datetime | None = attrs.field(default=None, init=False)
    _lock: asyncio.Lock = attrs.field(factory=asyncio.Lock, init=False)

    async def current(self) -> tuple[int | None, DeskPolicy]:
        """The revision number in force (None: the built-in) and its policy."""
        now = self.clock.now()
        if self._fresh(now):
            assert self._policy is not None
            return self._number, self._policy
        async with self._lock:
            if not self._fresh(now):  # another caller may have refreshed while we waited
                await self._reload(now)
            assert self._policy is not None
            return self._number, self._policy

    def _fresh(self, now: datetime) -> bool:
        return (
            self._policy is not None
            and self._checked_at is not None
            and timedelta(0) <= now - self._checked_at < self.refresh
        )

    async def _reload(self, now: datetime) -> None:
        async with self.uow() as uow:
            number = await uow.desk_policies.latest_number()
            if self._policy is not None and number == self._number:
                self._checked_at = now
                return
            stored = await uow.desk_policies.get(number) if number is not None else None
        if stored is None:
            self._number, self._policy = None, builtin_desk_policy(self.timezone)
        else:
            try:
                policy = attrs.evolve(
                    DeskPolicy.from_toml(
                        stored.source, source=f"revision {stored.revision}", timezone=self.timezone
                    ),
                    revision=stored.revision,
                )
            except DeskPolicyFileError:
                # Stored revisions were valid when loaded; one this code no longer reads leaves
                # the policy in force (or the built-in) until a readable revision is loaded.
                policy = self._policy or builtin_desk_policy(self.timezone)
                number = self._number
            self._number, self._policy = number, policy
        self._checked_at = now
