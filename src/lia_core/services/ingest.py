"""Storing what webhooks bring: customer messages (idempotently) and delivery receipts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import attrs

from lia_core.domain.conversations import PendingInbound
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage, MessageStatus, StatusUpdate
from lia_core.domain.matching import FailureIndex
from lia_core.ports import Clock, IdGenerator, UnitOfWorkFactory
from lia_core.services.failures import CheckLocationHandler
from lia_core.services.message_events import receipt_events

__all__ = ["ActiveFailures", "IngestHandler", "IngestReport", "latest_receipts"]

_DELIVERED = frozenset({MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ})


@attrs.frozen(kw_only=True)
class IngestReport:
    """What one group commit stored."""

    new: tuple[PendingInbound, ...]
    duplicates: int
    receipts_changed: int
    settled_job_ids: tuple[str, ...]


def latest_receipts(updates: Sequence[StatusUpdate]) -> list[StatusUpdate]:
    """One receipt per message: the highest-ranked (a statement may not touch a row twice)."""
    best: dict[tuple[Channel, str], StatusUpdate] = {}
    for update in updates:
        key = (update.channel, update.provider_message_id)
        seen = best.get(key)
        if seen is None or update.status.rank > seen.status.rank:
            best[key] = update
    return list(best.values())


@attrs.frozen
class IngestHandler:
    """Write a batch of webhook items in one transaction; redeliveries change nothing."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator

    async def __call__(
        self, messages: Sequence[InboundMessage], receipts: Sequence[StatusUpdate] = ()
    ) -> IngestReport:
        """Store messages and receipts; settle uncertain jobs a receipt proves were sent."""
        now = self.clock.now()
        unique = list({m.key: m for m in messages}.values())
        latest = latest_receipts(receipts)
        delivered = {
            r.idempotency_key: r.provider_message_id
            for r in latest
            if r.idempotency_key and r.status in _DELIVERED
        }
        new: Sequence[PendingInbound] = ()
        changed = 0
        settled: Sequence[str] = ()
        async with self.uow() as uow:
            if unique:
                pairs = [(self.ids.new_id(), m) for m in unique]
                new = await uow.messages.add_inbound(pairs, stored_at=now)
            if latest:
                moved = await uow.messages.record_receipts(latest)
                changed = len(moved)
                if moved:
                    uow.events.publish(*await receipt_events(uow, moved, at=now))
            if delivered:
                settled = await uow.outbox.settle_delivered(delivered, now=now)
            await uow.commit()
        return IngestReport(
            new=tuple(new),
            duplicates=len(messages) - len(new),
            receipts_changed=changed,
            settled_job_ids=tuple(settled),
        )


FAILURES_MAX_AGE = timedelta(seconds=1)
"""How often the in-memory index of active failures re-checks the database, by default."""


@attrs.define
class ActiveFailures:
    """The index of active failures, re-validated at most every *max_age*.

    With no failure active the gate then costs no database call per message; a failure
    declared or resolved anywhere is seen within *max_age*.
    """

    source: CheckLocationHandler
    clock: Clock
    max_age: timedelta = FAILURES_MAX_AGE
    _index: FailureIndex | None = None
    _checked_at: datetime | None = None

    async def get(self) -> FailureIndex:
        """The current index (from memory when checked recently)."""
        now = self.clock.now()
        if (
            self._index is None
            or self._checked_at is None
            or now - self._checked_at >= self.max_age
        ):
            self._index = await self.source.index()
            self._checked_at = now
        return self._index

    def invalidate(self) -> None:
        """Forget the index (this process just changed a failure)."""
        self._index = None
