"""`plan_offers`: which agent each queued conversation is offered to (a pure rule)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs

from lia_core.assignment.policy import Strategy
from lia_core.domain.agents import AgentProfile
from lia_core.domain.assignments import Assignment

__all__ = ["Candidate", "Planned", "plan_offers"]

_NEVER = ""  # sorts before every ISO date-time


@attrs.frozen(kw_only=True)
class Candidate:
    """An online agent of the department, with room left."""

    username: str
    free: int
    load: int
    last_offered_at: datetime | None = None

    @classmethod
    def of(cls, profile: AgentProfile) -> Candidate:
        """The candidate a profile makes (its stored load and capacity)."""
        return cls(
            username=profile.username,
            free=profile.free,
            load=profile.load,
            last_offered_at=profile.last_offered_at,
        )


@attrs.frozen(kw_only=True)
class Planned:
    """Offer *conversation_id* to *agent*."""

    conversation_id: str
    agent: str


def _key(strategy: Strategy, c: _Seat) -> tuple[object, ...]:
    offered = c.last.isoformat() if c.last is not None else _NEVER
    if strategy is Strategy.LEAST_LOAD:
        return (c.load, c.turn, offered, c.name)
    return (c.turn, offered, c.name)


@attrs.define
class _Seat:
    name: str
    free: int
    load: int
    last: datetime | None
    turn: int = 0
    """Offers given in this plan: round-robin goes round before anyone gets a second."""


def plan_offers(
    queue: Sequence[Assignment], candidates: Sequence[Candidate], *, strategy: Strategy
) -> list[Planned]:
    """Offers for *queue* (in queue order) among *candidates*, never past anyone's free room.

    Each conversation goes to the best candidate by *strategy* who has not passed it over
    (rejected it, or let its offer time out) since it was queued; when every candidate with
    room has passed it over, the round starts again among them. A conversation no one has
    room for is left in the queue.
    """
    seats = [_Seat(c.username, c.free, c.load, c.last_offered_at) for c in candidates if c.free > 0]
    planned: list[Planned] = []
    for item in queue:
        open_seats = [s for s in seats if s.free > 0]
        if not open_seats:
            break
        fresh = [s for s in open_seats if s.name not in item.passed_over] or open_seats
        seat = min(fresh, key=lambda s: _key(strategy, s))
        seat.free -= 1
        seat.load += 1
        seat.turn += 1
        planned.append(Planned(conversation_id=item.conversation_id, agent=seat.name))
    return planned
