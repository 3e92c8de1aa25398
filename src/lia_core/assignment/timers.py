"""The worker's assignment tick: the presence sweep, offers timed out, the return timer, new offers.

Each step works over indexed due times or the queues' partial indexes, in batches whose rows
are locked ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two workers share the work and
never offer an agent past capacity; a step whose batch met a concurrent change (a claim)
rolls back and is tried again (`moves.retrying`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from datetime import datetime

import attrs

from lia_core.assignment import events
from lia_core.assignment.moves import Context, mirror, record, retrying
from lia_core.assignment.people import Agents
from lia_core.assignment.planning import Candidate, plan_offers
from lia_core.domain.activity import Actor
from lia_core.domain.agents import AgentProfile
from lia_core.domain.assignments import Assignment, Offer, OfferStatus

__all__ = ["AssignmentTick", "TickReport"]

_TIMER = Actor.service("return-timer")


@attrs.frozen(kw_only=True)
class TickReport:
    """What one tick did."""

    silent: int = 0
    """Agents marked offline for want of a heartbeat."""
    timed_out: int = 0
    returned: int = 0
    """Assignments sent back by the return timer."""
    offered: int = 0


@attrs.frozen
class AssignmentTick:
    """One run of the assignment timers (`services.assignment_tick`, the worker's job)."""

    ctx: Context
    agents: Agents

    async def __call__(self, *, now: datetime | None = None) -> TickReport:
        """Sweep presence, expire offers, return unanswered assignments, then offer."""
        at = now or self.ctx.clock.now()
        silent = await self.agents.sweep(now=at)
        timed_out = await self._drain(self.expire, at)
        returned = await self._drain(self.return_unanswered, at)
        offered = await self._drain(self.offer, at)
        return TickReport(silent=silent, timed_out=timed_out, returned=returned, offered=offered)

    async def _drain(self, step: Callable[[datetime], Awaitable[int]], at: datetime) -> int:
        total = 0
        while True:
            done = await retrying(lambda: step(at))
            total += done
            if done < self.ctx.policy.batch:
                return total

    async def expire(self, now: datetime) -> int:
        """Time out the offers whose time is up: their conversations go to the next candidate."""
        async with self.ctx.uow() as uow:
            due = list(await uow.offers.due(now, limit=self.ctx.policy.batch))
            if not due:
                return 0
            held = await uow.assignments.get_many({o.conversation_id for o in due})
            changed: list[Assignment] = []
            for offer in due:
                offer.decide(OfferStatus.TIMED_OUT, at=now)
                assignment = held.get(offer.conversation_id)
                if assignment is not None and assignment.offer_id == offer.id:
                    assignment.offer_id = None
                    assignment.passed_over = (*assignment.passed_over, offer.agent)
                    assignment.updated_at = now
                    changed.append(assignment)
            await uow.offers.decide_many(due)
            await uow.assignments.save_many(changed)
            for agent, count in Counter(o.agent for o in due).items():
                await uow.agents.tally(agent, timed_out=count)
            await uow.agents.recount(sorted({o.agent for o in due}))
            await uow.commit()
        return len(due)

    async def return_unanswered(self, now: datetime) -> int:
        """Send back to its queue each assignment with no human reply by its return time."""
        async with self.ctx.uow() as uow:
            due = list(await uow.assignments.return_due(now, limit=self.ctx.policy.batch))
            if not due:
                return 0
            holders = sorted({a.assignee for a in due if a.assignee is not None})
            for assignment in due:
                holder = assignment.assignee
                reason = f"no reply from {holder} within {self.ctx.policy.return_after}"
                assignment.enqueue(at=now, reason=reason)
                if holder is not None:
                    assignment.passed_over = (holder,)
                uow.events.publish(events.released(assignment, at=now, previous=holder))
                await mirror(uow, self.ctx.desk, assignment, by=_TIMER.name, reason=reason, now=now)
                await record(
                    uow,
                    self.ctx.ids,
                    _TIMER,
                    at=now,
                    action="conversation.return",
                    entity="conversation",
                    entity_id=assignment.conversation_id,
                    from_state=holder,
                    to_state=f"queue:{assignment.department}",
                    reason=reason,
                )
            await uow.assignments.save_many(due)
            await uow.agents.recount(holders)
            await uow.commit()
        return len(due)

    async def offer(self, now: datetime) -> int:
        """Offer queued conversations to online agents under capacity, per department."""
        policy = self.ctx.policy
        async with self.ctx.uow() as uow:
            available = list(await uow.agents.available(now, policy.presence_ttl))
            if not available:
                return 0
            users = {u.username: u for u in await uow.users.list() if u.is_active}
            loads = await uow.agents.recount([p.username for p in available])
            room: dict[str, int] = {}
            teams: defaultdict[str, list[AgentProfile]] = defaultdict(list)
            for profile in available:
                user = users.get(profile.username)
                if user is None:
                    continue
                profile.load = loads.get(profile.username, 0)
                room[profile.username] = profile.free
                for department in user.departments:
                    teams[department].append(profile)
            offers: list[Offer] = []
            queued: list[Assignment] = []
            for department, team in sorted(teams.items()):
                free = sum(room[p.username] for p in team)
                if free == 0:
                    continue
                queue = list(await uow.assignments.queue(department, limit=free, offerable=True))
                candidates = [attrs.evolve(Candidate.of(p), free=room[p.username]) for p in team]
                by_id = {a.conversation_id: a for a in queue}
                for plan in plan_offers(queue, candidates, strategy=policy.strategy):
                    room[plan.agent] -= 1
                    offer = Offer(
                        id=self.ctx.ids.new_id(),
                        conversation_id=plan.conversation_id,
                        agent=plan.agent,
                        department=department,
                        offered_at=now,
                        due_at=now + policy.offer_timeout,
                    )
                    assignment = by_id[plan.conversation_id]
                    assignment.offer_id = offer.id
                    assignment.updated_at = now
                    offers.append(offer)
                    queued.append(assignment)
            if not offers:
                return 0
            await uow.offers.add_many(offers)
            await uow.assignments.save_many(queued)
            uow.events.publish(*(events.offered(o, a) for o, a in zip(offers, queued, strict=True)))
            for agent, count in Counter(o.agent for o in offers).items():
                await uow.agents.tally(agent, offered=count, offered_at=now)
            await uow.agents.recount(sorted({o.agent for o in offers}))
            await uow.commit()
        return len(offers)
