"""The SLA monitor over the in-memory store: thresholds once, batches, failures, new revisions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import attrs
import pytest

from lia_adapters.memory import FixedClock, InMemoryStore, SequentialIds
from lia_core.desk.alerts import About, OutboxStaffNotifier
from lia_core.desk.commands import Note, OpenTicket
from lia_core.desk.monitor import RETRY_AFTER, MonitorReport, SlaMonitor
from lia_core.desk.policy import DeskPolicy
from lia_core.desk.service import Desk
from lia_core.domain.activity import Actor
from lia_core.domain.delivery import Channel, OutboundJob
from lia_core.domain.realtime import RealtimeKind
from lia_core.domain.tickets import EventKind, Priority, Ticket
from lia_core.domain.users import Role, User
from lia_core.errors import ValidationError
from lia_core.escalation.book import RuleBook
from lia_core.sla.calendar import BusinessCalendar
from lia_core.sla.policy import PolicyBook, SlaPolicy, SlaTargets, Target
from lia_core.sla.readings import Metric, SlaState

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ROUND_CLOCK = DeskPolicy(
    sla=PolicyBook(
        fallback=SlaPolicy(
            name="round-the-clock",
            calendar=BusinessCalendar.always(),
            by_priority={
                Priority.MEDIUM: SlaTargets(
                    first_response=Target.calendar(10), resolution=Target.calendar(100)
                )
            },
        )
    ),
    rules=RuleBook(rules=()),
    channels={"sla-alert": (Channel.SANDBOX,)},
)
"""24/7, resolution due 100 minutes after opening (warning at 70), alerts on the sandbox."""


@attrs.define
class Revisions:
    """A policy source whose revision a test changes."""

    revision: int | None = None
    policy: DeskPolicy = ROUND_CLOCK

    async def current(self) -> tuple[int | None, DeskPolicy]:
        """The revision set by the test."""
        return self.revision, self.policy


@attrs.define
class Observed:
    """What the monitor reported."""

    ticks: list[MonitorReport] = attrs.Factory(list)
    failures: list[tuple[tuple[str, ...], bool]] = attrs.Factory(list)

    def ticked(self, report: MonitorReport) -> None:
        """Keep the report."""
        self.ticks.append(report)

    def failed(self, ticket_ids: Sequence[str], *, isolated: bool) -> None:
        """Keep the failure."""
        self.failures.append((tuple(ticket_ids), isolated))


@attrs.frozen
class Breaking(OutboxStaffNotifier):
    """Staff jobs as usual, except for the tickets in *broken*: those raise."""

    broken: set[str] = attrs.Factory(set)

    def jobs_about(
        self,
        about: About,
        staff: Sequence[User],
        *,
        policy: str,
        cause: str,
        now: datetime,
        desk: DeskPolicy,
    ) -> list[OutboundJob]:
        """Raise for a broken ticket (planned visits and the pipeline both come here)."""
        if about.ticket_id in self.broken:
            raise RuntimeError("the outbox is unwell")
        return super().jobs_about(about, staff, policy=policy, cause=cause, now=now, desk=desk)


@attrs.define
class World:
    """A store with one supervisor, a desk on it, and a monitor."""

    store: InMemoryStore
    clock: FixedClock
    desk: Desk
    monitor: SlaMonitor
    source: Revisions
    observed: Observed
    notifier: Breaking

    async def open(self, n: int = 1) -> list[Ticket]:
        """Open *n* tickets by hand now."""
        return [
            await self.desk.open(OpenTicket(subject=f"Sem internet {i}"), Actor(name="ana"))
            for i in range(n)
        ]

    async def events(self, ticket_id: str, kind: EventKind) -> int:
        """How many *kind* events the stored ticket has."""
        async with self.store.unit_of_work() as uow:
            ticket = await uow.tickets.get(ticket_id)
        return sum(1 for e in ticket.timeline.events if e.kind is kind)

    async def jobs(self) -> int:
        """Outbox jobs queued so far."""
        async with self.store.unit_of_work() as uow:
            return len(await uow.outbox.list(status=None, recipient=None, limit=1000))


@pytest.fixture
async def world() -> World:
    """An empty desk at T0 with one supervisor, monitored in batches of two."""
    store = InMemoryStore()
    clock = FixedClock(T0)
    ids = SequentialIds("t")
    source = Revisions()
    notifier = Breaking(ids)
    desk = Desk(uow=store.unit_of_work, clock=clock, ids=ids, policies=source, notifier=notifier)
    observed = Observed()
    monitor = SlaMonitor(
        uow=store.unit_of_work,
        clock=clock,
        desk=desk,
        policies=source,
        observer=observed,
        notifier=notifier,
        batch=2,
    )
    async with store.unit_of_work() as uow:
        await uow.users.add(
            User(id="u-1", username="sofia", role=Role.SUPERVISOR, password_hash="x", created_at=T0)
        )
        await uow.commit()
    return World(store, clock, desk, monitor, source, observed, notifier)


async def test_a_threshold_is_raised_once_with_its_alert(world: World) -> None:
    """The warning is recorded and alerted once, however many ticks pass; then the breach."""
    (ticket,) = await world.open()
    assert (await world.monitor.tick()).visited == 0
    world.clock.set(T0 + timedelta(minutes=70))
    first = await world.monitor.tick()
    assert (first.visited, first.warnings, first.breaches, first.alerts) == (1, 1, 0, 1)
    for _ in range(3):
        world.clock.advance(minutes=5)
        again = await world.monitor.tick()
        assert (again.visited, again.warnings, again.alerts) == (0, 0, 0)
    world.clock.set(T0 + timedelta(minutes=100))
    breach = await world.monitor.tick()
    assert (breach.breaches, breach.alerts) == (1, 1)
    assert await world.events(ticket.id, EventKind.SLA_WARNING) == 1
    assert await world.events(ticket.id, EventKind.SLA_BREACHED) == 1
    assert await world.jobs() == 2
    assert (await world.monitor.tick()).visited == 0  # breached: nothing left to cross


async def test_a_tick_repeats_while_full_batches_come_back(world: World) -> None:
    """Five due tickets with batches of two: three batches in one tick, every one visited."""
    await world.open(5)
    world.clock.set(T0 + timedelta(minutes=71))
    report = await world.monitor.tick()
    assert (report.visited, report.warnings, report.batches) == (5, 5, 3)


async def test_a_full_batch_that_took_everything_due_ends_the_tick(world: World) -> None:
    """Four due with batches of two: two batches, no third one to find nothing."""
    await world.open(4)
    world.clock.set(T0 + timedelta(minutes=71))
    report = await world.monitor.tick()
    assert (report.visited, report.batches) == (4, 2)
    assert (await world.monitor.tick()).batches == 0  # nothing due: the count alone


@pytest.mark.parametrize(
    ("due", "lanes", "batches"),
    [
        (7, 2, 4),  # rounds of 2+2, then 2+1
        (7, 3, 4),  # 2+2+2, then the last one alone
        (3, 2, 2),  # 2+1
        (1, 2, 1),  # one ticket is one batch
    ],
)
async def test_lanes_split_what_is_due_and_visit_each_ticket_once(
    world: World, due: int, lanes: int, batches: int
) -> None:
    """Batches run *lanes* at once, the count split between them; each crossing once."""
    monitor = attrs.evolve(world.monitor, lanes=lanes, min_lane=1)
    opened = await world.open(due)
    world.clock.set(T0 + timedelta(minutes=71))
    report = await monitor.tick()
    assert (report.visited, report.warnings, report.batches) == (due, due, batches)
    for ticket in opened:
        assert await world.events(ticket.id, EventKind.SLA_WARNING) == 1


async def test_fewer_due_than_two_lanes_minimum_run_as_one_batch(world: World) -> None:
    """Below twice `min_lane` the round does not split (a lane costs a transaction)."""
    monitor = attrs.evolve(world.monitor, lanes=2, min_lane=3, batch=10)
    await world.open(5)
    world.clock.set(T0 + timedelta(minutes=71))
    report = await monitor.tick()
    assert (report.visited, report.batches) == (5, 1)


@pytest.mark.parametrize("lanes", [0, 9])
def test_lanes_out_of_range_are_refused(world: World, lanes: int) -> None:
    """1 to MAX_LANES."""
    with pytest.raises(ValidationError, match="lanes"):
        attrs.evolve(world.monitor, lanes=lanes)


async def test_a_failing_ticket_is_deferred_and_loses_no_alert(world: World) -> None:
    """One ticket that fails holds back no other, and its alert is raised once it works."""
    tickets = await world.open(3)
    broken = tickets[1].id
    world.notifier.broken.add(broken)
    world.clock.set(T0 + timedelta(minutes=71))
    report = await world.monitor.tick()
    assert (report.visited, report.warnings, report.failed) == (2, 2, 1)
    assert ((broken,), True) in world.observed.failures
    assert await world.events(broken, EventKind.SLA_WARNING) == 0
    world.notifier.broken.clear()
    world.clock.advance(seconds=RETRY_AFTER.total_seconds() - 1)
    assert (await world.monitor.tick()).visited == 0  # deferred, not yet looked at
    world.clock.advance(seconds=1)
    late = await world.monitor.tick()
    assert (late.visited, late.warnings, late.alerts) == (1, 1, 1)
    assert await world.events(broken, EventKind.SLA_WARNING) == 1


SHORTER = attrs.evolve(
    ROUND_CLOCK,
    sla=PolicyBook(
        fallback=attrs.evolve(
            ROUND_CLOCK.sla.fallback,
            by_priority={Priority.MEDIUM: SlaTargets(resolution=Target.calendar(50))},
        )
    ),
)
"""Revision 1: resolution due 50 minutes after opening (warning at 35)."""


async def test_a_new_revision_reindexes_live_tickets_once(world: World) -> None:
    """A new revision's shorter target is applied at the next tick, not when the old one says."""
    await world.open(3)
    world.clock.set(T0 + timedelta(minutes=40))
    assert (await world.monitor.tick()).rescheduled == 0  # the first tick only notes it
    world.source.revision, world.source.policy = 1, SHORTER
    changed = await world.monitor.tick()
    assert (changed.revision, changed.rescheduled, changed.visited) == (1, 3, 3)
    assert (changed.warnings, changed.alerts) == (3, 3)
    after = await world.monitor.tick()
    assert (after.rescheduled, after.visited) == (0, 0)


@pytest.mark.parametrize("use_plans", [True, False])
async def test_each_crossing_is_published_as_an_sla_alert(world: World, use_plans: bool) -> None:
    """Applied from a plan or through the pipeline, a crossing tells screens `sla.alert`
    (the ticket, its department, the clock, the state and the due time), with the commit."""
    (ticket,) = await world.open()
    monitor = attrs.evolve(world.monitor, use_plans=use_plans)
    world.clock.set(T0 + timedelta(minutes=71))
    await monitor.tick()
    world.clock.set(T0 + timedelta(minutes=101))
    await monitor.tick()
    alerts = [e for e in world.store.bus.delivered if e.kind is RealtimeKind.SLA_ALERT]
    assert [(e.ticket_id, e.department, e.metric, e.sla_state) for e in alerts] == [
        (ticket.id, ticket.department, Metric.RESOLUTION, SlaState.WARNING),
        (ticket.id, ticket.department, Metric.RESOLUTION, SlaState.BREACHED),
    ]
    assert {e.due_at for e in alerts} == {T0 + timedelta(minutes=100)}


async def test_the_planner_plans_what_saves_left_and_ticks_then_apply_plans(world: World) -> None:
    """Saves leave no plan; plan_ahead makes one per live ticket whose next check is within
    the hour (none twice); the next tick applies them without the pipeline; a ticket saved
    again waits for the planner anew."""
    tickets = await world.open(3)
    assert await world.monitor.plan_ahead() == 0  # the warning is more than an hour away
    world.clock.set(T0 + timedelta(minutes=15))
    assert await world.monitor.plan_ahead() == 3
    assert await world.monitor.plan_ahead() == 0
    world.clock.set(T0 + timedelta(minutes=71))
    report = await world.monitor.tick()
    assert (report.visited, report.planned, report.warnings) == (3, 3, 3)
    await world.desk.act(tickets[0].id, Note(text="ligar de volta"), Actor(name="ana"))
    assert await world.monitor.plan_ahead() == 1
