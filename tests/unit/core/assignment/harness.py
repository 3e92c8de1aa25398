"""A desk of agents over the in-memory store, at a fixed clock: accounts, queued conversations."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_core.assignment import AssignmentPolicy
from lia_core.domain.activity import Actor
from lia_core.domain.assignments import Assignment
from lia_core.domain.tickets import Priority
from lia_core.domain.users import Role, User
from lia_core.ports import UnitOfWorkFactory
from lia_core.services import Services

T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
ADMIN = Actor(name="admin")


@attrs.define
class Shift:
    """Services over one store and clock."""

    store: InMemoryStore
    clock: FixedClock
    services: Services

    @property
    def uow(self) -> UnitOfWorkFactory:
        """Units of work over the store."""
        return self.store.unit_of_work


def shift(policy: AssignmentPolicy | None = None, *, uow: UnitOfWorkFactory | None = None) -> Shift:
    """A fresh store, a clock at T0 and the services with *policy*."""
    store = InMemoryStore()
    clock = FixedClock(T0)
    services = Services.build(
        uow=uow or store.unit_of_work,
        clock=clock,
        ids=SequentialIds(),
        hasher=PlainTextHasher(),
        assignment_policy=policy,
    )
    return Shift(store=store, clock=clock, services=services)


async def add_user(
    uow: UnitOfWorkFactory,
    name: str,
    *,
    role: Role = Role.AGENT,
    departments: tuple[str, ...] = ("support",),
) -> None:
    """An active account in *departments*."""
    async with uow() as tx:
        await tx.users.add(
            User(
                id=f"u-{name}",
                username=name,
                role=role,
                password_hash="x",
                created_at=T0,
                departments=frozenset(departments),
            )
        )
        await tx.commit()


async def queue(
    uow: UnitOfWorkFactory,
    *ids: str,
    department: str = "support",
    at: datetime = T0,
    priority: Priority = Priority.MEDIUM,
    vip: bool = False,
) -> None:
    """Conversations waiting in *department*'s queue since *at*."""
    async with uow() as tx:
        await tx.assignments.save_many(
            [
                Assignment(
                    conversation_id=cid,
                    department=department,
                    priority=priority,
                    vip=vip,
                    waiting_since=at,
                    reason="pediu atendente",
                    updated_at=at,
                )
                for cid in ids
            ]
        )
        await tx.commit()
