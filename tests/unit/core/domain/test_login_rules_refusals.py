"""Login rules at their edges: throttle policy limits, which key holds an attempt, names, passwords."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lia_core.domain.login_throttle import (
    FailedLogins,
    Proceed,
    ThrottlePolicy,
    Wait,
    decide_login,
    login_keys,
)
from lia_core.domain.users import MIN_PASSWORD_CHARS, validate_password, validate_username
from lia_core.errors import ValidationError

T0 = datetime(2026, 5, 20, 15, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def test_one_free_attempt_per_key_is_allowed() -> None:
    """A policy may give a single free attempt per username and per address."""
    policy = ThrottlePolicy(free_per_username=1, free_per_address=1)
    assert (policy.free_per_username, policy.free_per_address) == (1, 1)


@pytest.mark.parametrize(("per_username", "per_address"), [(0, 1), (1, 0)])
def test_no_free_attempt_is_refused(per_username: int, per_address: int) -> None:
    """A policy giving a key no free attempt is refused."""
    with pytest.raises(ValueError, match=r"^at least one free attempt per key$"):
        ThrottlePolicy(free_per_username=per_username, free_per_address=per_address)


def test_equal_delays_and_a_one_second_base_are_allowed() -> None:
    """Base delay, cap and forgetting time may all be one and the same second."""
    policy = ThrottlePolicy(base_delay=SECOND, max_delay=SECOND, forget_after=SECOND)
    assert policy.wait_after(1, free=1) == SECOND


@pytest.mark.parametrize(
    ("base", "cap", "forget"),
    [(timedelta(0), SECOND, SECOND), (2 * SECOND, SECOND, SECOND), (SECOND, 2 * SECOND, SECOND)],
)
def test_delays_out_of_order_are_refused(
    base: timedelta, cap: timedelta, forget: timedelta
) -> None:
    """A zero base delay, a cap below it, or forgetting before the cap is refused."""
    with pytest.raises(ValueError, match=r"^0 < base_delay <= max_delay <= forget_after$"):
        ThrottlePolicy(base_delay=base, max_delay=cap, forget_after=forget)


POLICY = ThrottlePolicy(free_per_username=1, free_per_address=1)


def test_a_held_address_holds_the_attempt_when_the_username_is_unknown() -> None:
    """An address with recent failures holds the attempt though its username has none."""
    keys = login_keys("ana", "203.0.113.7", POLICY)
    failures = {"ip:203.0.113.7": FailedLogins(key="ip:203.0.113.7", count=1, last_at=T0)}
    assert decide_login(keys, failures, POLICY, now=T0) == Wait(until=T0 + SECOND, kind="address")


def test_a_held_address_holds_the_attempt_when_the_username_is_forgotten() -> None:
    """A username's failures past forget_after do not stop the address from holding."""
    keys = login_keys("ana", "203.0.113.7", POLICY)
    now = T0 + POLICY.forget_after
    failures = {
        "user:ana": FailedLogins(key="user:ana", count=9, last_at=T0),
        "ip:203.0.113.7": FailedLogins(key="ip:203.0.113.7", count=1, last_at=now),
    }
    assert decide_login(keys, failures, POLICY, now=now) == Wait(until=now + SECOND, kind="address")
    assert decide_login(keys[:1], failures, POLICY, now=now) == Proceed()


def test_a_tie_between_username_and_address_is_named_by_the_username() -> None:
    """When both keys hold the attempt to the same time, the refusal names the username."""
    keys = login_keys("ana", "203.0.113.7", POLICY)
    failures = {key.key: FailedLogins(key=key.key, count=1, last_at=T0) for key in keys}
    assert decide_login(keys, failures, POLICY, now=T0) == Wait(until=T0 + SECOND, kind="username")


def test_a_username_is_trimmed_and_lowercased() -> None:
    """The canonical username is the trimmed, lowercase form of what was typed."""
    assert validate_username("  Ana.Silva@Serra ") == "ana.silva@serra"


@pytest.mark.parametrize("raw", ["ab", "ana silva", "a" * 65])
def test_a_bad_username_is_refused_naming_username(raw: str) -> None:
    """A too short, too long or spaced username is refused on 'username' with the rule."""
    with pytest.raises(ValidationError) as refused:
        validate_username(raw)
    assert refused.value.field == "username"
    assert str(refused.value) == (
        "username must be 3 to 64 characters: letters, digits, '.', '_', '-', '@'"
    )


def test_a_password_of_exactly_the_minimum_length_is_accepted() -> None:
    """A password of exactly MIN_PASSWORD_CHARS uncommon characters is accepted."""
    raw = "qZ7#vK2!mW9$pL4&"[:MIN_PASSWORD_CHARS]
    assert validate_password(raw) == raw


def test_a_short_password_is_refused_naming_password() -> None:
    """A password one character short is refused on 'password', stating the minimum."""
    with pytest.raises(ValidationError) as refused:
        validate_password("qZ7#vK2!mW9$pL4&"[: MIN_PASSWORD_CHARS - 1])
    assert refused.value.field == "password"
    assert str(refused.value) == f"password must have at least {MIN_PASSWORD_CHARS} characters"
