"""In-memory agent profiles, assignments (the queues) and offers; checked at commit like SQL."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

from lia_adapters.memory._assignment_rows import AssignmentTables, Tally, loads
from lia_adapters.memory._inbox import inbox_items
from lia_adapters.memory._tables import Staging
from lia_core.domain.agents import AgentProfile, Presence
from lia_core.domain.assignments import Assignment, Offer, OfferStatus
from lia_core.errors import AlreadyExists, ConcurrencyConflict, NotFound
from lia_core.ports import InboxItem, InboxQuery, QueueCounts

__all__ = [
    "InMemoryAgentRepository",
    "InMemoryAssignmentRepository",
    "InMemoryOfferRepository",
]

_FAR = "~"  # sorts after every ISO date-time


class _Rows:
    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    @property
    def _store(self) -> AssignmentTables:
        return self._uow.store.assignment_tables

    @property
    def _staged(self) -> AssignmentTables:
        return self._uow.staged.assignment_tables

    def _assignments(self) -> dict[str, Assignment]:
        return {**self._store.assignments, **self._staged.assignments}

    def _offers(self) -> dict[str, Offer]:
        return {**self._store.offers, **self._staged.offers}

    def _agents(self) -> dict[str, AgentProfile]:
        return {**self._store.agents, **self._staged.agents}


class InMemoryAgentRepository(_Rows):
    """Profiles in an `InMemoryStore`, keyed by username."""

    async def get(self, username: str) -> AgentProfile:
        """A copy of one profile."""
        try:
            return copy.deepcopy(self._agents()[username])
        except KeyError:
            raise NotFound(entity="agent", entity_id=username) from None

    async def list(self) -> Sequence[AgentProfile]:
        """Copies of every profile, by username."""
        return [copy.deepcopy(p) for _, p in sorted(self._agents().items())]

    async def save(self, profile: AgentProfile) -> None:
        """Stage the profile's settings; versions checked at commit."""
        current = self._agents().get(profile.username)
        if (current.version if current is not None else 0) != profile.version:
            raise ConcurrencyConflict(entity="agent", entity_id=profile.username)
        self._staged.agent_reads.setdefault(profile.username, profile.version)
        profile.version += 1
        self._staged.agents[profile.username] = copy.deepcopy(profile)

    async def available(self, now: datetime, ttl: timedelta) -> Sequence[AgentProfile]:
        """Profiles counting as online at *now*."""
        return [
            copy.deepcopy(p)
            for _, p in sorted(self._agents().items())
            if p.presence_at(now, ttl) is Presence.ONLINE
        ]

    async def silent(self, now: datetime, ttl: timedelta, *, limit: int) -> Sequence[AgentProfile]:
        """Profiles not offline, auto-offline on, last heard before ``now - ttl``."""
        found = [
            p
            for _, p in sorted(self._agents().items())
            if p.status is not Presence.OFFLINE
            and p.auto_offline
            and (p.last_seen_at is None or p.last_seen_at < now - ttl)
        ]
        return [copy.deepcopy(p) for p in found[:limit]]

    async def tally(
        self,
        agent: str,
        *,
        offered: int = 0,
        accepted: int = 0,
        rejected: int = 0,
        timed_out: int = 0,
        offered_at: datetime | None = None,
    ) -> None:
        """Stage counter increments, added at commit."""
        tally = self._staged.tallies.setdefault(agent, Tally())
        tally.offered += offered
        tally.accepted += accepted
        tally.rejected += rejected
        tally.timed_out += timed_out
        tally.offered_at = offered_at or tally.offered_at

    async def recount(self, usernames: Collection[str]) -> Mapping[str, int]:
        """Loads from the rows this unit of work sees (recounted again at commit)."""
        names = set(usernames)
        self._staged.recounts |= names
        return loads(self._assignments(), self._offers(), names)


class InMemoryAssignmentRepository(_Rows):
    """Assignments in an `InMemoryStore`, keyed by conversation id."""

    async def get(self, conversation_id: str) -> Assignment:
        """A copy of one assignment."""
        try:
            return copy.deepcopy(self._assignments()[conversation_id])
        except KeyError:
            raise NotFound(entity="assignment", entity_id=conversation_id) from None

    async def get_many(self, conversation_ids: Collection[str]) -> Mapping[str, Assignment]:
        """Copies of the known ones."""
        view = self._assignments()
        return {c: copy.deepcopy(view[c]) for c in conversation_ids if c in view}

    async def save_many(self, assignments: Sequence[Assignment]) -> None:
        """Stage them; versions checked now against what this unit sees, and at commit."""
        view = self._assignments()
        for assignment in assignments:
            current = view.get(assignment.conversation_id)
            if (current.version if current is not None else 0) != assignment.version:
                raise ConcurrencyConflict(entity="assignment", entity_id=assignment.conversation_id)
        for assignment in assignments:
            cid = assignment.conversation_id
            self._staged.assignment_reads.setdefault(cid, assignment.version)
            assignment.version += 1
            self._staged.assignments[cid] = copy.deepcopy(assignment)

    def _open_unassigned(self, department: str) -> list[Assignment]:
        found = [
            a
            for a in self._assignments().values()
            if a.department == department and a.closed_at is None and a.assignee is None
        ]
        return sorted(
            found,
            key=lambda a: (
                a.urgency,
                a.waiting_since.isoformat() if a.waiting_since else _FAR,
                a.conversation_id,
            ),
        )

    async def queue(
        self, department: str, *, limit: int, offerable: bool = False
    ) -> Sequence[Assignment]:
        """The department's queue in order."""
        found = self._open_unassigned(department)
        if offerable:
            found = [a for a in found if a.offer_id is None]
        return [copy.deepcopy(a) for a in found[:limit]]

    async def held_by(self, agent: str) -> Sequence[Assignment]:
        """Open assignments of *agent*, longest held first."""
        found = [
            a for a in self._assignments().values() if a.assignee == agent and a.closed_at is None
        ]
        found.sort(
            key=lambda a: (a.assigned_at.isoformat() if a.assigned_at else "", a.conversation_id)
        )
        return [copy.deepcopy(a) for a in found]

    async def return_due(self, now: datetime, *, limit: int) -> Sequence[Assignment]:
        """Open assignments whose return timer is due."""
        found = [
            a
            for a in self._assignments().values()
            if a.closed_at is None and a.return_due_at is not None and a.return_due_at <= now
        ]
        found.sort(key=lambda a: (a.return_due_at or now, a.conversation_id))
        return [copy.deepcopy(a) for a in found[:limit]]

    async def counts(self, agent: str, *, department: str | None = None) -> Sequence[QueueCounts]:
        """Mine / unassigned / all per department."""
        open_ = [a for a in self._assignments().values() if a.closed_at is None]
        if department is not None:
            open_ = [a for a in open_ if a.department == department]
        every = Counter(a.department for a in open_)
        mine = Counter(a.department for a in open_ if a.assignee == agent)
        waiting = Counter(a.department for a in open_ if a.assignee is None)
        names = sorted(set(every) | ({department} if department is not None else set()))
        return [
            QueueCounts(department=d, mine=mine[d], unassigned=waiting[d], all=every[d])
            for d in names
        ]

    async def inbox(self, query: InboxQuery) -> Sequence[InboxItem]:
        """Open conversations matching *query*, joined to conversation, live ticket and index."""
        store, staged = self._uow.store, self._uow.staged
        conversations = {
            **store.conversation_tables.conversations,
            **staged.conversation_tables.conversations,
        }
        tickets = {**store.tickets, **staged.tickets}
        return inbox_items(self._assignments().values(), conversations, tickets.values(), query)


class InMemoryOfferRepository(_Rows):
    """Offers in an `InMemoryStore`, keyed by id."""

    async def add_many(self, offers: Sequence[Offer]) -> None:
        """Stage new offers."""
        view = self._offers()
        for offer in offers:
            if offer.id in view:
                raise AlreadyExists(entity="offer", entity_id=offer.id)
        for offer in offers:
            self._staged.offers[offer.id] = copy.deepcopy(offer)
            self._staged.new_offers.add(offer.id)

    async def get(self, offer_id: str) -> Offer:
        """A copy of one offer."""
        try:
            return copy.deepcopy(self._offers()[offer_id])
        except KeyError:
            raise NotFound(entity="offer", entity_id=offer_id) from None

    async def decide_many(self, offers: Sequence[Offer]) -> None:
        """Stage decisions of offers still pending in this unit's view (re-checked at commit)."""
        view = self._offers()
        for offer in offers:
            current = view.get(offer.id)
            if current is None or current.status is not OfferStatus.PENDING:
                raise ConcurrencyConflict(entity="offer", entity_id=offer.id)
        for offer in offers:
            self._staged.offers[offer.id] = copy.deepcopy(offer)

    async def due(self, now: datetime, *, limit: int) -> Sequence[Offer]:
        """Pending offers past their time."""
        found = [
            o
            for o in self._offers().values()
            if o.status is OfferStatus.PENDING and o.due_at <= now
        ]
        found.sort(key=lambda o: (o.due_at, o.id))
        return [copy.deepcopy(o) for o in found[:limit]]

    async def pending_for(self, agent: str) -> Sequence[Offer]:
        """Pending offers of *agent*, oldest first."""
        found = [
            o
            for o in self._offers().values()
            if o.agent == agent and o.status is OfferStatus.PENDING
        ]
        found.sort(key=lambda o: (o.offered_at, o.id))
        return [copy.deepcopy(o) for o in found]
