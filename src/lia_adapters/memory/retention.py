"""InMemoryRetentionStore: the retention purges over the fake's rows (as sql/retention.py)."""

from __future__ import annotations

from datetime import datetime

import attrs

from lia_adapters.memory._tables import Staging
from lia_core.domain.retention import FINISHED_JOBS, RetentionTarget

__all__ = ["InMemoryRetentionStore"]


class InMemoryRetentionStore:
    """Stages the purges in the unit of work; the commit applies them."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    def _old(self, target: RetentionTarget, before: datetime) -> list[str]:
        """The ids of *target*'s old rows, oldest first."""
        store, staged = self._uow.store, self._uow.staged
        match target:
            case RetentionTarget.OUTBOX:
                jobs = {**store.jobs, **staged.jobs}
                found = [
                    (j.created_at, j.id)
                    for j in jobs.values()
                    if j.id not in staged.purged_jobs
                    and j.status in FINISHED_JOBS
                    and j.created_at < before
                    and j.updated_at < before
                ]
            case RetentionTarget.WEBHOOKS:
                ours, theirs = staged.conversation_tables, store.conversation_tables
                inbound = {**theirs.inbound, **ours.inbound}
                processed = {**theirs.processed, **ours.processed}
                redacted = {**theirs.redacted, **ours.redacted}
                found = [
                    (p.stored_at, mid)
                    for mid, p in inbound.items()
                    if mid in processed and mid not in redacted and p.stored_at < before
                ]
            case RetentionTarget.AUDIT:
                entries = {**store.activity, **staged.activity}
                found = [
                    (e.at, e.id)
                    for e in entries.values()
                    if e.id not in staged.purged_activity and e.at < before
                ]
        return [rid for _, rid in sorted(found)]

    async def count(self, target: RetentionTarget, *, before: datetime) -> int:
        """How many rows of *target* a purge with this cutoff would touch."""
        previews = self._old_previews(before) if target is RetentionTarget.WEBHOOKS else []
        return len(self._old(target, before)) + len(previews)

    async def purge(
        self, target: RetentionTarget, *, before: datetime, now: datetime, limit: int
    ) -> int:
        """Stage the purge of at most *limit* old rows of *target*, oldest first."""
        chosen = self._old(target, before)[:limit]
        staged = self._uow.staged
        match target:
            case RetentionTarget.OUTBOX:
                staged.purged_jobs.update(chosen)
                for job_id in chosen:
                    staged.jobs.pop(job_id, None)
            case RetentionTarget.WEBHOOKS:
                previews = self._old_previews(before)[: limit - len(chosen)]
                self._blank(chosen, now)
                for cid in previews:
                    staged.conversation_tables.blank_previews[cid] = before
                return len(chosen) + len(previews)
            case RetentionTarget.AUDIT:
                staged.purged_activity.update(chosen)
                for entry_id in chosen:
                    staged.activity.pop(entry_id, None)
        return len(chosen)

    def _old_previews(self, before: datetime) -> list[str]:
        """Conversations whose preview (`last_message`) is older than *before* and not blank."""
        ours, theirs = self._uow.staged.conversation_tables, self._uow.store.conversation_tables
        found = {**theirs.conversations, **ours.conversations}
        return [
            c.id
            for c in sorted(found.values(), key=lambda c: (c.last_message_at, c.id))
            if c.last_message and c.last_message_at < before and c.id not in ours.blank_previews
        ]

    def _blank(self, message_ids: list[str], now: datetime) -> None:
        ours, theirs = self._uow.staged.conversation_tables, self._uow.store.conversation_tables
        for mid in message_ids:
            pending = ours.inbound.get(mid) or theirs.inbound[mid]
            ours.inbound[mid] = attrs.evolve(
                pending,
                message=attrs.evolve(
                    pending.message, text="", display_name="", details={}, reply_id=None
                ),
            )
            stored = ours.messages.get(mid) or theirs.messages.get(mid)
            if stored is not None:
                ours.messages[mid] = attrs.evolve(stored, text="", details={}, reply_id=None)
            ours.redacted[mid] = now
