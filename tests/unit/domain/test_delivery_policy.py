"""Delivery rules against simple oracles: retry by error class, breaker, token bucket, pair spacing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from lia_core.domain.delivery import Channel
from lia_core.domain.delivery_policy import (
    AwaitSettlement,
    BreakerState,
    CircuitBreaker,
    FailureKind,
    FallBack,
    GiveUp,
    HoldChannel,
    PairLimiter,
    RetryAt,
    RetryPolicy,
    SendFailure,
    TokenBucket,
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


class BreakerModel(RuleBasedStateMachine):
    """The breaker against a model: open after N consecutive failures, one probe after the cooldown."""

    THRESHOLD, COOLDOWN = 3, 10.0

    def __init__(self) -> None:
        super().__init__()
        self.breaker = CircuitBreaker(threshold=self.THRESHOLD, cooldown_seconds=self.COOLDOWN)
        self.now = 0.0
        self.streak = 0
        self.open_since: float | None = None
        self.probe_out = False

    @rule(seconds=st.floats(0, 15))
    def wait(self, seconds: float) -> None:
        """Time passes."""
        self.now += seconds

    @rule()
    def ask(self) -> None:
        """Asking to send is allowed when closed, or once per cooldown as a probe."""
        allowed = self.breaker.allows(self.now)
        if self.open_since is None:
            assert allowed
        elif self.now >= self.open_since + self.COOLDOWN and not self.probe_out:
            assert allowed
            self.probe_out = True
        else:
            assert not allowed

    @precondition(lambda self: self.open_since is None or self.probe_out)
    @rule(ok=st.booleans())
    def outcome(self, ok: bool) -> None:
        """A send (or the probe) succeeds or fails."""
        if ok:
            self.breaker.record_success()
            self.streak, self.open_since, self.probe_out = 0, None, False
            return
        opened = self.breaker.record_failure(self.now)
        self.streak += 1
        should_open = self.probe_out or (self.open_since is None and self.streak >= self.THRESHOLD)
        assert opened == should_open
        if should_open:
            self.open_since, self.probe_out = self.now, False

    @invariant()
    def state_agrees(self) -> None:
        """Closed exactly when the model says no outage is in progress."""
        assert (self.breaker.state is BreakerState.CLOSED) == (self.open_since is None)


TestBreaker = BreakerModel.TestCase


@given(
    st.floats(1, 500),
    st.floats(1, 20),
    st.lists(st.floats(0, 0.5), min_size=1, max_size=300),
)
def test_token_bucket_never_exceeds_burst_plus_rate(
    rate: float, burst: float, gaps: list[float]
) -> None:
    """In any window, the slots handed out never exceed burst + rate x window, and never precede the ask."""
    bucket = TokenBucket(rate=rate, burst=burst)
    now, slots = 0.0, []
    for gap in gaps:
        now += gap
        slot = bucket.reserve(now)
        assert slot is not None
        assert slot >= now
        slots.append(slot)
    slots.sort()
    for i, start in enumerate(slots):
        for j in range(i, len(slots)):
            window = slots[j] - start
            assert j - i + 1 <= burst + rate * window + 1e-6


@given(st.floats(1, 100), st.floats(0.01, 5))
def test_bucket_with_lookahead_books_nothing_when_refusing(rate: float, lookahead: float) -> None:
    """A refused reservation leaves the bucket as it was."""
    bucket = TokenBucket(rate=rate, burst=1)
    assert bucket.reserve(0.0) == 0.0
    while (slot := bucket.reserve(0.0, max_wait=lookahead)) is not None:
        assert slot <= lookahead
    before = (bucket._tokens, bucket._updated)
    assert bucket.reserve(0.0, max_wait=lookahead) is None
    assert (bucket._tokens, bucket._updated) == before


@given(st.lists(st.tuples(st.sampled_from("abc"), st.floats(0, 3)), max_size=60))
def test_pair_limiter_spaces_each_recipient(asks: list[tuple[str, float]]) -> None:
    """Two slots for the same recipient are at least the interval apart; others are not delayed."""
    limiter = PairLimiter(min_interval=6.0)
    now = 0.0
    booked: dict[str, float] = {}
    for recipient, gap in asks:
        now += gap
        slot = limiter.reserve(recipient, now)
        assert slot is not None
        assert slot >= now
        if recipient in booked:
            assert slot >= booked[recipient] + 6.0 - 1e-9
        else:
            assert slot == now
        booked[recipient] = slot


@given(st.floats(1, 200), st.floats(1, 10), st.lists(st.floats(0, 0.2), max_size=100))
def test_bucket_wait_time_predicts_the_next_reservation(
    rate: float, burst: float, gaps: list[float]
) -> None:
    """wait_time(now) is exactly how long the reservation made now will wait."""
    bucket = TokenBucket(rate=rate, burst=burst)
    now = 0.0
    for gap in gaps:
        now += gap
        predicted = bucket.wait_time(now)
        slot = bucket.reserve(now)
        assert slot is not None
        assert abs((slot - now) - predicted) < 1e-9
