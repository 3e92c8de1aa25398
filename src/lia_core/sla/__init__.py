"""The SLA clock: business calendars, policies, clock readings and alert decisions (pure, no I/O).

Read a ticket (the one aggregate of `lia_core.domain.tickets`, re-exported here with its
timeline types) with `sla_status(ticket, policy, now=...)`; pick the policy with
`PolicyBook.select(facts)`; turn readings into alerts with `decide_alerts`. See docs/sla.md.
"""

from __future__ import annotations

from lia_core.domain.tickets import EventKind, Ticket, Timeline, TimelineEvent
from lia_core.sla.alerts import AlertPolicy, SlaAlert, decide_alerts
from lia_core.sla.calendar import BusinessCalendar
from lia_core.sla.clock import read_clock, sla_status
from lia_core.sla.policy import (
    PolicyBook,
    PolicyRule,
    Priority,
    Severity,
    SlaPolicy,
    SlaTargets,
    Target,
    TicketFacts,
    TimeBasis,
)
from lia_core.sla.readings import (
    ClockReading,
    Metric,
    NoClock,
    NoClockReason,
    Outcome,
    SlaState,
    SlaStatus,
    worst_state,
)
from lia_core.sla.workweek import HolidayRules, Shift, WeeklyHours

__all__ = [
    "AlertPolicy",
    "BusinessCalendar",
    "ClockReading",
    "EventKind",
    "HolidayRules",
    "Metric",
    "NoClock",
    "NoClockReason",
    "Outcome",
    "PolicyBook",
    "PolicyRule",
    "Priority",
    "Severity",
    "Shift",
    "SlaAlert",
    "SlaPolicy",
    "SlaState",
    "SlaStatus",
    "SlaTargets",
    "Target",
    "Ticket",
    "TicketFacts",
    "TimeBasis",
    "Timeline",
    "TimelineEvent",
    "WeeklyHours",
    "decide_alerts",
    "read_clock",
    "sla_status",
    "worst_state",
]
