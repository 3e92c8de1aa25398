"""The SLA monitor: visits the tickets whose `next_check_at` has come, in batches.

Each batch is one transaction: take up to `batch` due tickets (`FOR UPDATE SKIP LOCKED` on
PostgreSQL, so two monitors never take the same one), run each through the desk's `settle`
pipeline (SLA events once per clock, threshold and reopening, the rules, their `notify-user`
jobs, the new index), save them together (`save_many`, each row still conditional on its
version) and commit. A tick repeats while a full batch came
back, so its cost follows what is due, never what is open. One ticket that fails cannot hold
back the others: the batch is retried ticket by ticket, and a ticket that still fails is
looked at again after `RETRY_AFTER` (nothing of it was committed, so no alert is lost).
A new desk-policy revision re-indexes every live ticket once (`reschedule_live`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol

import attrs

from lia_core.desk.alerts import BatchedStaffNotifier, OutboxStaffNotifier
from lia_core.desk.index import index_ticket
from lia_core.desk.service import Desk, PolicySource
from lia_core.desk.settle import Settled, settle, sla_policy_of
from lia_core.domain.tickets import EventKind, Ticket
from lia_core.errors import ValidationError
from lia_core.ports import Clock, UnitOfWorkFactory

__all__ = [
    "DEFAULT_BATCH",
    "DEFAULT_INTERVAL_SECONDS",
    "MAX_BATCHES",
    "RETRY_AFTER",
    "MonitorObserver",
    "MonitorReport",
    "SlaMonitor",
]

DEFAULT_INTERVAL_SECONDS = 15.0
"""How often the worker runs a tick (`LIA_DESK__MONITOR_INTERVAL_SECONDS`)."""
DEFAULT_BATCH = 200
"""Tickets per transaction (`LIA_DESK__MONITOR_BATCH`)."""
MAX_BATCHES = 50
"""Batches per tick at most: after a policy change re-indexed every live ticket, the backlog
is worked through over several ticks, so outbound dispatch in the same worker never waits long."""
RETRY_AFTER = timedelta(minutes=1)
"""When a ticket that failed on its own is looked at again."""

_COUNTED = {
    EventKind.SLA_WARNING: "warnings",
    EventKind.SLA_BREACHED: "breaches",
    EventKind.SLA_MET: "met",
    EventKind.NOTIFIED: "notified",
}


@attrs.define(kw_only=True)
class MonitorReport:
    """What one tick did."""

    visited: int = 0
    """Tickets run through the pipeline and saved."""
    warnings: int = 0
    breaches: int = 0
    met: int = 0
    """Clocks recorded as stopped (hit or miss)."""
    notified: int = 0
    """Rule notifications recorded."""
    alerts: int = 0
    """`notify-user` jobs queued."""
    failed: int = 0
    """Tickets that failed on their own (deferred by `RETRY_AFTER`)."""
    batches: int = 0
    rescheduled: int = 0
    """Live tickets re-indexed because a new desk-policy revision appeared."""
    revision: int | None = None
    """The desk-policy revision in force (None: the built-in policy)."""

    @property
    def changed(self) -> bool:
        """Whether anything happened worth an info line."""
        return bool(
            self.warnings
            or self.breaches
            or self.met
            or self.notified
            or self.alerts
            or self.failed
            or self.rescheduled
        )

    def count(self, before: Ticket, settled: Settled) -> None:
        """Fold one visit in: the events the pipeline added and the jobs it queued."""
        self.visited += 1
        self.alerts += settled.queued
        for event in settled.ticket.timeline.events[len(before.timeline.events) :]:
            name = _COUNTED.get(event.kind)
            if name is not None:
                setattr(self, name, getattr(self, name) + 1)


class MonitorObserver(Protocol):
    """Told what the monitor did (entrypoints log it; the core does not log)."""

    def ticked(self, report: MonitorReport) -> None:
        """A tick ended."""
        ...

    def failed(self, ticket_ids: Sequence[str], *, isolated: bool) -> None:
        """A batch (or, *isolated*, one ticket) raised; called inside the `except`."""
        ...


def _check(batch: int) -> int:
    if not 1 <= batch <= 10_000:
        raise ValidationError("the monitor's batch must be between 1 and 10000", field="batch")
    return batch


_UNSEEN = -1
"""No revision looked at yet (revisions are positive; None is the built-in policy)."""


@attrs.define
class SlaMonitor:
    """Runs ticks; keeps only the desk-policy revision it last saw between them."""

    uow: UnitOfWorkFactory
    clock: Clock
    desk: Desk
    policies: PolicySource
    observer: MonitorObserver
    notifier: OutboxStaffNotifier
    """Makes the staff jobs (the desk's own): a batch's are staged and queued at once."""
    batch: int = attrs.field(default=DEFAULT_BATCH, converter=_check)
    _seen: int | None = attrs.field(default=_UNSEEN, init=False)

    async def tick(self) -> MonitorReport:
        """Visit what is due now (after re-indexing for a new policy revision); report it."""
        revision, _ = await self.policies.current()
        report = MonitorReport(revision=revision)
        await self._follow(revision, report)
        while report.batches < MAX_BATCHES:
            taken, stuck = await self._run_batch(report)
            report.batches += 1
            if taken < self.batch or stuck:
                break
        self.observer.ticked(report)
        return report

    async def _follow(self, revision: int | None, report: MonitorReport) -> None:
        """Re-index every live ticket when the revision in force is not the one seen last.

        The first tick of a process only notes the revision: tickets were indexed by whoever
        last changed them. Each process re-indexes once per revision it sees change, which
        also covers a process that ran the old policy for a few seconds of cache.
        """
        if self._seen == _UNSEEN or revision == self._seen:
            self._seen = revision
            return
        async with self.uow() as uow:
            report.rescheduled = await uow.tickets.reschedule_live(self.clock.now())
            await uow.commit()
        self._seen = revision

    async def _run_batch(self, report: MonitorReport) -> tuple[int, bool]:
        """One transaction over the due tickets: (how many were taken, whether one is stuck).

        A stuck ticket failed and could not even be deferred: it would come back in the
        next batch, so the tick ends there.
        """
        now = self.clock.now()
        due: Sequence[Ticket] = ()
        visit = MonitorReport()
        try:
            _, desk = await self.policies.current()
            notifier = BatchedStaffNotifier(self.notifier)
            async with self.uow() as uow:
                due = await uow.tickets.due(now, limit=self.batch)
                settled: list[Settled] = []
                for ticket in due:
                    done = await settle(uow, ticket, desk=desk, notifier=notifier, now=now)
                    visit.count(ticket, done)
                    settled.append(done)
                # One statement each for the rows (still conditional on their versions), the
                # new events and the staff jobs of the whole batch.
                await uow.tickets.save_many([(s.ticket, s.index) for s in settled], at=now)
                visit.alerts = await notifier.flush(uow)
                await uow.commit()
        except Exception:  # retried one by one below; nothing of the batch was committed
            ids = [ticket.id for ticket in due]
            self.observer.failed(ids, isolated=False)
            stuck = not ids
            for ticket_id in ids:
                stuck = not await self._alone(ticket_id, report) or stuck
            return len(ids), stuck
        _fold(report, visit)
        return len(due), False

    async def _alone(self, ticket_id: str, report: MonitorReport) -> bool:
        """Visit one ticket in its own transaction; if it fails again, defer it.

        False when it is stuck: it failed and could not be deferred either.
        """
        now = self.clock.now()
        try:
            async with self.uow() as uow:
                ticket = await uow.tickets.get(ticket_id, for_update=True)
                if ticket.status.is_final:
                    return True
                visit = MonitorReport()
                visit.count(ticket, await self.desk.revisit(uow, ticket, now=now))
                await uow.commit()
            _fold(report, visit)
            return True
        except Exception:  # reported; the ticket is deferred, the others go on
            self.observer.failed([ticket_id], isolated=True)
            report.failed += 1
        return await self._defer(ticket_id)

    async def _defer(self, ticket_id: str) -> bool:
        """Look at the ticket again after `RETRY_AFTER` (its index otherwise as computed now)."""
        now = self.clock.now()
        try:
            async with self.uow() as uow:
                ticket = await uow.tickets.get(ticket_id, for_update=True)
                _, desk = await self.policies.current()
                index = index_ticket(ticket, sla_policy_of(ticket, desk), now=now)
                later = attrs.evolve(index, next_check_at=now + RETRY_AFTER)
                await uow.tickets.save(ticket, later, at=now)
                await uow.commit()
        except Exception:  # it stays due: the next tick tries it again
            self.observer.failed([ticket_id], isolated=True)
            return False
        return True


def _fold(report: MonitorReport, visit: MonitorReport) -> None:
    """Add a committed visit's counts to the tick's report."""
    for name in ("visited", "warnings", "breaches", "met", "notified", "alerts"):
        setattr(report, name, getattr(report, name) + getattr(visit, name))
