"""Steps every assignment change shares: the ticket mirror, loads, the away rule, retries.

Each runs inside the caller's unit of work, so the assignment, the ticket's timeline, the
recounted loads and the audit entries commit together.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, TypeVar

import attrs

from lia_core.assignment import events
from lia_core.assignment.policy import AssignmentPolicy, AwayRule
from lia_core.desk.commands import Reassign
from lia_core.domain.activity import Activity, Actor
from lia_core.domain.agents import AgentProfile
from lia_core.domain.assignments import Assignment, OfferStatus
from lia_core.errors import ConcurrencyConflict
from lia_core.escalation.errors import NothingToChange
from lia_core.ports import Clock, IdGenerator, UnitOfWork, UnitOfWorkFactory

if TYPE_CHECKING:  # the desk's service reads the assignment policy: no import cycle at run time
    from lia_core.desk.service import Desk

__all__ = [
    "ATTEMPTS",
    "Context",
    "Welcome",
    "cancel_offer",
    "mirror",
    "record",
    "retrying",
    "return_held",
]

ATTEMPTS = 5
"""Tries of one change when a row it read moved meanwhile (re-read, re-decide each time)."""

T = TypeVar("T")


class Welcome(Protocol):
    """Greets the customer of a conversation an agent just took (`services.replies`)."""

    async def welcome(
        self,
        uow: UnitOfWork,
        conversation_id: str,
        agent: str,
        actor: Actor,
        *,
        now: datetime,
    ) -> object:
        """Queue the greeting in *uow* (the caller commits), or nothing when there is none."""
        ...


@attrs.frozen
class Context:
    """What the assignment use cases share: storage, time, ids, the desk and the policy."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    desk: Desk
    policy: AssignmentPolicy
    welcome: Welcome | None = None
    """Sends the `agent_welcome` canned response when an agent takes a conversation."""


async def record(
    uow: UnitOfWork,
    ids: IdGenerator,
    actor: Actor,
    *,
    at: datetime,
    action: str,
    entity: str,
    entity_id: str,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
) -> None:
    """The audit entry of *actor* doing *action*, in *uow* (as `services.activity.record`,
    which this package cannot import: the services import it)."""
    await uow.activity.add(
        Activity.of(
            actor,
            id=ids.new_id(),
            at=at,
            action=action,
            entity=entity,
            entity_id=entity_id,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
        )
    )


async def retrying(change: Callable[[], Awaitable[T]]) -> T:
    """Run *change* again (it re-reads and re-decides) while a row it read moved meanwhile.

    A claim that loses to another claim is then refused by the rule (already assigned),
    not by the conflict; a conflict with a background writer (the offer tick, the SLA
    monitor on the ticket) just costs another try.
    """
    for _ in range(ATTEMPTS - 1):
        try:
            return await change()
        except ConcurrencyConflict:
            continue
    return await change()


async def mirror(
    uow: UnitOfWork, desk: Desk, assignment: Assignment, *, by: str, reason: str, now: datetime
) -> None:
    """Show the assignment on the conversation's live ticket (a Reassign on its timeline)."""
    cid = assignment.conversation_id
    ticket = (await uow.tickets.live_for_conversations({cid})).get(cid)
    if ticket is None:
        return
    command = Reassign(
        reason=reason,
        assignee=assignment.assignee,
        department=assignment.department if assignment.department != ticket.department else None,
    )
    try:
        changed = command.apply(ticket, by=by, at=now)
    except NothingToChange:
        return
    await desk.revisit(uow, changed, now=now)


async def cancel_offer(uow: UnitOfWork, assignment: Assignment, *, now: datetime) -> str | None:
    """Cancel the assignment's pending offer (someone took it another way); its agent, if any."""
    if assignment.offer_id is None:
        return None
    offer = await uow.offers.get(assignment.offer_id)
    assignment.offer_id = None
    if offer.status is not OfferStatus.PENDING:
        return None
    offer.decide(OfferStatus.CANCELED, at=now)
    await uow.offers.decide_many([offer])
    return offer.agent


async def return_held(
    ctx: Context,
    uow: UnitOfWork,
    profile: AgentProfile,
    actor: Actor,
    *,
    now: datetime,
) -> list[Assignment]:
    """Apply the away rule to an agent gone away or offline: with ``return``, every open
    conversation they hold goes back to its queue, each with an audit entry."""
    if ctx.policy.on_away is not AwayRule.RETURN or not profile.status.absent:
        return []
    held = list(await uow.assignments.held_by(profile.username))
    reason = f"{profile.username} is {profile.status.value}"
    for assignment in held:
        assignment.enqueue(at=now, reason=reason)
    await uow.assignments.save_many(held)
    for assignment in held:
        uow.events.publish(events.released(assignment, at=now, previous=profile.username))
        await mirror(uow, ctx.desk, assignment, by=actor.name, reason=reason, now=now)
        await record(
            uow,
            ctx.ids,
            actor,
            at=now,
            action="conversation.return",
            entity="conversation",
            entity_id=assignment.conversation_id,
            from_state=profile.username,
            to_state=f"queue:{assignment.department}",
            reason=reason,
        )
    if held:
        await uow.agents.recount([profile.username])
    return held


def names(*agents: str | None) -> Iterable[str]:
    """The agents named, without the Nones."""
    return [a for a in agents if a is not None]
