"""The SLA index against the clock itself: nothing is crossed before `next_check_at`, something is at it.

The oracle is `sla_status` read again and again as `now` moves forward with no new event (which is
when the index is trusted: every event recomputes it). Probes are every minute for the first six
hours, then drawn instants up to the next check, and the second before and after it.

It holds for business calendars (holidays, shifts, daylight saving) as for wall-clock targets,
and for explicit deadlines, which keep running while the ticket waits on the customer. The
one allowance: "at" the next check is checked one second after it, because the threshold
instant is computed in floating-point seconds and stored to the microsecond, so the crossing
may fall a hair after the stored value.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs
from hypothesis import given
from hypothesis import strategies as st

from lia_core.desk.index import TicketIndex, index_ticket
from lia_core.sla import SlaPolicy, SlaState, Ticket, sla_status, worst_state
from lia_core.sla.readings import Metric
from lia_core.testing.sla import (
    DST_FREE_ZONES,
    business_calendars,
    sla_policies,
    ticket_timelines,
)

from ..sla.oracle import PROPERTIES

SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)
ZONES = (*DST_FREE_ZONES, "America/New_York", "Europe/Berlin", "Australia/Sydney")
"""Business calendars in any zone: the oracle is the clock itself, so daylight saving is fair."""
HORIZON = timedelta(days=30)
"""How far a ticket with no next check is followed to see that indeed nothing changes."""

Snapshot = tuple[SlaState | None, frozenset[tuple[Metric, SlaState]]]


def _snapshot(ticket: Ticket, policy: SlaPolicy, at: datetime) -> Snapshot:
    """The worst running state and the thresholds each running clock has crossed at *at*."""
    status = sla_status(ticket, policy, now=at)
    crossed: set[tuple[Metric, SlaState]] = set()
    for reading in status.readings:
        if reading.outcome is not None:
            continue
        if reading.state is not SlaState.OK:
            crossed.add((reading.metric, SlaState.WARNING))
        if reading.state is SlaState.BREACHED:
            crossed.add((reading.metric, SlaState.BREACHED))
    return worst_state(status), frozenset(crossed)


@st.composite
def _cases(draw: st.DrawFn) -> tuple[Ticket, SlaPolicy, datetime]:
    """A ticket (sometimes with explicit deadlines), a policy, and an instant after its last event."""
    ticket = draw(ticket_timelines())
    last = ticket.timeline.events[-1].at
    now = last + draw(st.integers(0, 3 * 24 * 60)) * MINUTE
    deadlines = st.none() | st.integers(-2 * 24 * 60, 4 * 24 * 60).map(lambda m: now + m * MINUTE)
    ticket = attrs.evolve(
        ticket,
        deadline=draw(deadlines),
        first_response_deadline=draw(deadlines),
    )
    return ticket, draw(sla_policies(business_calendars(timezones=ZONES))), now


@PROPERTIES
@given(_cases(), st.lists(st.floats(0, 1, exclude_max=True), max_size=8))
def test_nothing_is_crossed_before_next_check_and_something_is_at_it(
    case: tuple[Ticket, SlaPolicy, datetime], fractions: list[float]
) -> None:
    """Before `next_check_at` the worst state and crossed thresholds hold still; just after, one moved."""
    ticket, policy, now = case
    index = index_ticket(ticket, policy, now=now)
    before = _snapshot(ticket, policy, now)
    assert index.sla_state == before[0]
    end = index.next_check_at
    if end is None:
        probes = [now + HORIZON * f for f in (*fractions, 0.5, 1.0)]
    else:
        assert end > now
        probes = [now + (end - now) * f for f in fractions]
        probes += [end - SECOND, *(now + k * MINUTE for k in range(1, 3 * 60))]
        probes = [at for at in probes if now <= at < end]
    for at in probes:
        assert _snapshot(ticket, policy, at) == before, f"changed at {at} before {end}"
    if end is not None:
        assert _snapshot(ticket, policy, end + SECOND) != before


@PROPERTIES
@given(_cases())
def test_due_times_are_the_running_clocks_due_times(
    case: tuple[Ticket, SlaPolicy, datetime],
) -> None:
    """The stored due instants are those of the clocks still running, and none for stopped ones."""
    ticket, policy, now = case
    index = index_ticket(ticket, policy, now=now)
    status = sla_status(ticket, policy, now=now)
    running = {r.metric: r.due_at for r in status.readings if r.outcome is None}
    assert index.first_response_due_at == running.get(Metric.FIRST_RESPONSE)
    assert index.resolution_due_at == running.get(Metric.RESOLUTION)


@given(_cases())
def test_a_final_ticket_has_an_empty_index(case: tuple[Ticket, SlaPolicy, datetime]) -> None:
    """A resolved ticket is never looked at again by the monitor."""
    ticket, policy, now = case
    resolved = attrs.evolve(ticket, status="resolved")
    assert index_ticket(resolved, policy, now=now) == TicketIndex()
