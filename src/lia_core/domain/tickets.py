"""The ticket aggregate: state (priority, severity, level, department, assignee, status) plus an
append-only timeline, and the vocabulary every policy shares.

`lia_core.escalation` changes a ticket's level, department and priority; `lia_core.sla`
reads its clocks from the timeline. Both read this one `Ticket`. The status follows the
timeline (`TRANSITIONS`, applied by `Ticket.record`):

      waiting_customer_on                  waiting_customer_off
open ───────────────────▶ waiting_customer ────────────────────▶ open

open, waiting_customer ──resolved──▶ resolved ──reopened──▶ open
                                     resolved ──closed────▶ closed

Events outside the table (a handoff, a message, a reply, an escalation, an SLA alert) are
recorded in any live status and leave it as it is; a private note and a clock's outcome
(SLA_MET) are allowed even on a resolved or closed ticket. The ticket is immutable: each transition returns the next ticket.
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Iterable, Mapping
from datetime import datetime

import attrs

from lia_core.domain.recipients import ContactKey
from lia_core.errors import InvalidTransition, ValidationError
from lia_core.validation import as_enum, aware, aware_or_none, require_aware, require_text

__all__ = [
    "TRANSITIONS",
    "EventKind",
    "Priority",
    "Severity",
    "SupportLevel",
    "Ticket",
    "TicketStatus",
    "Timeline",
    "TimelineEvent",
]


class Priority(enum.StrEnum):
    """How soon a ticket must be handled, lowest first."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        """0 for low … 3 for urgent."""
        return _PRIORITY_RANK[self]


class Severity(enum.StrEnum):
    """How badly customers are affected (a ticket's or an outage's), lowest first."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for low … 3 for critical."""
        return _SEVERITY_RANK[self]


class SupportLevel(enum.StrEnum):
    """The support tier holding a ticket: N1 (first line) < N2 < N3 (specialists)."""

    N1 = "N1"
    N2 = "N2"
    N3 = "N3"

    @property
    def rank(self) -> int:
        """1 for N1 … 3 for N3."""
        return _LEVEL_RANK[self]

    @classmethod
    def from_rank(cls, rank: int) -> SupportLevel:
        """The level with *rank* (1 to 3); ValueError outside."""
        for level, level_rank in _LEVEL_RANK.items():
            if level_rank == rank:
                return level
        raise ValueError(f"no support level N{rank}")


class TicketStatus(enum.StrEnum):
    """Where a ticket is in its life."""

    OPEN = "open"
    WAITING_CUSTOMER = "waiting_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_final(self) -> bool:
        """True once the ticket is resolved or closed."""
        return self in (TicketStatus.RESOLVED, TicketStatus.CLOSED)

    @property
    def is_live(self) -> bool:
        """True while the ticket is open or waiting on the customer."""
        return not self.is_final


class EventKind(enum.StrEnum):
    """What happened on a ticket."""

    CREATED = "created"
    HANDED_TO_HUMAN = "handed_to_human"
    CUSTOMER_MESSAGE = "customer_message"
    HUMAN_PUBLIC_REPLY = "human_public_reply"
    BOT_REPLY = "bot_reply"
    PRIVATE_NOTE = "private_note"
    WAITING_CUSTOMER_ON = "waiting_customer_on"
    WAITING_CUSTOMER_OFF = "waiting_customer_off"
    ESCALATED = "escalated"
    DEESCALATED = "deescalated"
    REASSIGNED = "reassigned"
    PRIORITY_CHANGED = "priority_changed"
    SEVERITY_CHANGED = "severity_changed"
    SLA_WARNING = "sla_warning"
    """A clock reached the policy's warning fraction (data: clock)."""
    SLA_BREACHED = "sla_breached"
    """A clock reached its due time (data: clock)."""
    SLA_MET = "sla_met"
    """A clock stopped (data: clock, outcome hit or miss)."""
    NOTIFIED = "notified"
    """Staff were notified (data: policy, rule)."""
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CLOSED = "closed"


_LIVE = frozenset({TicketStatus.OPEN, TicketStatus.WAITING_CUSTOMER})
_ANY_STATUS = frozenset({EventKind.PRIVATE_NOTE, EventKind.SLA_MET})
"""Recorded whatever the status: a note, and a clock's outcome (known when it stops)."""

TRANSITIONS: Mapping[EventKind, tuple[frozenset[TicketStatus], TicketStatus]] = {
    EventKind.WAITING_CUSTOMER_ON: (frozenset({TicketStatus.OPEN}), TicketStatus.WAITING_CUSTOMER),
    EventKind.WAITING_CUSTOMER_OFF: (
        frozenset({TicketStatus.WAITING_CUSTOMER}),
        TicketStatus.OPEN,
    ),
    EventKind.RESOLVED: (_LIVE, TicketStatus.RESOLVED),
    EventKind.REOPENED: (frozenset({TicketStatus.RESOLVED}), TicketStatus.OPEN),
    EventKind.CLOSED: (frozenset({TicketStatus.RESOLVED}), TicketStatus.CLOSED),
}
"""The state machine as data: event → (statuses it is allowed from, status it leads to)."""


@attrs.frozen(kw_only=True)
class TimelineEvent:
    """One event at an aware instant, with who did it and why when that is known."""

    kind: EventKind
    at: datetime = attrs.field(validator=aware)
    by: str | None = None
    reason: str | None = None
    data: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    """What changed, as text: {"from": "N1", "to": "N2"}, {"rule": "sla-breached"}, ..."""
    epoch: float = attrs.field(init=False, eq=False, repr=False)
    """*at* as POSIX seconds, computed once (the SLA clock compares these)."""

    @epoch.default
    def _epoch(self) -> float:
        return self.at.timestamp()


def _by_time(event: TimelineEvent) -> float:
    return event.epoch


def _sorted(events: Iterable[TimelineEvent]) -> tuple[TimelineEvent, ...]:
    return tuple(sorted(events, key=_by_time))


@attrs.frozen
class Timeline:
    """A ticket's events, oldest first (events at the same instant keep their order)."""

    events: tuple[TimelineEvent, ...] = attrs.field(default=(), converter=_sorted)

    def appended(self, event: TimelineEvent) -> Timeline:
        """This timeline with *event* added in time order; nothing else is re-checked or re-sorted."""
        events = self.events
        if not events or events[-1].epoch <= event.epoch:
            grown = (*events, event)
        else:  # a late arrival (a delayed callback): slot it in after its equals
            at = bisect.bisect_right(events, event.epoch, key=_by_time)
            grown = (*events[:at], event, *events[at:])
        timeline = object.__new__(Timeline)
        object.__setattr__(timeline, "events", grown)  # already in order: skip the converter
        return timeline

    def last(self, kind: EventKind) -> TimelineEvent | None:
        """The latest *kind* event, or None."""
        for event in reversed(self.events):
            if event.kind is kind:
                return event
        return None

    def since_last(self, kind: EventKind) -> tuple[TimelineEvent, ...]:
        """The events after the latest *kind* event (all of them when there is none)."""
        for index in range(len(self.events) - 1, -1, -1):
            if self.events[index].kind is kind:
                return self.events[index + 1 :]
        return self.events

    def first(self, kind: EventKind, *, after: datetime | None = None) -> datetime | None:
        """The instant of the first *kind* event (at or after *after*), or None."""
        for event in self.events:
            if event.kind is kind and (after is None or event.at >= after):
                return event.at
        return None

    def until(self, now: datetime) -> Timeline:
        """The timeline as known at *now* (later events dropped)."""
        return Timeline(tuple(e for e in self.events if e.at <= now))

    def waiting_spans(self) -> tuple[tuple[datetime, datetime | None], ...]:
        """Spans spent waiting on the customer; the last may still be open (None)."""
        spans: list[tuple[datetime, datetime | None]] = []
        opened: datetime | None = None
        for event in self.events:
            if event.kind is EventKind.WAITING_CUSTOMER_ON and opened is None:
                opened = event.at
            elif event.kind is EventKind.WAITING_CUSTOMER_OFF and opened is not None:
                if event.at > opened:
                    spans.append((opened, event.at))
                opened = None
        if opened is not None:
            spans.append((opened, None))
        return tuple(spans)


def _timeline(value: Timeline | Iterable[TimelineEvent]) -> Timeline:
    return value if isinstance(value, Timeline) else Timeline(tuple(value))


def _priority(value: object) -> Priority:
    return as_enum(value, Priority, "priority")


def _severity(value: object) -> Severity:
    return as_enum(value, Severity, "severity")


def _level(value: object) -> SupportLevel:
    return as_enum(value, SupportLevel, "level")


def _status(value: object) -> TicketStatus:
    return as_enum(value, TicketStatus, "status")


@attrs.frozen(kw_only=True)
class Ticket:
    """A support ticket: its state and its append-only timeline (the SLA clock reads both).

    Enum fields accept a member or its value ("high"); anything else raises ValidationError.
    Invariants (checked on construction): ids and names are not blank, instants are
    timezone-aware, the escalation reason and time are set together, and a ticket at N1
    has no escalation record.
    """

    id: str
    department: str
    """The department holding the ticket (e.g. "support", "financial")."""
    priority: Priority = attrs.field(converter=_priority)
    """A Priority, or its value ("high"); anything else raises ValidationError."""
    severity: Severity = attrs.field(converter=_severity)
    opened_at: datetime
    subject: str = ""
    """What the ticket is about, in a line (the handoff's reason, or what staff typed)."""
    level: SupportLevel = attrs.field(default=SupportLevel.N1, converter=_level)
    status: TicketStatus = attrs.field(default=TicketStatus.OPEN, converter=_status)
    assignee: str | None = None
    """The agent working on it; None while it waits in the department's queue."""
    vip: bool = False
    """The customer is a VIP (policies and rules may treat them differently)."""
    conversation_id: str | None = None
    """The conversation this ticket is an episode of (None for one opened by hand)."""
    contact: ContactKey | None = None
    """The customer (their canonical phone or provider identity)."""
    failure_id: str | None = None
    """The outage (massive failure) this ticket is linked to, if any."""
    escalation_reason: str | None = None
    """Why the last escalation happened; cleared when the ticket returns to N1."""
    escalated_at: datetime | None = None
    """When the last escalation happened; cleared when the ticket returns to N1."""
    escalated_by: str | None = None
    """Who (a user, or ``rule:<name>``) made the last escalation; cleared back at N1."""
    sla_policy: str | None = None
    """The name of the SLA policy applied when the ticket opened (kept while it lives)."""
    timeline: Timeline = attrs.field(factory=Timeline, converter=_timeline)
    """What happened, oldest first; a tuple of events is sorted into a Timeline."""
    deadline: datetime | None = attrs.field(default=None, validator=aware_or_none)
    """An explicit resolution deadline; it overrides the SLA policy's resolution target."""
    first_response_deadline: datetime | None = attrs.field(default=None, validator=aware_or_none)
    """An explicit first-response deadline; it overrides the policy's first-response target."""
    answered_by_outage_gate: bool = False
    """The outage gate answered this contact: no SLA clock starts."""
    first_response_business_seconds: float | None = None
    """Working seconds (the SLA policy's calendar) from opening to the first human public
    reply; None before it, or on a ticket stored before they were measured (revision 0021).
    Set by the desk's settle step (`lia_core.sla.durations`), read by the reports."""
    resolution_business_seconds: float | None = None
    """Working seconds from opening to the last resolution while resolved or closed (None
    while live: a reopening clears it); set like `first_response_business_seconds`."""
    version: int = 0
    """Optimistic-concurrency version, bumped by the repository on each save."""
    stored_events: int = attrs.field(default=0, eq=False, repr=False)
    """How many events of the timeline the store held when it returned this ticket (set by
    the repository): a save appends the ones after, at those positions, so events another
    writer stored meanwhile make it a conflict instead of being lost."""

    def __attrs_post_init__(self) -> None:
        require_text(self.id, "id")
        require_text(self.department, "department")
        if self.assignee is not None:
            require_text(self.assignee, "assignee")
        require_aware(self.opened_at, "opened_at")
        if self.escalated_at is not None:
            require_aware(self.escalated_at, "escalated_at")
        if (self.escalation_reason is None) != (self.escalated_at is None):
            raise ValidationError(
                "escalation_reason and escalated_at are set together", field="escalation_reason"
            )
        if self.escalation_reason is not None:
            require_text(self.escalation_reason, "escalation_reason")
            if self.level is SupportLevel.N1:
                raise ValidationError(
                    "a ticket at N1 has no escalation record", field="escalation_reason"
                )

    @classmethod
    def open(
        cls,
        *,
        id: str,
        department: str,
        priority: Priority,
        severity: Severity,
        at: datetime,
        subject: str = "",
        level: SupportLevel = SupportLevel.N1,
        assignee: str | None = None,
        vip: bool = False,
        conversation_id: str | None = None,
        contact: ContactKey | None = None,
        failure_id: str | None = None,
        sla_policy: str | None = None,
        by: str | None = None,
        reason: str | None = None,
    ) -> Ticket:
        """A new open ticket (at N1 unless triage placed it higher) whose timeline says created."""
        created = TimelineEvent(kind=EventKind.CREATED, at=at, by=by, reason=reason)
        return cls(
            id=id,
            department=department,
            priority=priority,
            severity=severity,
            opened_at=at,
            subject=subject,
            level=level,
            assignee=assignee,
            vip=vip,
            conversation_id=conversation_id,
            contact=contact,
            failure_id=failure_id,
            sla_policy=sla_policy,
            timeline=Timeline((created,)),
        )

    @property
    def is_escalated(self) -> bool:
        """True above N1."""
        return self.level is not SupportLevel.N1

    @property
    def cycle(self) -> int:
        """How many times the ticket was reopened (SLA alerts re-arm on each reopening)."""
        return sum(1 for event in self.timeline.events if event.kind is EventKind.REOPENED)

    def can_record(self, kind: EventKind) -> bool:
        """Whether an event of *kind* is allowed in the current status."""
        if kind in TRANSITIONS:
            return self.status in TRANSITIONS[kind][0]
        return not self.status.is_final or kind in _ANY_STATUS

    def record(
        self,
        kind: EventKind,
        *,
        at: datetime,
        by: str | None = None,
        reason: str | None = None,
        data: Mapping[str, str] | None = None,
    ) -> Ticket:
        """The ticket with one more event on its timeline, and the status that event leads to.

        Raises InvalidTransition when the event is not allowed in the current status (a reply
        to a resolved ticket: reopen it first).
        """
        if not self.can_record(kind):
            raise InvalidTransition(
                entity="ticket", entity_id=self.id, action=kind.value, status=self.status.value
            )
        event = TimelineEvent(kind=kind, at=at, by=by, reason=reason, data=dict(data or {}))
        status = TRANSITIONS[kind][1] if kind in TRANSITIONS else self.status
        return attrs.evolve(self, timeline=self.timeline.appended(event), status=status)

    def until(self, now: datetime) -> Ticket:
        """The ticket as its timeline knew it at *now* (later events dropped)."""
        return attrs.evolve(self, timeline=self.timeline.until(now))


# Ranks are looked up, not computed from list(...).index(), because sorting hot paths use them.
_PRIORITY_RANK = {p: i for i, p in enumerate(Priority)}
_SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}
_LEVEL_RANK = {level: i + 1 for i, level in enumerate(SupportLevel)}
