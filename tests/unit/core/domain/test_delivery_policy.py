"""Delivery retry rules against a simple oracle: what to do by error class."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import example, given
from hypothesis import strategies as st

from lia_core.domain.delivery import Channel
from lia_core.domain.delivery_policy import (
    AwaitSettlement,
    FailureKind,
    FallBack,
    GiveUp,
    HoldChannel,
    RetryAt,
    RetryPolicy,
    SendFailure,
    classify_http_status,
    decide_retry,
)
from lia_core.testing import retry_policies, send_failures

NOW = datetime(2026, 5, 20, 14, 30, tzinfo=UTC)
policies = retry_policies()
failures = send_failures()
fallbacks = st.lists(st.sampled_from(Channel), max_size=3, unique=True).map(tuple)


@given(failures, st.integers(1, 40), fallbacks, policies, st.floats(0, 0.999999))
def test_retry_decision_matches_the_error_class_table(
    failure: SendFailure,
    attempts: int,
    chain: tuple[Channel, ...],
    policy: RetryPolicy,
    jitter: float,
) -> None:
    """Each error class gets the documented treatment, and retry delays stay within their formula."""
    decision = decide_retry(
        failure, attempts=attempts, fallbacks=chain, policy=policy, now=NOW, jitter=jitter
    )
    kind = failure.kind
    if kind is FailureKind.PERMANENT:
        assert isinstance(decision, GiveUp)
    elif kind is FailureKind.UNREACHABLE and chain:
        assert decision == FallBack(chain[0])
    elif kind is FailureKind.UNREACHABLE:
        assert isinstance(decision, GiveUp)
    elif kind is FailureKind.UNCERTAIN:
        assert isinstance(decision, AwaitSettlement)
    elif kind is FailureKind.CHANNEL_DOWN:
        assert decision == HoldChannel(NOW + timedelta(seconds=policy.channel_hold_seconds))
    elif attempts >= policy.max_attempts:
        assert isinstance(decision, GiveUp)
    else:
        assert isinstance(decision, RetryAt)
        delay = (decision.at - NOW).total_seconds()
        ceiling = min(policy.max_backoff_seconds, policy.base_delay_seconds * 2 ** (attempts - 1))
        if kind is FailureKind.RATE_LIMITED:
            asked = failure.retry_after_seconds
            expected = jitter * ceiling if asked is None or asked < 0 else asked
            assert abs(delay - min(expected, policy.max_retry_after_seconds)) < 1e-3
            assert delay <= policy.max_retry_after_seconds + 1e-6
        else:
            assert 0 <= delay <= ceiling + 1e-6
            assert abs(delay - jitter * ceiling) < 1e-3


@given(st.integers(100, 599))
@example(401)
@example(402)
@example(403)
@example(404)
@example(408)
@example(409)
@example(429)
@example(430)
@example(499)
@example(500)
@example(501)
def test_http_status_classes(status: int) -> None:
    """429 is rate limited, 408 and 5xx transient, 401/403 channel down, other 4xx permanent."""
    kind = classify_http_status(status)
    if status == 429:
        assert kind is FailureKind.RATE_LIMITED
    elif status == 408 or status >= 500:
        assert kind is FailureKind.TRANSIENT
    elif status in (401, 403):
        assert kind is FailureKind.CHANNEL_DOWN
    else:
        assert kind is FailureKind.PERMANENT
