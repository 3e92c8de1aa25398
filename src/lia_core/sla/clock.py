"""The SLA clock: from a ticket's timeline, a policy and `now`, where each clock stands.

Bot-first: the first-response clock starts at the handoff to a human and only a human's public
reply (or the ticket's resolution) stops it; the resolution clock runs from creation to the
resolution that was not reopened (time spent resolved before a reopening counts for neither). Waiting on the customer pauses both (if
the policy says so); an explicit deadline replaces the policy's target.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lia_core.domain.tickets import EventKind, Ticket, TimelineEvent
from lia_core.sla.calendar import BusinessCalendar
from lia_core.sla.policy import SlaPolicy, Target, TimeBasis
from lia_core.sla.readings import (
    ClockReading,
    Metric,
    NoClock,
    NoClockReason,
    Outcome,
    SlaState,
    SlaStatus,
)

__all__ = ["read_clock", "sla_status"]


def read_clock(
    *,
    metric: Metric,
    started_at: datetime,
    stopped_at: datetime | None,
    pauses: tuple[tuple[datetime, datetime | None], ...],
    target: Target,
    calendar: BusinessCalendar,
    now: datetime,
    warning_at: float = 0.7,
    deadline: datetime | None = None,
) -> ClockReading:
    """Read one clock; pauses are sorted, disjoint spans (the last may be open)."""
    spans = [(a.timestamp(), None if b is None else b.timestamp()) for a, b in pauses]
    return _read(
        metric,
        started_at,
        started_at.timestamp(),
        stopped_at,
        None if stopped_at is None else stopped_at.timestamp(),
        spans,
        target,
        calendar,
        now.timestamp(),
        warning_at,
        None if deadline is None else deadline.timestamp(),
    )


def _read(
    metric: Metric,
    started_at: datetime,
    s: float,
    stopped_at: datetime | None,
    stop: float | None,
    pauses: list[tuple[float, float | None]],
    target: Target,
    calendar: BusinessCalendar,
    n: float,
    warning_at: float,
    deadline: float | None,
) -> ClockReading:
    end = n if stop is None or stop > n else stop
    if end < s:
        end = s
    paused = False
    spans: list[tuple[float, float]] = []
    for a, b_open in pauses:
        if b_open is None:
            b = end
            if stop is None and a <= n:
                paused = True
        else:
            b = b_open if b_open < end else end
        if a < s:
            a = s
        if a < b:
            spans.append((a, b))
    if deadline is not None:
        due = deadline
        total = due - s if due > s else 0.0
        elapsed = end - s
        fraction = elapsed / total if total > 0 else float("inf")
        late = end >= due if stop is None else end > due
    else:
        total = target.minutes * 60.0
        cal = calendar if target.basis is TimeBasis.BUSINESS else None
        elapsed, due = _walk(s, end, spans, total, cal)
        fraction = elapsed / total
        late = elapsed >= total if stop is None else elapsed > total
    if late:
        state = SlaState.BREACHED
    elif fraction >= warning_at:
        state = SlaState.WARNING
    else:
        state = SlaState.OK
    outcome = None if stop is None or stop > n else (Outcome.MISS if late else Outcome.HIT)
    return ClockReading(
        metric=metric,
        started_at=started_at,
        due_at=datetime.fromtimestamp(due, UTC),
        target=timedelta(seconds=total),
        elapsed=timedelta(seconds=elapsed),
        fraction=fraction,
        state=state,
        paused=paused,
        stopped_at=stopped_at if outcome is not None else None,
        outcome=outcome,
    )


def _walk(
    s: float,
    end: float,
    spans: list[tuple[float, float]],
    total: float,
    cal: BusinessCalendar | None,
) -> tuple[float, float]:
    """Counted seconds from *s* to *end* outside *spans*, and the instant *total* is reached."""
    if not spans:
        if cal is None:
            return end - s, s + total
        return cal.measure_and_add(s, end, total)
    cursor = s
    counted = 0.0
    due: float | None = None
    for a, b in [*spans, (end, end)]:
        piece = (cal.business_seconds(cursor, a) if cal else a - cursor) if a > cursor else 0.0
        if due is None and counted + piece >= total:
            left = total - counted
            due = cal.add_seconds(cursor, left) if cal else cursor + left
        counted += piece
        cursor = b
    if due is None:
        left = total - counted
        due = cal.add_seconds(cursor, left) if cal else cursor + left
    return counted, due


_GATED = (
    NoClock(metric=Metric.FIRST_RESPONSE, reason=NoClockReason.OUTAGE_GATE),
    NoClock(metric=Metric.RESOLUTION, reason=NoClockReason.OUTAGE_GATE),
)
_ON, _OFF = EventKind.WAITING_CUSTOMER_ON, EventKind.WAITING_CUSTOMER_OFF


def sla_status(ticket: Ticket, policy: SlaPolicy, *, now: datetime) -> SlaStatus:
    """Read both clocks of *ticket* under *policy* at *now* (later events are ignored)."""
    if ticket.answered_by_outage_gate:
        return SlaStatus(
            ticket_id=ticket.id,
            policy=policy.name,
            first_response=_GATED[0],
            resolution=_GATED[1],
        )
    n = now.timestamp()
    created: TimelineEvent | None = None
    handed: TimelineEvent | None = None
    replies: list[TimelineEvent] = []
    resolutions: list[TimelineEvent] = []
    pauses: list[tuple[float, float | None]] = []
    opened: float | None = None
    waits = policy.pause_while_waiting
    events = ticket.timeline.events
    for event in events:  # one pass, oldest first
        if event.epoch > n:
            break
        kind = event.kind
        if kind is EventKind.CREATED:
            if created is None:
                created = event
        elif kind is EventKind.HANDED_TO_HUMAN:
            if handed is None:
                handed = event
        elif kind is EventKind.HUMAN_PUBLIC_REPLY:
            replies.append(event)
        elif kind is EventKind.RESOLVED or kind is EventKind.REOPENED:
            resolutions.append(event)
        elif waits and kind is _ON:
            if opened is None:
                opened = event.epoch
        elif waits and kind is _OFF and opened is not None:
            closed = event.epoch
            if closed > opened:
                pauses.append((opened, closed))
            opened = None
    if opened is not None:
        pauses.append((opened, None))
    if created is None and events and events[0].epoch <= n:
        created = events[0]
    targets = policy.targets_for(ticket.priority, ticket.severity)
    resolved: TimelineEvent | None = None
    if created is not None and resolutions:
        resolved, resolved_spans = _final_resolution(resolutions, created.epoch)
        if resolved_spans:
            pauses = _merge(pauses, resolved_spans)

    first_deadline = ticket.first_response_deadline
    first: ClockReading | NoClock
    if targets.first_response is None and first_deadline is None:
        first = NoClock(metric=Metric.FIRST_RESPONSE, reason=NoClockReason.NO_TARGET)
    elif handed is None:
        first = NoClock(metric=Metric.FIRST_RESPONSE, reason=NoClockReason.NOT_STARTED)
    else:
        replied = _first_after(replies, handed.epoch)
        if replied is None and resolved is not None and resolved.epoch >= handed.epoch:
            replied = resolved  # resolved without a public reply: nothing is awaited any more
        first = _read(
            Metric.FIRST_RESPONSE,
            handed.at,
            handed.epoch,
            None if replied is None else replied.at,
            None if replied is None else replied.epoch,
            pauses,
            targets.first_response or Target.calendar(1),
            policy.calendar,
            n,
            policy.warning_at,
            None if first_deadline is None else first_deadline.timestamp(),
        )

    resolution: ClockReading | NoClock
    if targets.resolution is None and ticket.deadline is None:
        resolution = NoClock(metric=Metric.RESOLUTION, reason=NoClockReason.NO_TARGET)
    elif created is None:
        resolution = NoClock(metric=Metric.RESOLUTION, reason=NoClockReason.NOT_STARTED)
    else:
        resolution = _read(
            Metric.RESOLUTION,
            created.at,
            created.epoch,
            None if resolved is None else resolved.at,
            None if resolved is None else resolved.epoch,
            pauses,
            targets.resolution or Target.calendar(1),
            policy.calendar,
            n,
            policy.warning_at,
            None if ticket.deadline is None else ticket.deadline.timestamp(),
        )
    return SlaStatus(
        ticket_id=ticket.id,
        policy=policy.name,
        first_response=first,
        resolution=resolution,
    )


def _final_resolution(
    marks: list[TimelineEvent], start: float
) -> tuple[TimelineEvent | None, list[tuple[float, float | None]]]:
    """The resolution still standing (None if reopened since) and the spans spent resolved.

    *marks* are the resolved and reopened events in timeline order.
    """
    standing: TimelineEvent | None = None
    spans: list[tuple[float, float | None]] = []
    for event in marks:
        if event.epoch < start:
            continue
        if event.kind is EventKind.RESOLVED:
            if standing is None:
                standing = event
        elif standing is not None:
            if event.epoch > standing.epoch:
                spans.append((standing.epoch, event.epoch))
            standing = None
    return standing, spans


def _merge(
    first: list[tuple[float, float | None]], second: list[tuple[float, float | None]]
) -> list[tuple[float, float | None]]:
    """Sorted, disjoint union of two span lists (an open span, end None, runs forever)."""
    merged: list[tuple[float, float | None]] = []
    for a, b in sorted(first + second, key=lambda span: span[0]):
        if merged:
            last_a, last_b = merged[-1]
            if last_b is None or a <= last_b:
                end = None if last_b is None or b is None else max(last_b, b)
                merged[-1] = (last_a, end)
                continue
        merged.append((a, b))
    return merged


def _first_after(events: list[TimelineEvent], start: float) -> TimelineEvent | None:
    for event in events:
        if event.epoch >= start:
            return event
    return None
