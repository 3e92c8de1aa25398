"""Signing in: credentials checked behind the login throttle (docs/security.md).

An attempt first asks the throttle (failed sign-ins per username and per client address,
counted in the database): a key still waiting refuses it unchecked with `LoginThrottled`.
A wrong password counts one failure on each key and, when that makes the next attempt wait,
writes an `auth.lockout` audit entry (at most one per wait, so an attack cannot flood the log);
a right one forgets the username's failures.
"""

from __future__ import annotations

import math
from datetime import datetime

import attrs

from lia_core.domain.activity import Actor
from lia_core.domain.login_throttle import (
    LoginKey,
    ThrottlePolicy,
    Wait,
    decide_login,
    login_keys,
)
from lia_core.domain.users import User, validate_username
from lia_core.errors import AuthenticationFailed, LoginThrottled, NotFound, ValidationError
from lia_core.ports import Clock, IdGenerator, PasswordHasher, UnitOfWorkFactory
from lia_core.services.activity import record

__all__ = ["Authenticate", "AuthenticateHandler"]


@attrs.frozen(kw_only=True)
class Authenticate:
    """Check a username and password; *address* is the client's (HTTP), None from the CLI."""

    username: str
    password: str = attrs.field(repr=False)
    address: str | None = None
    user_agent: str | None = None


@attrs.define
class AuthenticateHandler:
    """Verify credentials behind the throttle; unknown user and wrong password fail alike."""

    uow: UnitOfWorkFactory
    hasher: PasswordHasher
    clock: Clock
    ids: IdGenerator
    policy: ThrottlePolicy = attrs.field(factory=ThrottlePolicy)
    _decoy_hash: str = attrs.field(default="", repr=False)

    def _decoy(self) -> str:
        # Made on the first unknown username, not at startup: hashing reserves the KDF's
        # memory (64 MiB for Argon2), which every process would otherwise pay at boot.
        if not self._decoy_hash:
            self._decoy_hash = self.hasher.hash("decoy password")
        return self._decoy_hash

    async def __call__(self, cmd: Authenticate) -> User:
        """Return the active user; raise LoginThrottled (wait) or AuthenticationFailed."""
        keys = login_keys(cmd.username, cmd.address, self.policy)
        now = self.clock.now()
        since = now - self.policy.forget_after
        user: User | None = None
        async with self.uow() as uow:
            recent = await uow.login_failures.recent([k.key for k in keys], since=since)
            decision = decide_login(keys, recent, self.policy, now=now)
            if isinstance(decision, Wait):
                raise _throttled(decision, now)
            try:
                user = await uow.users.get_by_username(validate_username(cmd.username))
            except (NotFound, ValidationError):
                user = None
        stored = user.password_hash if user is not None else self._decoy()
        # Verify even for unknown users so response time does not reveal which usernames exist.
        matches = bool(stored) and self.hasher.verify(stored, cmd.password)
        if user is None or not matches or not user.is_active:
            await self._count_failure(cmd, keys)
            raise AuthenticationFailed("wrong username or password")
        if keys[0].key in recent:  # a write only when there is something to forget
            async with self.uow() as uow:
                await uow.login_failures.forget(keys[0].key)
                await uow.commit()
        return user

    async def _count_failure(self, cmd: Authenticate, keys: tuple[LoginKey, ...]) -> None:
        now = self.clock.now()
        async with self.uow() as uow:
            counted = await uow.login_failures.record(
                [k.key for k in keys], at=now, since=now - self.policy.forget_after
            )
            # Nobody is signed in: the throttle acts, from the attempt's address.
            actor = Actor(name="login-throttle", ip=cmd.address, user_agent=cmd.user_agent)
            for login_key in keys:
                failures = counted[login_key.key].count
                wait = self.policy.wait_after(failures, free=login_key.free)
                if wait:
                    await record(
                        uow,
                        self.ids,
                        actor,
                        at=now,
                        action="auth.lockout",
                        entity="login",
                        entity_id=login_key.key,
                        to_state=f"wait {math.ceil(wait.total_seconds())}s",
                        details={"failures": str(failures), "limit": login_key.kind},
                    )
            await uow.commit()


def _throttled(wait: Wait, now: datetime) -> LoginThrottled:
    seconds = max(1, math.ceil(wait.seconds_from(now)))
    return LoginThrottled(
        f"too many failed sign-ins for this {wait.kind}; try again in {seconds} s",
        retry_after=seconds,
    )
