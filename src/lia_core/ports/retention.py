"""RetentionStore: the purges of old rows (uow.retention), a bounded batch per call."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from lia_core.domain.retention import RetentionTarget

__all__ = ["RetentionStore"]


class RetentionStore(Protocol):
    """Finds and purges rows older than a cutoff, in batches the caller commits one by one.

    What is old, per target: an outbox job whose status is finished (`FINISHED_JOBS`) and
    whose ``created_at`` and ``updated_at`` are before the cutoff; an inbound message that was
    processed, stored before the cutoff and not yet blanked; an audit row written before it.
    """

    async def count(self, target: RetentionTarget, *, before: datetime) -> int:
        """How many rows of *target* a purge with this cutoff would touch."""
        ...

    async def purge(
        self, target: RetentionTarget, *, before: datetime, now: datetime, limit: int
    ) -> int:
        """Purge at most *limit* old rows of *target* (oldest first); how many were purged.

        Outbox jobs are deleted with their dead letters, audit rows deleted, inbound messages
        blanked (text, display name, details, reply id) and stamped *now*. A job that is not
        finished is never touched, whatever its age.
        """
        ...
