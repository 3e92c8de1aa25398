"""A ticket's visit plan: what the SLA monitor's next visits will do, worked out in advance.

Between two events nothing changes a ticket but time, so what `settle` will do at each of
its coming `next_check_at` instants is known when the ticket is saved: the thresholds its
clocks cross, the rules that then hold, the events, the staff alerts and the index after.
`plan_visits` runs the same pipeline (`lia_core.desk.settle.run`) at those instants over a
copy of the ticket and keeps the outcome on the ticket's index; the monitor then applies a
due visit with a few set-based statements instead of loading the timeline and running the
pipeline again, so a tick's cost is a handful of statements over what is due.

A plan is only a shortcut: it is made again on every save, and the monitor falls back to the
pipeline (`settle`) when it no longer holds — another desk-policy revision is in force, the
linked outage changed state, or another ticket opened for the same contact (the two facts
that change without an event on this ticket) — or when it is malformed. Applied visits
record their events at the instant the threshold was crossed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from lia_core.desk.index import TicketIndex
from lia_core.domain.recipients import ContactKey
from lia_core.domain.tickets import EventKind, Priority, SupportLevel, Ticket, TimelineEvent
from lia_core.sla.readings import SlaState

__all__ = [
    "FORMAT",
    "MAX_VISITS",
    "AppliedVisit",
    "DueTicket",
    "DueVisits",
    "PlannedAlert",
    "PlannedVisit",
    "VisitPlan",
    "VisitState",
    "VisitsApplied",
    "apply_due",
]

FORMAT = 1
"""The stored plan's format; a plan of another format is ignored (the pipeline runs)."""
MAX_VISITS = 8
"""Visits planned ahead at most (two per clock is the usual case); after the last one the
monitor runs the pipeline, which plans again."""


@attrs.frozen(kw_only=True)
class PlannedAlert:
    """A staff notification a visit queues: its policy, cause and the text staff read."""

    policy: str
    cause: str
    text: str


@attrs.frozen(kw_only=True)
class VisitState:
    """The ticket fields a visit may change (the rules' escalations and priority raises)."""

    level: SupportLevel
    priority: Priority
    escalation_reason: str | None = None
    escalated_at: datetime | None = None
    escalated_by: str | None = None

    @classmethod
    def of(cls, ticket: Ticket) -> VisitState:
        """The fields as *ticket* has them."""
        return cls(
            level=ticket.level,
            priority=ticket.priority,
            escalation_reason=ticket.escalation_reason,
            escalated_at=ticket.escalated_at,
            escalated_by=ticket.escalated_by,
        )

    def onto(self, ticket: Ticket) -> Ticket:
        """*ticket* with these fields."""
        return attrs.evolve(
            ticket,
            level=self.level,
            priority=self.priority,
            escalation_reason=self.escalation_reason,
            escalated_at=self.escalated_at,
            escalated_by=self.escalated_by,
        )


@attrs.frozen(kw_only=True)
class PlannedVisit:
    """One monitor visit at *at*: events appended, alerts queued, fields and index after."""

    at: datetime
    events: tuple[TimelineEvent, ...] = ()
    alerts: tuple[PlannedAlert, ...] = ()
    state: VisitState
    changes: bool = False
    """A rule changed the fields of `state` (the ticket row is updated, its version bumped)."""
    index: TicketIndex
    """The index after the visit (its `next_check_at` is the next visit's instant)."""


@attrs.frozen(kw_only=True)
class VisitPlan:
    """The visits ahead of a ticket as stored, and what they assume.

    The visits stay in their stored form until applied (`ready`): a tick parses only the
    visits it applies, and writes the rest back as they were.
    """

    made_at: datetime
    revision: int | None
    """The desk-policy revision the plan was made under (None: the built-in or a fixed one)."""
    seq: int
    """How many events the ticket had stored: the first planned event's position."""
    cycle: int
    """The ticket's reopening cycle (part of each alert's idempotency key)."""
    department: str
    """Who the alerts go to (rules never move a ticket to another department)."""
    outage: bool | None = None
    """Whether the linked outage was active, when a rule looks at it (None: none does)."""
    contacts: bool = False
    """A rule counts the contact's tickets: another one opening voids the plan."""
    stored: tuple[Mapping[str, Any], ...] = ()
    """The visits, each as stored (`PlannedVisit` data)."""

    @classmethod
    def of(
        cls,
        *,
        made_at: datetime,
        revision: int | None,
        seq: int,
        cycle: int,
        department: str,
        outage: bool | None,
        contacts: bool,
        visits: Sequence[PlannedVisit],
    ) -> VisitPlan:
        """A plan of *visits*."""
        return cls(
            made_at=made_at,
            revision=revision,
            seq=seq,
            cycle=cycle,
            department=department,
            outage=outage,
            contacts=contacts,
            stored=tuple(_visit_data(v) for v in visits),
        )

    @property
    def visits(self) -> tuple[PlannedVisit, ...]:
        """Every visit, parsed (ValueError, KeyError or TypeError if one is malformed)."""
        return tuple(_visit(v) for v in self.stored)

    def ready(self, now: datetime) -> tuple[tuple[PlannedVisit, ...], VisitPlan | None]:
        """The visits due at *now* (parsed) and the plan of the others (None if none are left)."""
        count = 0
        for raw in self.stored:
            if _instant(raw["at"]) > now:
                break
            count += 1
        ready = tuple(_visit(v) for v in self.stored[:count])
        if count == len(self.stored):
            return ready, None
        added = sum(len(v.events) for v in ready)
        return ready, attrs.evolve(self, seq=self.seq + added, stored=self.stored[count:])

    def to_data(self) -> dict[str, Any]:
        """The plan as JSON-ready data (what the ticket row stores)."""
        return {
            "format": FORMAT,
            "made_at": self.made_at.isoformat(),
            "revision": self.revision,
            "seq": self.seq,
            "cycle": self.cycle,
            "department": self.department,
            "outage": self.outage,
            "contacts": self.contacts,
            "visits": list(self.stored),
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> VisitPlan | None:
        """The plan *data* holds; None when it is of another format or its header is malformed
        (a malformed visit is found when it is applied)."""
        try:
            if data.get("format") != FORMAT:
                return None
            visits = data["visits"]
            if not isinstance(visits, list) or not all(isinstance(v, Mapping) for v in visits):
                return None
            return cls(
                made_at=_instant(data["made_at"]),
                revision=None if data["revision"] is None else int(data["revision"]),
                seq=int(data["seq"]),
                cycle=int(data["cycle"]),
                department=str(data["department"]),
                outage=None if data["outage"] is None else bool(data["outage"]),
                contacts=bool(data["contacts"]),
                stored=tuple(visits),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return None


def _instant(raw: object) -> datetime:
    value = datetime.fromisoformat(str(raw))
    if value.tzinfo is None:
        raise ValueError("a naive instant")
    return value


def _maybe_instant(raw: object) -> datetime | None:
    return None if raw is None else _instant(raw)


def _event_data(event: TimelineEvent) -> dict[str, Any]:
    return {
        "kind": event.kind.value,
        "at": event.at.isoformat(),
        "by": event.by,
        "reason": event.reason,
        "data": dict(event.data),
    }


def _event(raw: Mapping[str, Any]) -> TimelineEvent:
    return TimelineEvent(
        kind=EventKind(raw["kind"]),
        at=_instant(raw["at"]),
        by=raw["by"],
        reason=raw["reason"],
        data={str(k): str(v) for k, v in raw["data"].items()},
    )


def _index_data(index: TicketIndex) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "sla_state": None if index.sla_state is None else index.sla_state.value,
        "first_response_due_at": iso(index.first_response_due_at),
        "resolution_due_at": iso(index.resolution_due_at),
        "next_check_at": iso(index.next_check_at),
    }


def _index(raw: Mapping[str, Any]) -> TicketIndex:
    state = raw["sla_state"]
    return TicketIndex(
        sla_state=None if state is None else SlaState(state),
        first_response_due_at=_maybe_instant(raw["first_response_due_at"]),
        resolution_due_at=_maybe_instant(raw["resolution_due_at"]),
        next_check_at=_maybe_instant(raw["next_check_at"]),
    )


def _visit_data(visit: PlannedVisit) -> dict[str, Any]:
    state = visit.state
    return {
        "at": visit.at.isoformat(),
        "events": [_event_data(e) for e in visit.events],
        "alerts": [[a.policy, a.cause, a.text] for a in visit.alerts],
        "changes": visit.changes,
        "state": {
            "level": state.level.value,
            "priority": state.priority.value,
            "escalation_reason": state.escalation_reason,
            "escalated_at": None if state.escalated_at is None else state.escalated_at.isoformat(),
            "escalated_by": state.escalated_by,
        },
        "index": _index_data(visit.index),
    }


def _visit(raw: Mapping[str, Any]) -> PlannedVisit:
    state = raw["state"]
    return PlannedVisit(
        at=_instant(raw["at"]),
        events=tuple(_event(e) for e in raw["events"]),
        alerts=tuple(
            PlannedAlert(policy=str(p), cause=str(c), text=str(t)) for p, c, t in raw["alerts"]
        ),
        state=VisitState(
            level=SupportLevel(state["level"]),
            priority=Priority(state["priority"]),
            escalation_reason=state["escalation_reason"],
            escalated_at=_maybe_instant(state["escalated_at"]),
            escalated_by=state["escalated_by"],
        ),
        changes=bool(raw["changes"]),
        index=_index(raw["index"]),
    )


@attrs.frozen(kw_only=True)
class DueTicket:
    """A ticket row the monitor took (locked), without its timeline: what a plan needs."""

    id: str
    version: int
    plan: VisitPlan | None
    contact: ContactKey | None = None
    failure_id: str | None = None
    contact_opened_after: bool = False
    """Another ticket of the same contact opened after the plan was made."""
    outage_active: bool | None = None
    """Whether the linked outage is active now (None: no linked outage, or not asked)."""


@attrs.frozen(kw_only=True)
class VisitsApplied:
    """What applying a ticket's due visits writes: the clock row, the events and, when a rule
    changed the ticket, the ticket row (conditional on the version read)."""

    ticket_id: str
    version: int
    """The version read; the row is updated only if it still has it."""
    seq: int
    """The position of the first new event."""
    events: tuple[TimelineEvent, ...]
    alerts: tuple[PlannedAlert, ...]
    department: str
    cycle: int
    state: VisitState
    changes_ticket: bool
    """A rule changed the ticket's fields: its row is updated, version + 1 (else it is left
    alone: SLA events do not bump the version)."""
    index: TicketIndex
    """The index after the last applied visit, carrying the plan's remaining visits."""


def _holds(due: DueTicket, revision: int | None) -> bool:
    plan = due.plan
    if plan is None or plan.revision != revision or not plan.stored:
        return False
    if plan.contacts and due.contact_opened_after:
        return False
    return plan.outage is None or plan.outage == bool(due.outage_active)


def apply_due(due: DueTicket, *, revision: int | None, now: datetime) -> VisitsApplied | None:
    """The visits of *due* whose instant has come, applied; None when the plan does not hold.

    None sends the ticket through the pipeline instead: no plan, another revision, a fact the
    plan assumed has changed, a malformed visit, or a first visit still ahead (the index and
    the plan disagree).
    """
    if not _holds(due, revision):
        return None
    plan = due.plan
    assert plan is not None
    try:
        ready, remaining = plan.ready(now)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    if not ready:
        return None
    last = ready[-1]
    return VisitsApplied(
        ticket_id=due.id,
        version=due.version,
        seq=plan.seq,
        events=tuple(e for v in ready for e in v.events),
        alerts=tuple(a for v in ready for a in v.alerts),
        department=plan.department,
        cycle=plan.cycle,
        state=last.state,
        changes_ticket=any(v.changes for v in ready),
        index=attrs.evolve(last.index, plan=remaining),
    )


@attrs.frozen(kw_only=True)
class AppliedVisit:
    """What the store reports of one ticket whose due visits it applied from the plan."""

    ticket_id: str
    department: str
    cycle: int
    kinds: tuple[EventKind, ...]
    """The kinds of the events it recorded (the monitor counts them)."""
    data: tuple[Mapping[str, str], ...] = ()
    """Each event's data, as `kinds` (the clock and due time of a crossing)."""
    alerts: tuple[PlannedAlert, ...]
    """The staff notifications to queue (the monitor stages them in the same transaction)."""
    next_check_at: datetime | None
    """The ticket's next look after the visit (at or before now: another visit is due)."""

    @classmethod
    def of(cls, applied: VisitsApplied) -> AppliedVisit:
        """The report of *applied*."""
        return cls(
            ticket_id=applied.ticket_id,
            department=applied.department,
            cycle=applied.cycle,
            kinds=tuple(e.kind for e in applied.events),
            data=tuple(e.data for e in applied.events),
            alerts=applied.alerts,
            next_check_at=applied.index.next_check_at,
        )


@attrs.frozen(kw_only=True)
class DueVisits:
    """One take of due tickets: the visits applied from plans, the tickets left to the pipeline."""

    applied: tuple[AppliedVisit, ...] = ()
    unplanned: tuple[str, ...] = ()
    """Due tickets with no plan that holds, locked like the others: load and settle them."""

    @property
    def taken(self) -> int:
        """How many due tickets the take holds."""
        return len(self.applied) + len(self.unplanned)
