"""Pacing rules against simple oracles: circuit breaker, token bucket, per-recipient spacing."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from lia_core.domain.pacing import BreakerState, CircuitBreaker, PairLimiter, TokenBucket


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


def test_an_open_breaker_reopens_a_cooldown_after_it_opened() -> None:
    breaker = CircuitBreaker(threshold=1, cooldown_seconds=30.0)
    assert breaker.record_failure(100.0)
    assert breaker.reopens_at() == 130.0
    assert not breaker.allows(129.9)
    assert breaker.allows(130.0)


def test_a_recipient_never_booked_is_free_from_the_start() -> None:
    limiter = PairLimiter(min_interval=6.0)
    assert limiter.free_at("5521999990000") == 0.0
    assert limiter.reserve("5521999990000", 10.0) == 10.0
    assert limiter.free_at("5521999990000") == 16.0
    assert limiter.free_at("5521999990001") == 0.0


def test_the_last_whole_token_is_free_even_before_the_last_booking() -> None:
    """Asked at an earlier instant than the last booking (another worker's clock), a bucket
    with exactly one token left waits 0, as `reserve` then books it at once."""
    bucket = TokenBucket(rate=1.0, burst=2.0)
    assert bucket.reserve(10.0) == 10.0
    assert bucket.wait_time(5.0) == 0.0
    assert bucket.reserve(5.0) == 5.0


def test_a_slot_exactly_max_wait_away_is_booked_and_one_past_it_is_not() -> None:
    """The wait may equal max_wait; a refusal books nothing."""
    limiter = PairLimiter(min_interval=6.0)
    assert limiter.reserve("a", 0.0) == 0.0
    assert limiter.reserve("a", 2.0, max_wait=3.0) is None
    assert limiter.free_at("a") == 6.0
    assert limiter.reserve("a", 1.0, max_wait=5.0) == 6.0
    assert limiter.free_at("a") == 12.0


def test_past_slots_are_forgotten_only_past_a_hundred_thousand_recipients() -> None:
    """Up to 100 000 booked recipients every slot is kept; past that, slots not after now go."""
    limiter = PairLimiter(min_interval=6.0)
    for i in range(99_999):
        limiter.reserve(f"r{i}", 0.0)
    limiter.reserve("edge", 7.0)  # the 100 000th recipient: nothing is forgotten yet
    assert (limiter.free_at("r0"), limiter.free_at("edge")) == (6.0, 13.0)
    assert limiter.reserve("x", 13.0) == 13.0  # the 100 001st: slots at or before 13 go
    assert (limiter.free_at("r0"), limiter.free_at("edge"), limiter.free_at("x")) == (
        0.0,
        0.0,
        19.0,
    )


def test_a_half_open_breaker_lets_exactly_one_probe_through() -> None:
    """After the cooldown one send goes out as the probe; the next waits for its result."""
    breaker = CircuitBreaker(threshold=1, cooldown_seconds=30.0)
    assert breaker.record_failure(100.0)
    assert breaker.allows(130.0)
    assert breaker.state is BreakerState.HALF_OPEN
    assert not breaker.allows(130.0)
    assert not breaker.allows(200.0)
