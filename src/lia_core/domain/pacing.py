"""Pacing rules, pure: a circuit breaker per channel, a token bucket, per-recipient spacing.

Times here are plain floats (seconds on a monotonic clock), passed in by the caller, so every
rule is deterministic to test.
"""

from __future__ import annotations

import enum

import attrs

__all__ = ["BreakerState", "CircuitBreaker", "PairLimiter", "TokenBucket"]


class BreakerState(enum.StrEnum):
    """Closed: sending. Open: refusing. Half-open: one probe allowed."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@attrs.define
class CircuitBreaker:
    """Opens after ``threshold`` consecutive failures; lets one probe through after ``cooldown``."""

    threshold: int = 5
    cooldown_seconds: float = 60.0
    state: BreakerState = BreakerState.CLOSED
    failures: int = 0
    opened_at: float = 0.0
    _probing: bool = False

    def allows(self, now: float) -> bool:
        """Whether a send may go out now (in half-open, only the single probe)."""
        if self.state is BreakerState.CLOSED:
            return True
        if self.state is BreakerState.OPEN and now >= self.opened_at + self.cooldown_seconds:
            self.state = BreakerState.HALF_OPEN
            self._probing = False
        if self.state is BreakerState.HALF_OPEN and not self._probing:
            self._probing = True
            return True
        return False

    def reopens_at(self) -> float:
        """When an open breaker will let a probe through."""
        return self.opened_at + self.cooldown_seconds

    def record_success(self) -> None:
        """A send worked: close and forget past failures."""
        self.state, self.failures, self._probing = BreakerState.CLOSED, 0, False

    def record_failure(self, now: float) -> bool:
        """A send failed for a channel-level reason; True when this failure opened the breaker."""
        self.failures += 1
        if self.state is BreakerState.HALF_OPEN or (
            self.state is BreakerState.CLOSED and self.failures >= self.threshold
        ):
            self.state, self.opened_at, self._probing = BreakerState.OPEN, now, False
            return True
        return False


@attrs.define
class TokenBucket:
    """Token bucket: ``rate`` tokens per second, at most ``burst`` saved up."""

    rate: float
    burst: float = 1.0
    _tokens: float | None = attrs.field(default=None, alias="_tokens")
    _updated: float = attrs.field(default=0.0, alias="_updated")

    def reserve(self, now: float, *, max_wait: float | None = None) -> float | None:
        """Book one token and return when it may be used (``now`` or later).

        With *max_wait*, a token further away than that is not booked and None is returned,
        so bulk traffic never books far ahead of live traffic.
        """
        if self._tokens is None:  # a new bucket starts full
            self._tokens, self._updated = self.burst, now
        elapsed = max(0.0, now - self._updated)
        # Tokens go negative when sends are booked ahead: the debt is paid back at `rate`.
        tokens = min(self.burst, self._tokens + elapsed * self.rate) - 1.0
        at = now if tokens >= 0 else max(self._updated, now) + (-tokens) / self.rate
        if max_wait is not None and at - now > max_wait:
            return None
        self._tokens, self._updated = tokens, max(self._updated, now)
        return at

    def wait_time(self, now: float) -> float:
        """Seconds until a token booked now could be used (0 when one is free), booking nothing."""
        if self._tokens is None:
            return 0.0
        elapsed = max(0.0, now - self._updated)
        tokens = min(self.burst, self._tokens + elapsed * self.rate) - 1.0
        return 0.0 if tokens >= 0 else max(self._updated, now) - now + (-tokens) / self.rate


@attrs.define
class PairLimiter:
    """At most one message per ``min_interval`` seconds to the same recipient (WhatsApp ~6 s)."""

    min_interval: float
    _next: dict[str, float] = attrs.field(factory=dict, alias="_next")

    def free_at(self, recipient: str) -> float:
        """The earliest time the next message to *recipient* could go (0 when never booked)."""
        return self._next.get(recipient, 0.0)

    def reserve(self, recipient: str, now: float, *, max_wait: float | None = None) -> float | None:
        """Book the next slot for *recipient* and return it; None (nothing booked) past *max_wait*."""
        at = max(now, self._next.get(recipient, now))
        if max_wait is not None and at - now > max_wait:
            return None
        self._next[recipient] = at + self.min_interval
        if len(self._next) > 100_000:  # forget slots already in the past
            self._next = {r: t for r, t in self._next.items() if t > now}
        return at
