"""SLA alert decisions: which warning/breach alerts to emit now, de-duplicated with a cooldown."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import attrs

from lia_core.errors import ValidationError
from lia_core.sla.readings import ClockReading, Metric, SlaState, SlaStatus

__all__ = ["AlertPolicy", "SlaAlert", "decide_alerts"]


@attrs.frozen(kw_only=True)
class SlaAlert:
    """An alert that a ticket's clock reached a state (emitted at *at*)."""

    ticket_id: str
    metric: Metric
    state: SlaState
    at: datetime
    due_at: datetime | None = None


def _non_negative(_instance: object, _attribute: object, value: timedelta | None) -> None:
    if value is not None and value < timedelta(0):
        raise ValidationError("the alert cooldown cannot be negative", field="cooldown")


@attrs.frozen(kw_only=True)
class AlertPolicy:
    """De-duplication per ticket, clock and state; *cooldown* None means alert once ever."""

    cooldown: timedelta | None = attrs.field(default=timedelta(minutes=5), validator=_non_negative)
    """An alert for the same ticket, clock and state repeats only after this much time."""
    warn: bool = True
    """Emit warnings (breaches are always emitted)."""


def decide_alerts(
    statuses: Iterable[SlaStatus],
    previous: Iterable[SlaAlert],
    policy: AlertPolicy = AlertPolicy(),
    *,
    now: datetime,
) -> tuple[SlaAlert, ...]:
    """The alerts to emit at *now* for running clocks in warning or breach, given those sent."""
    last: dict[tuple[str, Metric, SlaState], datetime] = {}
    for alert in previous:
        key = (alert.ticket_id, alert.metric, alert.state)
        if key not in last or alert.at > last[key]:
            last[key] = alert.at
    out: list[SlaAlert] = []
    for status in statuses:
        for reading in (status.first_response, status.resolution):
            if not isinstance(reading, ClockReading) or reading.outcome is not None:
                continue
            if reading.state is SlaState.OK or (
                reading.state is SlaState.WARNING and not policy.warn
            ):
                continue
            key = (status.ticket_id, reading.metric, reading.state)
            sent = last.get(key)
            if sent is not None and (policy.cooldown is None or now - sent < policy.cooldown):
                continue
            alert = SlaAlert(
                ticket_id=status.ticket_id,
                metric=reading.metric,
                state=reading.state,
                at=now,
                due_at=reading.due_at,
            )
            last[key] = now
            out.append(alert)
    return tuple(out)
