"""What the SLA clock reports: clock readings, their states and outcomes, and a ticket's status."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

import attrs

__all__ = [
    "ClockReading",
    "Metric",
    "NoClock",
    "NoClockReason",
    "Outcome",
    "SlaState",
    "SlaStatus",
    "worst_state",
]


class Metric(enum.StrEnum):
    """Which promise a clock measures."""

    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"


class SlaState(enum.StrEnum):
    """How close a clock is to its due time."""

    OK = "ok"
    WARNING = "warning"
    BREACHED = "breached"


class Outcome(enum.StrEnum):
    """Whether a stopped clock met its due time."""

    HIT = "hit"
    MISS = "miss"


class NoClockReason(enum.StrEnum):
    """Why a clock is not running."""

    OUTAGE_GATE = "outage_gate"
    """The outage gate answered the contact: no promise was made."""
    NOT_STARTED = "not_started"
    """The starting event has not happened (e.g. still with the bot)."""
    NO_TARGET = "no_target"
    """The policy sets no target for this clock."""


@attrs.frozen(kw_only=True)
class NoClock:
    """A clock that does not run, and why."""

    metric: Metric
    reason: NoClockReason


@attrs.frozen(kw_only=True)
class ClockReading:
    """Where a started clock stands at `now` (or stood when it stopped)."""

    metric: Metric
    started_at: datetime
    due_at: datetime
    """When the target is consumed; while paused, the due time if work resumed now."""
    target: timedelta
    elapsed: timedelta
    """Counted time (business or wall, pauses excluded) up to now or the stop.

    A clock with an explicit deadline counts wall time from its start instead: the deadline is
    an absolute instant, which waits and time spent resolved neither move nor stop.
    """
    fraction: float
    """elapsed / target (may exceed 1)."""
    state: SlaState
    paused: bool = False
    stopped_at: datetime | None = None
    outcome: Outcome | None = None
    """HIT or MISS once the clock stopped; None while it runs."""


@attrs.frozen(kw_only=True)
class SlaStatus:
    """Both clocks of a ticket under the policy that applied."""

    ticket_id: str
    policy: str
    first_response: ClockReading | NoClock
    resolution: ClockReading | NoClock

    @property
    def readings(self) -> tuple[ClockReading, ...]:
        """The clocks that run or ran."""
        return tuple(
            c for c in (self.first_response, self.resolution) if isinstance(c, ClockReading)
        )


_RANK = {SlaState.OK: 0, SlaState.WARNING: 1, SlaState.BREACHED: 2}


def worst_state(status: SlaStatus) -> SlaState | None:
    """The most urgent state among the running clocks, or None when none runs."""
    running = [r.state for r in status.readings if r.outcome is None]
    return max(running, key=_RANK.__getitem__) if running else None
