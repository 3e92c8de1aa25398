"""Signing in behind the throttle, password changes and disabling accounts, over the fakes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_core.domain.activity import Actor
from lia_core.domain.login_throttle import ThrottlePolicy
from lia_core.domain.users import Role
from lia_core.errors import AuthenticationFailed, LoginThrottled, ValidationError
from lia_core.services import (
    Authenticate,
    ChangePassword,
    CreateUser,
    LastActiveAdmin,
    Services,
    SetUserActive,
)

PASSWORD = "s3cret-pw-long"
ROOT = Actor(name="root", ip="10.0.0.1")
POLICY = ThrottlePolicy(
    free_per_username=3,
    free_per_address=5,
    base_delay=timedelta(seconds=1),
    max_delay=timedelta(seconds=8),
    forget_after=timedelta(minutes=10),
)


@pytest.fixture
def store() -> InMemoryStore:
    """The in-memory database."""
    return InMemoryStore()


@pytest.fixture
def clock() -> FixedClock:
    """A clock that only moves when told to."""
    return FixedClock()


@pytest.fixture
async def services(store: InMemoryStore, clock: FixedClock) -> Services:
    """Every use case over fakes, the throttle of POLICY, accounts `ana` (ADMIN), `bia` (AGENT)."""
    built = Services.build(
        uow=store.unit_of_work,
        clock=clock,
        ids=SequentialIds("u"),
        hasher=PlainTextHasher(),
        login_policy=POLICY,
    )
    for name, role in [("ana", Role.ADMIN), ("bia", Role.AGENT)]:
        await built.create_user(CreateUser(username=name, role=role, password=PASSWORD, actor=ROOT))
    return built


def _attempt(username: str, password: str, address: str | None = "10.0.0.7") -> Authenticate:
    return Authenticate(username=username, password=password, address=address)


async def _fail(services: Services, username: str, address: str | None = "10.0.0.7") -> None:
    with pytest.raises(AuthenticationFailed):
        await services.authenticate(_attempt(username, "wrong password", address))


async def test_free_failures_then_each_attempt_waits_twice_as_long(
    services: Services, clock: FixedClock
) -> None:
    """Three free failures; then even the right password is refused for 1 s, then 2 s."""
    for _ in range(3):
        await _fail(services, "bia")
    with pytest.raises(LoginThrottled) as held:
        await services.authenticate(_attempt("bia", PASSWORD))
    assert held.value.retry_after == 1
    clock.advance(seconds=1)
    await _fail(services, "bia")  # the 4th failure: the next attempt waits 2 s
    clock.advance(seconds=1)
    with pytest.raises(LoginThrottled) as again:
        await services.authenticate(_attempt("bia", PASSWORD))
    assert again.value.retry_after == 1
    clock.advance(seconds=1)
    assert (await services.authenticate(_attempt("bia", PASSWORD))).username == "bia"


async def test_a_sign_in_forgets_the_username_but_not_the_address(
    services: Services, clock: FixedClock
) -> None:
    """After a success the username starts from zero; the address keeps counting across
    usernames (password spraying) and is held on its own."""
    for _ in range(2):
        await _fail(services, "bia")
    await services.authenticate(_attempt("bia", PASSWORD))
    for _ in range(2):
        await _fail(services, "bia")  # 2 again, not 4: still free
    await services.authenticate(_attempt("bia", PASSWORD))
    await _fail(services, "carla")  # the address's 5th failure: it now waits 1 s
    with pytest.raises(LoginThrottled, match="address"):
        await services.authenticate(_attempt("ana", PASSWORD))
    assert (await services.authenticate(_attempt("ana", PASSWORD, "10.0.0.8"))).username == "ana"


async def test_unknown_usernames_are_throttled_like_known_ones(services: Services) -> None:
    """An unknown name is counted and held the same way, so the throttle reveals nothing."""
    for _ in range(3):
        await _fail(services, "ghost", address=None)
    with pytest.raises(LoginThrottled):
        await services.authenticate(_attempt("GHOST ", PASSWORD, None))


async def test_each_lockout_is_audited_once_per_wait(
    services: Services, store: InMemoryStore
) -> None:
    """A failure that makes the next attempt wait writes `auth.lockout`; refused attempts
    during the wait write nothing (an attack cannot flood the audit log)."""
    for _ in range(3):
        await _fail(services, "bia")
    for _ in range(5):
        with pytest.raises(LoginThrottled):
            await services.authenticate(_attempt("bia", PASSWORD))
    entries = [a for a in store.activity.values() if a.action == "auth.lockout"]
    assert [(a.entity_id, a.to_state, a.ip, a.details["failures"]) for a in entries] == [
        ("user:bia", "wait 1s", "10.0.0.7", "3")
    ]


async def test_a_password_change_needs_the_current_one_and_bumps_the_version(
    services: Services,
) -> None:
    """The current password is checked; the new one works, the old one no longer does, and
    the credentials version moves on (older tokens are refused)."""
    with pytest.raises(AuthenticationFailed):
        await services.change_password(
            ChangePassword(
                username="bia", new_password="a new long one", current_password="wrong", actor="bia"
            )
        )
    user = await services.change_password(
        ChangePassword(
            username="bia", new_password="a new long one", current_password=PASSWORD, actor="bia"
        )
    )
    assert user.credentials_version == 1
    with pytest.raises(AuthenticationFailed):
        await services.authenticate(_attempt("bia", PASSWORD))
    assert (await services.authenticate(_attempt("bia", "a new long one"))).credentials_version == 1


@pytest.mark.parametrize(
    ("password", "why"),
    [("short-pw1", "at least 10"), ("Password123", "common"), ("1234567890", "common")],
)
async def test_short_and_common_passwords_are_refused(
    services: Services, password: str, why: str
) -> None:
    """Fewer than 10 characters, or a password on the common list (any case), is refused."""
    with pytest.raises(ValidationError, match=why) as refused:
        await services.change_password(
            ChangePassword(username="bia", new_password=password, actor=ROOT)
        )
    assert refused.value.field == "password"
    with pytest.raises(ValidationError, match=why):
        await services.create_user(
            CreateUser(username="carla", role=Role.AGENT, password=password, actor=ROOT)
        )


async def test_disable_and_enable_are_audited_and_the_last_admin_stays(
    services: Services, store: InMemoryStore
) -> None:
    """A disabled account cannot sign in; enabling lets it back; the only active ADMIN
    cannot be disabled; each change is one audit entry, a repeat none."""
    await services.set_user_active(SetUserActive(username="bia", active=False, actor=ROOT))
    await services.set_user_active(SetUserActive(username="bia", active=False, actor=ROOT))
    with pytest.raises(AuthenticationFailed):
        await services.authenticate(_attempt("bia", PASSWORD))
    await services.set_user_active(SetUserActive(username="bia", active=True, actor=ROOT))
    assert (await services.authenticate(_attempt("bia", PASSWORD))).is_active
    with pytest.raises(LastActiveAdmin, match="only active ADMIN"):
        await services.set_user_active(SetUserActive(username="ana", active=False, actor=ROOT))
    audited = [
        (a.action, a.entity_id, a.from_state, a.to_state)
        for a in store.activity.values()
        if a.action.startswith("user.") and a.action != "user.create"
    ]
    assert audited == [
        ("user.disable", "bia", "active", "disabled"),
        ("user.enable", "bia", "disabled", "active"),
    ]
