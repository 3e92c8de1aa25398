"""LoginFailureLog: failed sign-ins counted per key, shared by every `lia serve` replica."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from lia_core.domain.login_throttle import FailedLogins

__all__ = ["LoginFailureLog"]


class LoginFailureLog(Protocol):
    """Failure counts by key (``user:<name>``, ``ip:<address>``), in the database so that
    replicas behind one load balancer throttle together (uow.login_failures)."""

    async def recent(self, keys: Sequence[str], *, since: datetime) -> Mapping[str, FailedLogins]:
        """The counts of *keys* whose last failure is at or after *since* (others left out)."""
        ...

    async def record(
        self, keys: Sequence[str], *, at: datetime, since: datetime
    ) -> Mapping[str, FailedLogins]:
        """Count one failure at *at* for each key and return the new counts.

        A key whose last failure is before *since* starts again at 1. The increment is one
        statement per key, so concurrent failures from several processes are all counted.
        """
        ...

    async def forget(self, key: str) -> None:
        """Drop a key's count (its username signed in)."""
        ...

    async def purge(self, *, before: datetime, limit: int) -> int:
        """Delete up to *limit* keys whose last failure is before *before*; how many went.

        Such a count would start again from zero anyway (`ThrottlePolicy.forget_after`): the
        rows only take space, a row per username and address an attack tried.
        """
        ...
