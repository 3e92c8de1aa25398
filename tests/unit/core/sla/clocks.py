"""One SLA clock read directly: a one-hour wall-clock target started Monday 09:00 (São Paulo)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from lia_core.sla import BusinessCalendar, ClockReading, Metric, Target, WeeklyHours, read_clock

START = datetime(2026, 5, 4, 9, 0, tzinfo=ZoneInfo("America/Sao_Paulo"))
OFFICE = BusinessCalendar(hours=WeeklyHours.of({d: "08:00-18:00" for d in range(5)}))
"""Monday to Friday 08:00-18:00 in São Paulo (a calendar target ignores it)."""


def at(minutes: float) -> datetime:
    """*minutes* after START."""
    return START + timedelta(minutes=minutes)


def one_hour_clock(now: float, **given: object) -> ClockReading:
    """read_clock of a one-hour wall-clock resolution target from minute 0, read at *now*."""
    arguments: dict[str, object] = {
        "metric": Metric.RESOLUTION,
        "started_at": at(0),
        "stopped_at": None,
        "pauses": (),
        "target": Target.calendar(60),
        "calendar": OFFICE,
        "now": at(now),
    }
    return read_clock(**(arguments | given))  # type: ignore[arg-type]
