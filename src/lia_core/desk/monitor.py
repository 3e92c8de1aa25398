"""The SLA monitor: visits the tickets whose `next_check_at` has come, in batches.

Each batch is one transaction: take up to `batch` due tickets (`FOR UPDATE SKIP LOCKED` on
PostgreSQL, so two monitors never take the same one), run each through the desk's `settle`
pipeline (SLA events once per clock, threshold and reopening, the rules, their `notify-user`
jobs, the new index), save them together (`save_many`, each row still conditional on its
version) and commit. A tick works in rounds: count what is due (an index-only count), take
it in up to `lanes` batches at once, and go on while a round left some; so its cost follows
what is due, never what is open. One ticket that fails cannot hold
back the others: the batch is retried ticket by ticket, and a ticket that still fails is
looked at again after `RETRY_AFTER` (nothing of it was committed, so no alert is lost).
A new desk-policy revision re-indexes every live ticket once (`reschedule_live`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Protocol

import attrs

from lia_core.desk.alerts import DIGEST_AFTER, About, BatchedStaffNotifier, OutboxStaffNotifier
from lia_core.desk.events import sla_alert_wires
from lia_core.desk.index import index_ticket
from lia_core.desk.plan import AppliedVisit, DueVisits, VisitPlan
from lia_core.desk.service import Desk, PolicySource
from lia_core.desk.settle import Settled, gather, plan_now, settle, sla_policy_of
from lia_core.domain.tickets import EventKind, Ticket
from lia_core.errors import ValidationError
from lia_core.ports import Clock, UnitOfWorkFactory

__all__ = [
    "DEFAULT_BATCH",
    "DEFAULT_INTERVAL_SECONDS",
    "DEFAULT_LANES",
    "DEFAULT_PLANNER_INTERVAL_SECONDS",
    "MAX_BATCHES",
    "MAX_LANES",
    "MIN_LANE",
    "PLAN_HORIZON",
    "RETRY_AFTER",
    "MonitorObserver",
    "MonitorReport",
    "SlaMonitor",
]

DEFAULT_INTERVAL_SECONDS = 15.0
"""How often the worker runs a tick (`LIA_DESK__MONITOR_INTERVAL_SECONDS`)."""
DEFAULT_PLANNER_INTERVAL_SECONDS = 5.0
"""How often the worker plans the visits of tickets saved since (`LIA_DESK__PLANNER_INTERVAL_SECONDS`)."""
DEFAULT_BATCH = 1000
"""Tickets per transaction (`LIA_DESK__MONITOR_BATCH`)."""
DEFAULT_LANES = 2
"""Batches a round runs at once on PostgreSQL (`LIA_DESK__MONITOR_LANES`)."""
MAX_LANES = 8
MIN_LANE = 100
"""Tickets a lane takes at least: fewer due than twice this run as one batch."""
MAX_BATCHES = 50
"""Batches per tick at most: after a policy change re-indexed every live ticket, the backlog
is worked through over several ticks, so outbound dispatch in the same worker never waits long."""
RETRY_AFTER = timedelta(minutes=1)
"""When a ticket that failed on its own is looked at again."""
PLAN_HORIZON = timedelta(hours=1)
"""The planner plans the tickets whose next check comes within this (the rest as it nears:
a plan made days ahead would mostly be undone by the ticket's next event)."""

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
    """Tickets visited and saved (from their plans or through the pipeline)."""
    planned: int = 0
    """Of those, tickets whose visits were applied from their plans (no timeline read)."""
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

    def count_applied(self, applied: AppliedVisit) -> None:
        """Fold in visits the store applied from a plan."""
        self.visited += 1
        self.planned += 1
        self._events(applied.kinds)

    def count(self, before: Ticket, settled: Settled) -> None:
        """Fold one visit in: the events the pipeline added and the jobs it queued."""
        self.visited += 1
        self.alerts += settled.queued
        self._events(e.kind for e in settled.ticket.timeline.events[len(before.timeline.events) :])

    def _events(self, kinds: Iterable[EventKind]) -> None:
        for kind in kinds:
            name = _COUNTED.get(kind)
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


@attrs.frozen(kw_only=True)
class _Take:
    """What one batch did, for its round: tickets taken; whether an applied visit left its
    ticket due again at once (the monitor was late by two thresholds); whether a ticket
    failed and could not even be deferred (it would come back at once: the tick ends)."""

    taken: int
    again: bool = False
    stuck: bool = False


def _check_lanes(lanes: int) -> int:
    if not 1 <= lanes <= MAX_LANES:
        raise ValidationError(
            f"the monitor's lanes must be between 1 and {MAX_LANES}", field="lanes"
        )
    return lanes


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
    lanes: int = attrs.field(default=1, converter=_check_lanes)
    """Batches a round runs at once, each in its own transaction (1 on SQLite: one writer)."""
    min_lane: int = MIN_LANE
    """Tickets a lane takes at least (tests lower it to run lanes over a few tickets)."""
    digest_after: int = DIGEST_AFTER
    """Alerts of one policy for one staff member per batch beyond which a digest goes instead."""
    plan_horizon: timedelta = PLAN_HORIZON
    """How far ahead `plan_ahead` looks for tickets to plan."""
    use_plans: bool = True
    """False: every due ticket runs through the pipeline, plans ignored (the oracle of the
    plan tests; a way to rule plans out when a visit looks wrong)."""
    _seen: int | None = attrs.field(default=_UNSEEN, init=False)

    async def tick(self) -> MonitorReport:
        """Visit what is due now (after re-indexing for a new policy revision); report it."""
        revision, _ = await self.policies.current()
        report = MonitorReport(revision=revision)
        await self._follow(revision, report)
        while report.batches < MAX_BATCHES and await self._round(report):
            pass
        self.observer.ticked(report)
        return report

    async def _round(self, report: MonitorReport) -> bool:
        """Count what is due, take it in up to `lanes` batches at once; whether to go on.

        The batches of a round split the count evenly (none under `min_lane` tickets), each
        in its own transaction: while one waits on the database another runs its Python, and
        the two statements run on two server processes. Their takes skip each other's rows
        (`SKIP LOCKED`), so a round may leave a few: it goes on when it took something and
        the count was more than it took, or a visit left its ticket due again.
        """
        capacity = self.lanes * self.batch
        async with self.uow() as uow:
            due = await uow.tickets.count_due(self.clock.now(), limit=capacity + 1)
        if due == 0:
            return False
        size = min(due, capacity)
        lanes = max(1, min(self.lanes, size // max(self.min_lane, 1)))
        limit = -(-size // lanes)
        done = await asyncio.gather(
            *(self._run_batch(report, limit=limit, plans=self.use_plans) for _ in range(lanes))
        )
        report.batches += lanes
        if any(take.stuck for take in done):
            return False
        taken = sum(take.taken for take in done)
        return any(take.again for take in done) or (taken > 0 and due > taken)

    async def plan_ahead(self) -> int:
        """Plan the coming visits of the tickets a save left without a plan whose next check
        comes within *plan_horizon*; how many.

        Saves do not plan (it would cost every change, on the gate's path too), so the
        worker runs this right behind them: a batch per transaction, rows locked SKIP LOCKED
        so several workers share it, at most MAX_BATCHES a call. A ticket with something due
        right now is left to the next tick, whose pipeline visit plans it.
        """
        planned = 0
        for _ in range(MAX_BATCHES):
            now = self.clock.now()
            _, desk = await self.policies.current()
            async with self.uow() as uow:
                tickets = await uow.tickets.unplanned(
                    before=now + self.plan_horizon, limit=self.batch
                )
                plans: list[tuple[Ticket, VisitPlan]] = []
                for ticket in tickets:
                    gathered = await gather(uow, ticket, desk, now=now)
                    plan = plan_now(ticket, desk=desk, gathered=gathered, now=now)
                    if plan is not None:
                        plans.append((ticket, plan))
                planned += await uow.tickets.set_plans(plans)
                await uow.commit()
            if len(tickets) < self.batch or not plans:
                break
        return planned

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

    async def _run_batch(self, report: MonitorReport, *, limit: int, plans: bool = True) -> _Take:
        """One transaction over up to *limit* due tickets.

        The store applies the visits whose plans hold (`visit_due`, no timeline read); the
        others run through the pipeline. An applied visit can leave its ticket due again (the
        monitor was late by two thresholds). A ticket that failed and could not even be
        deferred ends the tick: it would come back in the next batch. If taking the batch itself fails (a plan the store cannot read),
        the batch is taken again without *plans*: every ticket through the pipeline, which
        saves each with a fresh plan.
        """
        now = self.clock.now()
        taken: Sequence[str] = ()
        visit = MonitorReport()
        try:
            _, desk = await self.policies.current()
            notifier = BatchedStaffNotifier(self.notifier, digest_after=self.digest_after)
            async with self.uow() as uow:
                if plans:
                    due = await uow.tickets.visit_due(now, limit=limit, revision=desk.revision)
                    tickets = await uow.tickets.get_many(due.unplanned)
                else:
                    tickets = await uow.tickets.due(now, limit=limit)
                    due = DueVisits(unplanned=tuple(t.id for t in tickets))
                taken = [a.ticket_id for a in due.applied] + list(due.unplanned)
                settled: list[Settled] = []
                for ticket in tickets:
                    done = await settle(
                        uow, ticket, desk=desk, notifier=notifier, now=now, plan_ahead=plans
                    )
                    visit.count(ticket, done)
                    settled.append(done)
                    added = done.ticket.timeline.events[len(ticket.timeline.events) :]
                    uow.events.publish(
                        *sla_alert_wires(
                            ticket.id, ticket.department, ((e.kind, e.data) for e in added), at=now
                        )
                    )
                # One statement each for the rows (still conditional on their versions), the
                # new events and the staff jobs of the whole batch.
                await uow.tickets.save_many([(s.ticket, s.index) for s in settled], at=now)
                for applied in due.applied:
                    for alert in applied.alerts:
                        about = About(
                            ticket_id=applied.ticket_id,
                            department=applied.department,
                            cycle=applied.cycle,
                            text=alert.text,
                        )
                        notifier.stage(
                            about, policy=alert.policy, cause=alert.cause, now=now, desk=desk
                        )
                    visit.count_applied(applied)
                    uow.events.publish(
                        *sla_alert_wires(
                            applied.ticket_id,
                            applied.department,
                            zip(applied.kinds, applied.data, strict=True),
                            at=now,
                        )
                    )
                visit.alerts = await notifier.flush(uow)
                await uow.commit()
        except Exception:  # retried one by one below; nothing of the batch was committed
            self.observer.failed(list(taken), isolated=False)
            if not taken and plans:
                return await self._run_batch(report, limit=limit, plans=False)
            stuck = not taken
            for ticket_id in taken:
                stuck = not await self._alone(ticket_id, report) or stuck
            return _Take(taken=len(taken), stuck=stuck)
        _fold(report, visit)
        again = any(a.next_check_at is not None and a.next_check_at <= now for a in due.applied)
        return _Take(taken=len(taken), again=again)

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
    for name in ("visited", "planned", "warnings", "breaches", "met", "notified", "alerts"):
        setattr(report, name, getattr(report, name) + getattr(visit, name))
