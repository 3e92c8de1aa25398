"""A ticket's SLA index: the state and instants stored on its row so the monitor finds it.

The truth is always `lia_core.sla.sla_status` over the timeline; the index is a copy, made
again after every event and every monitor visit, that says when to look next:
`next_check_at` is the earliest instant a running clock crosses its next threshold (the
policy's warning fraction, then its due time), None when no clock runs or none is left to
cross (paused while waiting on the customer, stopped, or already breached). A clock with an
explicit deadline is never paused: waiting does not move an absolute instant.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import attrs

from lia_core.domain.tickets import Ticket
from lia_core.sla.clock import sla_status
from lia_core.sla.policy import SlaPolicy, TimeBasis
from lia_core.sla.readings import ClockReading, Metric, SlaState, SlaStatus, worst_state

if TYPE_CHECKING:
    from lia_core.desk.plan import VisitPlan

__all__ = ["TicketIndex", "index_ticket", "next_threshold"]

_SOON = timedelta(seconds=1)
"""Never schedule a look in the past: a rounding error would make the monitor spin."""


@attrs.frozen(kw_only=True)
class TicketIndex:
    """What the ticket row stores about its clocks (an index, recomputed, never the truth)."""

    sla_state: SlaState | None = None
    """The most urgent running clock's state; None when no clock runs."""
    first_response_due_at: datetime | None = None
    resolution_due_at: datetime | None = None
    next_check_at: datetime | None = None
    plan: VisitPlan | None = attrs.field(default=None, eq=False, repr=False)
    """What the coming visits will do (`lia_core.desk.plan`): a shortcut, not compared."""


def index_ticket(ticket: Ticket, policy: SlaPolicy, *, now: datetime) -> TicketIndex:
    """The index of *ticket* under *policy* at *now* (an empty index once it is final)."""
    if ticket.status.is_final:
        return TicketIndex()
    status = sla_status(ticket, policy, now=now)
    return index_status(ticket, status, policy, now=now)


def index_status(
    ticket: Ticket, status: SlaStatus, policy: SlaPolicy, *, now: datetime
) -> TicketIndex:
    """The index for an already computed *status* (saves reading the clocks twice)."""
    due: dict[Metric, datetime] = {}
    upcoming: list[datetime] = []
    for reading in status.readings:
        if reading.outcome is not None:
            continue
        due[reading.metric] = reading.due_at
        nxt = next_threshold(ticket, reading, policy, now=now)
        if nxt is not None:
            upcoming.append(nxt)
    return TicketIndex(
        sla_state=worst_state(status),
        first_response_due_at=due.get(Metric.FIRST_RESPONSE),
        resolution_due_at=due.get(Metric.RESOLUTION),
        next_check_at=min(upcoming, default=None),
    )


def next_threshold(
    ticket: Ticket, reading: ClockReading, policy: SlaPolicy, *, now: datetime
) -> datetime | None:
    """When the running *reading* crosses its next threshold; None if paused or breached.

    A clock with an explicit deadline never pauses (waiting on the customer does not move an
    absolute instant), even when its reading says the ticket waits.
    """
    explicit = (
        ticket.first_response_deadline
        if reading.metric is Metric.FIRST_RESPONSE
        else ticket.deadline
    )
    if reading.outcome is not None or reading.state is SlaState.BREACHED:
        return None
    if reading.paused and explicit is None:
        return None
    if reading.state is SlaState.WARNING:
        return max(reading.due_at, now + _SOON)
    total = reading.target.total_seconds()
    remaining = policy.warning_at * total - reading.elapsed.total_seconds()
    if remaining <= 0:
        return now + _SOON
    targets = policy.targets_for(ticket.priority, ticket.severity)
    target = (
        targets.first_response if reading.metric is Metric.FIRST_RESPONSE else targets.resolution
    )
    business = explicit is None and target is not None and target.basis is TimeBasis.BUSINESS
    start = now.timestamp()
    instant = policy.calendar.add_seconds(start, remaining) if business else start + remaining
    return max(datetime.fromtimestamp(instant, tz=UTC), now + _SOON)
