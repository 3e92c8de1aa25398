"""Claim, release, transfer, assign, and answer an offer: one conditional write each.

Every change re-reads the assignment and decides again if a row it read moved meanwhile
(`moves.retrying`), so of two agents claiming at once the second finds the conversation
taken and is refused (InvalidTransition → HTTP 409), and no background writer's change is
lost. The ticket's timeline shows each move (`moves.mirror`) and the loads of the agents
involved are recounted from the assignments in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from lia_core.assignment import events
from lia_core.assignment.moves import Context, cancel_offer, mirror, names, record, retrying
from lia_core.domain.activity import Actor
from lia_core.domain.assignments import Assignment, AssignmentState, Offer, OfferStatus
from lia_core.domain.realtime import RealtimeEvent
from lia_core.domain.users import Role, User, validate_username
from lia_core.errors import InvalidTransition, NotPermitted, ValidationError
from lia_core.ports import UnitOfWork
from lia_core.validation import require_text

__all__ = ["AnswerOffer", "Assign", "Claim", "Claims", "Release", "Transfer"]

_MANAGERS = frozenset({Role.ADMIN, Role.SUPERVISOR})


@attrs.frozen(kw_only=True)
class Claim:
    """*agent* takes the conversation from the queue (no presence needed)."""

    conversation_id: str
    agent: str
    actor: Actor


@attrs.frozen(kw_only=True)
class Release:
    """*by* (its holder or a manager) puts the conversation back in its queue."""

    conversation_id: str
    by: str
    actor: Actor
    reason: str | None = None


@attrs.frozen(kw_only=True)
class Transfer:
    """*by* (its holder or a manager) hands it to an agent, a department's queue, or an agent in
    another department (both given); the reason is required."""

    conversation_id: str
    by: str
    actor: Actor
    reason: str
    to_agent: str | None = None
    to_department: str | None = None


@attrs.frozen(kw_only=True)
class Assign:
    """A supervisor (or admin) *by* gives the conversation to *agent*."""

    conversation_id: str
    agent: str
    by: str
    actor: Actor
    reason: str | None = None


@attrs.frozen(kw_only=True)
class AnswerOffer:
    """The offered agent accepts (or rejects) an offer."""

    offer_id: str
    agent: str
    accept: bool
    actor: Actor


def _refuse(assignment: Assignment, action: str) -> InvalidTransition:
    state = assignment.state
    status = f"assigned to {assignment.assignee}" if state is AssignmentState.ASSIGNED else state
    return InvalidTransition(
        entity="conversation",
        entity_id=assignment.conversation_id,
        action=action,
        status=str(status),
    )


async def _active(uow: UnitOfWork, username: str, field: str) -> User:
    user = await uow.users.get_by_username(validate_username(username))
    if not user.is_active:
        raise ValidationError(f"account {user.username!r} is disabled", field=field)
    return user


def _may_hold(user: User, assignment: Assignment) -> None:
    """An agent works in their own departments only; managers anywhere."""
    if user.role is Role.AGENT and assignment.department not in user.departments:
        raise NotPermitted(
            f"{user.username} is not in department {assignment.department!r}",
            entity="conversation",
            entity_id=assignment.conversation_id,
        )


def _may_move(user: User, assignment: Assignment, action: str) -> None:
    """Release and transfer: the holder, or a manager."""
    if user.role in _MANAGERS or assignment.assignee == user.username:
        return
    raise NotPermitted(
        f"only its agent or a supervisor may {action} conversation {assignment.conversation_id}",
        entity="conversation",
        entity_id=assignment.conversation_id,
    )


@attrs.frozen
class Claims:
    """Claims, releases, transfers, assignments and offer answers (`services.claims`)."""

    ctx: Context

    def _return_due(self, now: datetime) -> datetime | None:
        after = self.ctx.policy.return_after
        return now + after if after is not None else None

    async def _finish(
        self,
        uow: UnitOfWork,
        assignment: Assignment,
        actor: Actor,
        *,
        action: str,
        before: str,
        reason: str,
        now: datetime,
        agents: list[str],
        event: RealtimeEvent | None,
        welcome: str | None = None,
    ) -> None:
        """Save, mirror on the ticket, record who accepted the handoff, recount, audit; greet
        the customer of *welcome*'s new conversation (the `agent_welcome` canned response,
        when one exists); commit."""
        await uow.assignments.save_many([assignment])
        await mirror(uow, self.ctx.desk, assignment, by=actor.name, reason=reason, now=now)
        if assignment.assignee is not None:
            # The handoff ledger's "who accepted": the first agent to hold it since the handoff.
            await uow.handoffs.accept(assignment.conversation_id, by=assignment.assignee, at=now)
        if event is not None:
            uow.events.publish(event)
        if welcome is not None and self.ctx.welcome is not None:
            await self.ctx.welcome.welcome(uow, assignment.conversation_id, welcome, actor, now=now)
        await uow.agents.recount(sorted(set(agents)))
        after = assignment.assignee or f"queue:{assignment.department}"
        await record(
            uow,
            self.ctx.ids,
            actor,
            at=now,
            action=action,
            entity="conversation",
            entity_id=assignment.conversation_id,
            from_state=before,
            to_state=after,
            reason=reason,
        )
        await uow.commit()

    async def claim(self, cmd: Claim) -> Assignment:
        """Take it if nobody holds it (a pending offer to another is canceled).

        Raises NotFound (not handed to humans), InvalidTransition (someone holds it, or it
        is closed), NotPermitted (an agent outside its department).
        """

        async def change() -> Assignment:
            now = self.ctx.clock.now()
            async with self.ctx.uow() as uow:
                user = await _active(uow, cmd.agent, "agent")
                assignment = await uow.assignments.get(cmd.conversation_id)
                _may_hold(user, assignment)
                if assignment.state in (AssignmentState.ASSIGNED, AssignmentState.CLOSED):
                    raise _refuse(assignment, "claim")
                before = assignment.state.value
                offered = await cancel_offer(uow, assignment, now=now)
                reason = f"claimed by {user.username}"
                assignment.assign(
                    user.username, at=now, reason=reason, return_due_at=self._return_due(now)
                )
                await self._finish(
                    uow,
                    assignment,
                    cmd.actor,
                    action="conversation.claim",
                    before=before,
                    reason=reason,
                    now=now,
                    agents=[user.username, *names(offered)],
                    event=events.assigned(assignment, at=now, previous=None),
                    welcome=user.username,
                )
            return assignment

        return await retrying(change)

    async def release(self, cmd: Release) -> Assignment:
        """Back to its queue. Raises InvalidTransition when nobody holds it."""

        async def change() -> Assignment:
            now = self.ctx.clock.now()
            async with self.ctx.uow() as uow:
                user = await _active(uow, cmd.by, "by")
                assignment = await uow.assignments.get(cmd.conversation_id)
                if assignment.assignee is None or assignment.closed_at is not None:
                    raise _refuse(assignment, "release")
                _may_move(user, assignment, "release")
                held_by = assignment.assignee
                reason = (cmd.reason or "").strip() or f"released by {user.username}"
                assignment.enqueue(at=now, reason=reason)
                await self._finish(
                    uow,
                    assignment,
                    cmd.actor,
                    action="conversation.release",
                    before=held_by,
                    reason=reason,
                    now=now,
                    agents=[held_by],
                    event=events.released(assignment, at=now, previous=held_by),
                )
            return assignment

        return await retrying(change)

    async def transfer(self, cmd: Transfer) -> Assignment:
        """To an agent (assigned to them), a department (its queue), or both (the agent, in
        that department); the reason is required.

        Raises ValidationError (no reason; no target), InvalidTransition (closed),
        NotPermitted (neither its holder nor a manager).
        """
        reason = require_text(cmd.reason or "", "reason")
        if cmd.to_agent is None and cmd.to_department is None:
            raise ValidationError("name an agent or a department to transfer to", field="to")
        department = require_text(cmd.to_department, "department") if cmd.to_department else None

        async def change() -> Assignment:
            now = self.ctx.clock.now()
            async with self.ctx.uow() as uow:
                user = await _active(uow, cmd.by, "by")
                assignment = await uow.assignments.get(cmd.conversation_id)
                if assignment.closed_at is not None:
                    raise _refuse(assignment, "transfer")
                _may_move(user, assignment, "transfer")
                before = assignment.assignee or f"queue:{assignment.department}"
                held_by, from_department = assignment.assignee, assignment.department
                offered = await cancel_offer(uow, assignment, now=now)
                involved = [*names(assignment.assignee, offered)]
                if cmd.to_agent is not None:
                    target = await _active(uow, cmd.to_agent, "agent")
                    if department is not None and department != assignment.department:
                        assignment.department = department
                        assignment.passed_over = ()
                    assignment.assign(
                        target.username, at=now, reason=reason, return_due_at=self._return_due(now)
                    )
                    involved.append(target.username)
                else:
                    assignment.enqueue(at=now, reason=reason, department=department)
                await self._finish(
                    uow,
                    assignment,
                    cmd.actor,
                    action="conversation.transfer",
                    before=before,
                    reason=reason,
                    now=now,
                    agents=involved,
                    event=events.transferred(
                        assignment, at=now, previous=held_by, from_department=from_department
                    ),
                    welcome=assignment.assignee if cmd.to_agent is not None else None,
                )
            return assignment

        return await retrying(change)

    async def assign(self, cmd: Assign) -> Assignment:
        """A supervisor gives it to *agent*, whoever held it. Raises NotPermitted for others."""

        async def change() -> Assignment:
            now = self.ctx.clock.now()
            async with self.ctx.uow() as uow:
                boss = await _active(uow, cmd.by, "by")
                if boss.role not in _MANAGERS:
                    raise NotPermitted(
                        "assigning conversations needs the SUPERVISOR or ADMIN role",
                        entity="conversation",
                        entity_id=cmd.conversation_id,
                    )
                target = await _active(uow, cmd.agent, "agent")
                assignment = await uow.assignments.get(cmd.conversation_id)
                if assignment.closed_at is not None:
                    raise _refuse(assignment, "assign")
                before = assignment.assignee or f"queue:{assignment.department}"
                held_by = assignment.assignee
                offered = await cancel_offer(uow, assignment, now=now)
                involved = [*names(assignment.assignee, offered), target.username]
                reason = (cmd.reason or "").strip() or f"assigned by {boss.username}"
                assignment.assign(
                    target.username, at=now, reason=reason, return_due_at=self._return_due(now)
                )
                await self._finish(
                    uow,
                    assignment,
                    cmd.actor,
                    action="conversation.assign",
                    before=before,
                    reason=reason,
                    now=now,
                    agents=involved,
                    event=events.assigned(assignment, at=now, previous=held_by),
                    welcome=target.username,
                )
            return assignment

        return await retrying(change)

    async def answer(self, cmd: AnswerOffer) -> Offer:
        """Accept (the conversation is theirs) or reject (it goes to the next candidate).

        Raises NotFound, NotPermitted (not their offer), InvalidTransition (no longer
        pending, or its time is up).
        """

        async def change() -> Offer:
            now = self.ctx.clock.now()
            async with self.ctx.uow() as uow:
                offer = await uow.offers.get(cmd.offer_id)
                agent = validate_username(cmd.agent)
                if offer.agent != agent:
                    raise NotPermitted(
                        f"offer {offer.id} was made to another agent",
                        entity="offer",
                        entity_id=offer.id,
                    )
                verb = "accept" if cmd.accept else "reject"
                if offer.status is OfferStatus.PENDING and now >= offer.due_at:
                    raise InvalidTransition(
                        entity="offer", entity_id=offer.id, action=verb, status="timed out"
                    )
                if offer.status is not OfferStatus.PENDING:  # answered, timed out, canceled
                    raise InvalidTransition(
                        entity="offer",
                        entity_id=offer.id,
                        action=verb,
                        status=offer.status.value.replace("_", " "),
                    )
                status = OfferStatus.ACCEPTED if cmd.accept else OfferStatus.REJECTED
                offer.decide(status, at=now)
                assignment = await uow.assignments.get(offer.conversation_id)
                if assignment.offer_id != offer.id:  # canceled without telling: refuse
                    raise InvalidTransition(
                        entity="offer", entity_id=offer.id, action=verb, status="canceled"
                    )
                await uow.offers.decide_many([offer])
                if cmd.accept:
                    reason = f"offer accepted by {agent}"
                    assignment.assign(
                        agent, at=now, reason=reason, return_due_at=self._return_due(now)
                    )
                    await uow.agents.tally(agent, accepted=1)
                else:
                    reason = f"offer rejected by {agent}"
                    assignment.offer_id = None
                    assignment.passed_over = (*assignment.passed_over, agent)
                    assignment.updated_at = now
                    await uow.agents.tally(agent, rejected=1)
                await self._finish(
                    uow,
                    assignment,
                    cmd.actor,
                    action="offer.accept" if cmd.accept else "offer.reject",
                    before=AssignmentState.OFFERED.value,
                    reason=reason,
                    now=now,
                    agents=[agent],
                    event=events.assigned(assignment, at=now, previous=None)
                    if cmd.accept
                    else None,
                    welcome=agent if cmd.accept else None,
                )
            return offer

        return await retrying(change)
