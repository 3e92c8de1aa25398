"""Delivery rules, pure: retry by error class, circuit breaker, token bucket, per-recipient spacing.

Times here are plain floats (seconds on a monotonic clock) for the limiters, datetimes for
job scheduling; randomness (jitter) is passed in, so every rule is deterministic to test.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

import attrs

from lia_core.domain.delivery import Channel
from lia_core.errors import PortError

__all__ = [
    "AwaitSettlement",
    "BreakerState",
    "CircuitBreaker",
    "DeliveryError",
    "FailureKind",
    "FallBack",
    "GiveUp",
    "HoldChannel",
    "PairLimiter",
    "RetryAt",
    "RetryDecision",
    "RetryPolicy",
    "SendFailure",
    "TokenBucket",
    "classify_http_status",
    "decide_retry",
]


class FailureKind(enum.StrEnum):
    """How a failed send is treated."""

    PERMANENT = "permanent"
    """The provider will never accept this message (bad request, opted out): dead letter."""
    UNREACHABLE = "unreachable"
    """The recipient cannot be reached on this channel: try the next channel, else dead letter."""
    RATE_LIMITED = "rate_limited"
    """Too many requests: retry after the provider's Retry-After (capped)."""
    TRANSIENT = "transient"
    """5xx, timeouts before sending, connection errors: exponential backoff with full jitter."""
    UNCERTAIN = "uncertain"
    """The request may have reached the provider: never resend blindly; settle by callback."""
    CHANNEL_DOWN = "channel_down"
    """The channel itself is unusable (expired token): hold the channel, alert, keep the job."""


def classify_http_status(status: int) -> FailureKind:
    """The failure kind for an HTTP status when the provider gave no more specific code."""
    if status == 429:
        return FailureKind.RATE_LIMITED
    if status == 408 or status >= 500:
        return FailureKind.TRANSIENT
    if status in (401, 403):
        return FailureKind.CHANNEL_DOWN
    return FailureKind.PERMANENT


@attrs.frozen(kw_only=True)
class SendFailure:
    """Why one send failed, as classified by the channel adapter."""

    kind: FailureKind
    provider: str
    code: str | None = None
    http_status: int | None = None
    retry_after_seconds: float | None = None
    excerpt: str = ""


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Retry knobs (defaults from the operations playbook)."""

    base_delay_seconds: float = 5.0
    max_backoff_seconds: float = 3600.0
    max_attempts: int = 8
    max_retry_after_seconds: float = 120.0
    channel_hold_seconds: float = 300.0


@attrs.frozen
class RetryAt:
    """Send again at ``at``; ``counts`` says whether this try used up an attempt."""

    at: datetime
    counts: bool = True


@attrs.frozen
class FallBack:
    """Send on ``channel`` instead, now."""

    channel: Channel


@attrs.frozen
class GiveUp:
    """Dead-letter the job."""

    reason: str


@attrs.frozen
class AwaitSettlement:
    """Do not resend: the provider's status callback (or reconciliation) settles the job."""


@attrs.frozen
class HoldChannel:
    """The channel is down: keep the job, retry it at ``until`` without using an attempt."""

    until: datetime


RetryDecision = RetryAt | FallBack | GiveUp | AwaitSettlement | HoldChannel


def backoff_ceiling(attempts: int, policy: RetryPolicy) -> float:
    """The largest delay (seconds) full jitter may pick after *attempts* tries: base·2^(n-1), capped."""
    exponent = max(0, attempts - 1)
    if exponent > 62:  # 2**63 seconds is past any cap; avoid building a huge integer
        return policy.max_backoff_seconds
    return min(policy.max_backoff_seconds, policy.base_delay_seconds * 2.0**exponent)


def decide_retry(
    failure: SendFailure,
    *,
    attempts: int,
    fallbacks: tuple[Channel, ...],
    policy: RetryPolicy,
    now: datetime,
    jitter: float,
) -> RetryDecision:
    """What to do after a failed try; *attempts* counts tries so far (this one included).

    *jitter* is a number in [0, 1) from an injected random source (full jitter).
    """
    match failure.kind:
        case FailureKind.PERMANENT:
            return GiveUp(f"permanent error {failure.code or failure.http_status}")
        case FailureKind.UNREACHABLE:
            if fallbacks:
                return FallBack(fallbacks[0])
            return GiveUp(f"recipient unreachable ({failure.code or failure.http_status})")
        case FailureKind.UNCERTAIN:
            return AwaitSettlement()
        case FailureKind.CHANNEL_DOWN:
            return HoldChannel(now + timedelta(seconds=policy.channel_hold_seconds))
        case FailureKind.RATE_LIMITED:
            if attempts >= policy.max_attempts:
                return GiveUp(f"still rate limited after {attempts} attempts")
            wait = failure.retry_after_seconds
            if wait is None or wait < 0:
                wait = jitter * backoff_ceiling(attempts, policy)
            return RetryAt(now + timedelta(seconds=min(wait, policy.max_retry_after_seconds)))
        case FailureKind.TRANSIENT:
            if attempts >= policy.max_attempts:
                return GiveUp(f"transient errors for {attempts} attempts")
            return RetryAt(now + timedelta(seconds=jitter * backoff_ceiling(attempts, policy)))


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


class DeliveryError(PortError):
    """A channel adapter could not deliver; ``failure`` says how the dispatcher treats it."""

    def __init__(self, failure: SendFailure) -> None:
        self.failure = failure
        detail = failure.code or failure.http_status or failure.kind.value
        super().__init__(
            f"{failure.provider}: {failure.kind.value} ({detail}) {failure.excerpt}".strip()
        )
