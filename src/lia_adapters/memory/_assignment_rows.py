"""The fake's rows of the people in the loop: profiles, assignments, offers (staged or committed).

A commit checks what the unit of work read (versions, pending offers), then applies: a
profile's save replaces its settings only, counters are added, loads recounted from the
merged rows, as the SQL repositories' statements do.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import attrs

from lia_core.domain.agents import AgentProfile
from lia_core.domain.assignments import Assignment, Offer, OfferStatus
from lia_core.errors import AlreadyExists, ConcurrencyConflict

__all__ = ["AssignmentTables", "Tally", "loads"]

_SETTINGS = ("capacity", "skills", "status", "auto_offline", "last_seen_at", "status_at")


@attrs.define
class Tally:
    """Counter increments staged for one agent."""

    offered: int = 0
    accepted: int = 0
    rejected: int = 0
    timed_out: int = 0
    offered_at: datetime | None = None


def loads(
    assignments: dict[str, Assignment], offers: dict[str, Offer], agents: set[str]
) -> dict[str, int]:
    """Each agent's load: open assignments held plus pending offers."""
    held = Counter(
        a.assignee for a in assignments.values() if a.assignee in agents and a.closed_at is None
    )
    waiting = Counter(
        o.agent for o in offers.values() if o.agent in agents and o.status is OfferStatus.PENDING
    )
    return {a: held[a] + waiting[a] for a in agents}


@attrs.define
class AssignmentTables:
    """Committed (or staged) profiles, assignments and offers."""

    agents: dict[str, AgentProfile] = attrs.field(factory=dict)
    assignments: dict[str, Assignment] = attrs.field(factory=dict)
    offers: dict[str, Offer] = attrs.field(factory=dict)
    agent_reads: dict[str, int] = attrs.field(factory=dict)
    """Staged only: the version of each saved profile when read (0: new)."""
    assignment_reads: dict[str, int] = attrs.field(factory=dict)
    """Staged only: the version of each saved assignment when read (0: new)."""
    new_offers: set[str] = attrs.field(factory=set)
    """Staged only: offers added (the others staged were read pending and decided)."""
    tallies: dict[str, Tally] = attrs.field(factory=dict)
    recounts: set[str] = attrs.field(factory=set)

    def check(self, staged: AssignmentTables) -> None:
        """Raise ConcurrencyConflict (or AlreadyExists) if a row read moved since."""
        for name, read in staged.agent_reads.items():
            current = self.agents.get(name)
            if (current.version if current is not None else 0) != read:
                raise ConcurrencyConflict(entity="agent", entity_id=name)
        for cid, read in staged.assignment_reads.items():
            current_a = self.assignments.get(cid)
            if (current_a.version if current_a is not None else 0) != read:
                raise ConcurrencyConflict(entity="assignment", entity_id=cid)
        for oid in staged.offers:
            stored = self.offers.get(oid)
            if oid in staged.new_offers:
                if stored is not None:
                    raise AlreadyExists(entity="offer", entity_id=oid)
            elif stored is None or stored.status is not OfferStatus.PENDING:
                raise ConcurrencyConflict(entity="offer", entity_id=oid)

    def merge(self, staged: AssignmentTables) -> None:
        """Apply *staged* (after `check`)."""
        for name, profile in staged.agents.items():
            current = self.agents.get(name)
            if current is None:
                self.agents[name] = attrs.evolve(profile, version=1)
                continue
            settings = {f: getattr(profile, f) for f in _SETTINGS}
            self.agents[name] = attrs.evolve(current, **settings, version=current.version + 1)
        self.assignments.update(staged.assignments)
        self.offers.update(staged.offers)
        for name, tally in staged.tallies.items():
            current = self.agents.get(name)
            if current is None:
                continue
            self.agents[name] = attrs.evolve(
                current,
                offers_offered=current.offers_offered + tally.offered,
                offers_accepted=current.offers_accepted + tally.accepted,
                offers_rejected=current.offers_rejected + tally.rejected,
                offers_timed_out=current.offers_timed_out + tally.timed_out,
                last_offered_at=tally.offered_at or current.last_offered_at,
            )
        counted = loads(self.assignments, self.offers, staged.recounts & set(self.agents))
        for name, load in counted.items():
            self.agents[name] = attrs.evolve(self.agents[name], load=load)
