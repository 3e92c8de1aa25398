"""Login throttling: failed sign-ins counted per username and per client address, and the
exponential back-off they impose (a pure decision; the counts live behind a port).

A key may fail `free` times without waiting; from then on each failure makes the next
attempt wait twice as long as the one before (`base_delay`, twice it, four times, … up to `max_delay`).
A key with no failure for `forget_after` starts again from zero; a successful sign-in
forgets its username's failures (never its address's: one good account must not reset a
password-spraying address).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

import attrs

from lia_core.validation import aware

__all__ = [
    "FailedLogins",
    "LoginKey",
    "Proceed",
    "ThrottlePolicy",
    "Wait",
    "decide_login",
    "login_keys",
]

_MAX_KEY_CHARS = 128
"""The `login_failures.key` column's width."""


@attrs.frozen(kw_only=True)
class ThrottlePolicy:
    """How many failures are free per key, and how the wait grows after them."""

    free_per_username: int = 5
    free_per_address: int = 20
    """Higher than per username: staff behind one office NAT share an address."""
    base_delay: timedelta = timedelta(seconds=1)
    max_delay: timedelta = timedelta(minutes=15)
    forget_after: timedelta = timedelta(hours=1)
    """A key's count starts again when its last failure is older than this."""

    def __attrs_post_init__(self) -> None:
        if self.free_per_username < 1 or self.free_per_address < 1:
            raise ValueError("at least one free attempt per key")
        if not timedelta(0) < self.base_delay <= self.max_delay <= self.forget_after:
            raise ValueError("0 < base_delay <= max_delay <= forget_after")

    def wait_after(self, failures: int, *, free: int) -> timedelta:
        """How long the next attempt waits after *failures* failures of a key with *free*."""
        if failures < free:
            return timedelta(0)
        doublings = min(failures - free, 40)  # 2**40 s is past any cap: no float overflow
        wait: timedelta = self.base_delay * 2**doublings
        return min(self.max_delay, wait)


@attrs.frozen(kw_only=True)
class LoginKey:
    """What failures are counted by: ``user:<name>`` or ``ip:<address>``, and its free count."""

    key: str
    free: int
    kind: str
    """"username" or "address": which limit a refusal names."""


def login_keys(username: str, address: str | None, policy: ThrottlePolicy) -> tuple[LoginKey, ...]:
    """The keys one attempt counts against: the username as typed (trimmed, lowercase, so
    unknown names are throttled alike) and the client's address when known."""
    name = " ".join(username.split()).lower()
    keys = [
        LoginKey(
            key=f"user:{name}"[:_MAX_KEY_CHARS], free=policy.free_per_username, kind="username"
        )
    ]
    if address:
        keys.append(
            LoginKey(
                key=f"ip:{address}"[:_MAX_KEY_CHARS], free=policy.free_per_address, kind="address"
            )
        )
    return tuple(keys)


@attrs.frozen(kw_only=True)
class FailedLogins:
    """A key's recent failures: how many, and when the last one was."""

    key: str
    count: int
    last_at: datetime = attrs.field(validator=aware)


@attrs.frozen(kw_only=True)
class Proceed:
    """The attempt may check the password."""


@attrs.frozen(kw_only=True)
class Wait:
    """The attempt is refused unchecked until *until*; *kind* names the limit that holds it."""

    until: datetime
    kind: str

    def seconds_from(self, now: datetime) -> float:
        """Seconds left at *now* (what `Retry-After` says, rounded up by the caller)."""
        return max(0.0, (self.until - now).total_seconds())


def decide_login(
    keys: tuple[LoginKey, ...],
    failures: Mapping[str, FailedLogins],
    policy: ThrottlePolicy,
    *,
    now: datetime,
) -> Proceed | Wait:
    """Proceed, or Wait until the latest time any of the attempt's keys is held to."""
    held: Wait | None = None
    for login_key in keys:
        known = failures.get(login_key.key)
        if known is None or now - known.last_at >= policy.forget_after:
            continue
        until = known.last_at + policy.wait_after(known.count, free=login_key.free)
        if until > now and (held is None or until > held.until):
            held = Wait(until=until, kind=login_key.kind)
    return held if held is not None else Proceed()
