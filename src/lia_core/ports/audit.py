"""The audit log port: every staff action, written in the transaction of the change it records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from lia_core.domain.activity import Activity, ActivityFilter

__all__ = ["ActivityLog"]


class ActivityLog(Protocol):
    """The `activity_logs` table: append-only, read newest first."""

    async def add(self, entry: Activity) -> None:
        """Record *entry* with the unit of work's other changes.

        Raises:
            AlreadyExists: an entry with its id is already recorded.
        """
        ...

    async def list(self, filter: ActivityFilter, *, limit: int) -> Sequence[Activity]:
        """At most *limit* entries matching every condition of *filter*, newest first.

        Entries at the same instant come by id, descending, so pages are stable.
        """
        ...
