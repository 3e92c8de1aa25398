"""In-memory failed sign-ins per key: operations staged, replayed on the committed counts at
commit (as the SQL upsert adds to whatever another transaction committed)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from lia_adapters.memory._login_failure_rows import LoginFailureOp, replay
from lia_adapters.memory._tables import Staging
from lia_core.domain.login_throttle import FailedLogins

__all__ = ["InMemoryLoginFailureLog"]


class InMemoryLoginFailureLog:
    """Counts held in an `InMemoryStore`."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    def _view(self) -> dict[str, FailedLogins]:
        counts = dict(self._uow.store.login_failures)
        replay(counts, self._uow.staged.login_failure_ops)
        return counts

    async def recent(self, keys: Sequence[str], *, since: datetime) -> Mapping[str, FailedLogins]:
        """The keys' counts whose last failure is at or after *since*."""
        view = self._view()
        return {k: view[k] for k in keys if k in view and view[k].last_at >= since}

    async def record(
        self, keys: Sequence[str], *, at: datetime, since: datetime
    ) -> Mapping[str, FailedLogins]:
        """Stage one failure per key; the counts as they will be committed."""
        unique = list(dict.fromkeys(keys))
        self._uow.staged.login_failure_ops.extend(
            LoginFailureOp(key=key, at=at, since=since) for key in unique
        )
        view = self._view()
        return {key: view[key] for key in unique}

    async def forget(self, key: str) -> None:
        """Stage the key's removal."""
        self._uow.staged.login_failure_ops.append(LoginFailureOp(key=key))

    async def purge(self, *, before: datetime, limit: int) -> int:
        """Stage the removal of up to *limit* keys last failed before *before*."""
        stale = sorted(k for k, f in self._view().items() if f.last_at < before)[:limit]
        self._uow.staged.login_failure_ops.append(LoginFailureOp(purge=frozenset(stale)))
        return len(stale)
