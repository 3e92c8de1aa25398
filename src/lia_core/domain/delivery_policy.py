"""Delivery retry rules, pure: a failed send classified, and what to do next by its class.

Pacing (circuit breaker, token bucket, per-recipient spacing) is in `lia_core.domain.pacing`;
the exception that carries a `SendFailure` is `lia_core.errors.DeliveryError`. Randomness
(jitter) is passed in, so every rule is deterministic to test.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

import attrs

from lia_core.domain.delivery import (
    AwaitSettlement,
    Channel,
    FallBack,
    GiveUp,
    HoldChannel,
    RetryAt,
    RetryDecision,
)

__all__ = [
    "AwaitSettlement",
    "FailureKind",
    "FallBack",
    "GiveUp",
    "HoldChannel",
    "RetryAt",
    "RetryDecision",
    "RetryPolicy",
    "SendFailure",
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
