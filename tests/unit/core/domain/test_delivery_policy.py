"""Delivery retry rules against a simple oracle: what to do by error class."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
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
    RetryDecision,
    RetryPolicy,
    SendFailure,
    backoff_ceiling,
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


_DEFAULT = RetryPolicy()  # base 5 s, cap 3600 s, 8 attempts, Retry-After capped at 120 s


def _failure(
    kind: FailureKind,
    *,
    code: str | None = None,
    http_status: int | None = None,
    retry_after: float | None = None,
) -> SendFailure:
    return SendFailure(
        kind=kind,
        provider="twilio",
        code=code,
        http_status=http_status,
        retry_after_seconds=retry_after,
    )


@pytest.mark.parametrize(
    ("failure", "attempts", "expected"),
    [
        (
            _failure(FailureKind.PERMANENT, code="21211", http_status=400),
            1,
            GiveUp("permanent error 21211"),
        ),
        (_failure(FailureKind.PERMANENT, http_status=400), 1, GiveUp("permanent error 400")),
        (
            _failure(FailureKind.UNREACHABLE, code="131026", http_status=404),
            1,
            GiveUp("recipient unreachable (131026)"),
        ),
        (
            _failure(FailureKind.UNREACHABLE, http_status=404),
            1,
            GiveUp("recipient unreachable (404)"),
        ),
        (_failure(FailureKind.RATE_LIMITED), 8, GiveUp("still rate limited after 8 attempts")),
        (_failure(FailureKind.RATE_LIMITED), 3, RetryAt(NOW + timedelta(seconds=10))),
        (
            _failure(FailureKind.RATE_LIMITED, retry_after=-1),
            3,
            RetryAt(NOW + timedelta(seconds=10)),
        ),
        (_failure(FailureKind.RATE_LIMITED, retry_after=0), 3, RetryAt(NOW)),
        (
            _failure(FailureKind.RATE_LIMITED, retry_after=0.5),
            3,
            RetryAt(NOW + timedelta(seconds=0.5)),
        ),
        (
            _failure(FailureKind.RATE_LIMITED, retry_after=500),
            3,
            RetryAt(NOW + timedelta(seconds=120)),
        ),
        (_failure(FailureKind.TRANSIENT), 8, GiveUp("transient errors for 8 attempts")),
        (_failure(FailureKind.TRANSIENT), 3, RetryAt(NOW + timedelta(seconds=10))),
        (_failure(FailureKind.TRANSIENT), 1, RetryAt(NOW + timedelta(seconds=2.5))),
    ],
)
def test_retry_decisions_by_example(
    failure: SendFailure, attempts: int, expected: RetryDecision
) -> None:
    """Give-up reasons name the code (else the HTTP status) or the attempts; a Retry-After of
    0 s is honoured, a missing or negative one means half-jittered backoff (jitter 0.5)."""
    decision = decide_retry(
        failure, attempts=attempts, fallbacks=(), policy=_DEFAULT, now=NOW, jitter=0.5
    )
    assert decision == expected


_HUGE_CAP = RetryPolicy(base_delay_seconds=1.0, max_backoff_seconds=1e30)


@pytest.mark.parametrize(
    ("attempts", "policy", "ceiling"),
    [
        (0, _DEFAULT, 5.0),
        (1, _DEFAULT, 5.0),
        (2, _DEFAULT, 10.0),
        (3, _DEFAULT, 20.0),
        (20, _DEFAULT, 3600.0),
        (63, _HUGE_CAP, 2.0**62),
        (64, _HUGE_CAP, 1e30),
        (10_000, _HUGE_CAP, 1e30),
    ],
)
def test_backoff_ceiling_doubles_from_the_base_up_to_the_cap(
    attempts: int, policy: RetryPolicy, ceiling: float
) -> None:
    """The ceiling is base·2^(n-1) (base for n ≤ 1), capped; past 2^62 it is the cap outright."""
    assert backoff_ceiling(attempts, policy) == ceiling
