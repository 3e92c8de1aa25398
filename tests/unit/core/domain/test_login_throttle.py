"""The login throttle's rule: free attempts, then waits that double up to a cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.domain.login_throttle import (
    FailedLogins,
    Proceed,
    ThrottlePolicy,
    Wait,
    decide_login,
    login_keys,
)

T0 = datetime(2026, 5, 20, 15, 0, tzinfo=UTC)
POLICY = ThrottlePolicy(
    free_per_username=3,
    free_per_address=10,
    base_delay=timedelta(seconds=1),
    max_delay=timedelta(seconds=60),
    forget_after=timedelta(minutes=10),
)


def test_the_waits_are_free_then_double_then_stop_at_the_cap() -> None:
    """Three free failures, then 1, 2, 4 … s, never past 60 s."""
    waits = [POLICY.wait_after(n, free=3).total_seconds() for n in range(12)]
    assert waits == [0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=50))
def test_the_wait_never_shrinks_and_never_passes_the_cap(failures: int, free: int) -> None:
    """One more failure never shortens the wait; no wait is longer than max_delay."""
    now, more = POLICY.wait_after(failures, free=free), POLICY.wait_after(failures + 1, free=free)
    assert timedelta(0) <= now <= more <= POLICY.max_delay


def test_keys_name_the_username_as_typed_and_the_address() -> None:
    """The username is trimmed and lowercased (unknown names count alike); no address, no key."""
    keys = login_keys("  Ana ", "10.0.0.7", POLICY)
    assert [(k.key, k.free, k.kind) for k in keys] == [
        ("user:ana", 3, "username"),
        ("ip:10.0.0.7", 10, "address"),
    ]
    assert [k.key for k in login_keys("ana", None, POLICY)] == ["user:ana"]
    assert len(login_keys("x" * 500, None, POLICY)[0].key) == 128


def _failures(key: str, count: int, at: datetime) -> dict[str, FailedLogins]:
    return {key: FailedLogins(key=key, count=count, last_at=at)}


def test_an_attempt_waits_until_the_last_failure_plus_its_wait() -> None:
    """After the 3rd failure (1 s wait) the attempt waits 1 s, then proceeds."""
    keys = login_keys("ana", "10.0.0.7", POLICY)
    known = _failures("user:ana", 3, T0)
    decision = decide_login(keys, known, POLICY, now=T0 + timedelta(milliseconds=400))
    assert decision == Wait(until=T0 + timedelta(seconds=1), kind="username")
    assert isinstance(decision, Wait)
    assert decision.seconds_from(T0 + timedelta(milliseconds=400)) == pytest.approx(0.6)
    assert decide_login(keys, known, POLICY, now=T0 + timedelta(seconds=1)) == Proceed()


def test_the_longest_of_the_keys_waits_holds_and_old_failures_are_forgotten() -> None:
    """The address's longer wait wins; failures older than forget_after hold nothing."""
    keys = login_keys("ana", "10.0.0.7", POLICY)
    known = {
        **_failures("user:ana", 4, T0),  # 2 s
        **_failures("ip:10.0.0.7", 13, T0),  # 10 free, then 1, 2, 4: 8 s
    }
    assert decide_login(keys, known, POLICY, now=T0) == Wait(
        until=T0 + timedelta(seconds=8), kind="address"
    )
    stale = _failures("user:ana", 50, T0 - timedelta(minutes=10))
    assert decide_login(keys, stale, POLICY, now=T0) == Proceed()


def test_a_policy_with_waits_out_of_order_is_refused() -> None:
    """base_delay <= max_delay <= forget_after, and at least one free attempt."""
    with pytest.raises(ValueError, match="base_delay"):
        ThrottlePolicy(base_delay=timedelta(minutes=20), max_delay=timedelta(minutes=15))
    with pytest.raises(ValueError, match="free"):
        ThrottlePolicy(free_per_username=0)


def test_inner_spaces_of_a_username_count_as_one() -> None:
    """Runs of spaces and tabs inside a typed username read as one space."""
    assert [k.key for k in login_keys(" Ana \t Souza ", None, POLICY)] == ["user:ana souza"]


def test_the_wait_stops_doubling_after_forty_doublings() -> None:
    """Past 40 doublings the wait grows no more, even under a cap it has not reached."""
    tiny = timedelta(microseconds=1)
    policy = ThrottlePolicy(
        base_delay=tiny, max_delay=timedelta(days=60), forget_after=timedelta(days=60)
    )
    longest = tiny * 2**40
    assert policy.wait_after(5 + 39, free=5) == longest / 2
    assert policy.wait_after(5 + 40, free=5) == longest
    assert policy.wait_after(5 + 41, free=5) == longest
    assert policy.wait_after(10**6, free=5) == longest
