"""Visit plans: applying them does what the pipeline would have done at the same instants.

The oracle is the monitor without plans (every due ticket loaded and run through `settle`, as
before plans existed). Two in-memory desks get the same tickets and the same ticks, at the
instants the plans name (and, in a second property, at arbitrary later ones); their
timelines, rule fields, indexes and staff jobs must come out equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from lia_adapters.memory import FixedClock, InMemoryStore, SequentialIds
from lia_core.desk.alerts import OutboxStaffNotifier
from lia_core.desk.commands import OpenTicket
from lia_core.desk.monitor import MonitorReport, SlaMonitor
from lia_core.desk.plan import VisitPlan
from lia_core.desk.policy import DeskPolicy, builtin_desk_policy
from lia_core.desk.service import Desk, FixedPolicySource
from lia_core.domain.activity import Actor
from lia_core.domain.delivery import Channel
from lia_core.domain.tickets import Priority, SupportLevel, Ticket
from lia_core.domain.users import Role, User
from lia_core.escalation.book import RuleBook
from lia_core.escalation.rules import Actions, Conditions, Rule
from lia_core.sla.calendar import BusinessCalendar
from lia_core.sla.policy import PolicyBook, SlaPolicy, SlaTargets, Target
from lia_core.sla.readings import SlaState

T0 = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
RULES = RuleBook(
    rules=(
        Rule(
            name="hurry",
            when=Conditions(sla_state=frozenset({SlaState.WARNING})),
            then=Actions(raise_priority=Priority.HIGH, notify=("ticket-priority-high",)),
        ),
        Rule(
            name="up",
            when=Conditions(sla_state=frozenset({SlaState.BREACHED})),
            then=Actions(escalate_to=SupportLevel.N2),
        ),
    )
)
ROUND_CLOCK = DeskPolicy(
    sla=PolicyBook(
        fallback=SlaPolicy(
            name="round-the-clock",
            calendar=BusinessCalendar.always(),
            by_priority={
                p: SlaTargets(
                    first_response=Target.calendar(10 * (i + 1)),
                    resolution=Target.calendar(60 * (i + 1)),
                )
                for i, p in enumerate(Priority)
            },
        )
    ),
    rules=RULES,
    channels={"sla-alert": (Channel.SANDBOX,), "ticket-priority-high": (Channel.SANDBOX,)},
)
POLICIES = {
    "round-the-clock": ROUND_CLOCK,
    "round-the-clock, no rules": attrs.evolve(ROUND_CLOCK, rules=RuleBook(rules=())),
    "built-in (business hours)": builtin_desk_policy(),
}


@attrs.define
class Desks:
    """One store, desk and monitor; *plans* False runs every visit through the pipeline."""

    store: InMemoryStore
    clock: FixedClock
    desk: Desk
    monitor: SlaMonitor

    @classmethod
    def make(cls, policy: DeskPolicy) -> Desks:
        """A desk on *policy* with one supervisor, at T0."""
        store = InMemoryStore()
        clock = FixedClock(T0)
        ids = SequentialIds("t")
        source = FixedPolicySource(policy)
        notifier = OutboxStaffNotifier(ids)
        desk = Desk(
            uow=store.unit_of_work, clock=clock, ids=ids, policies=source, notifier=notifier
        )
        monitor = SlaMonitor(
            uow=store.unit_of_work,
            clock=clock,
            desk=desk,
            policies=source,
            observer=_Quiet(),
            notifier=notifier,
            digest_after=1000,
            plan_horizon=timedelta(days=60),
        )
        return cls(store, clock, desk, monitor)

    async def seed(self, priorities: Sequence[Priority]) -> None:
        """A supervisor and one ticket per priority."""
        async with self.store.unit_of_work() as uow:
            user = User(
                id="u", username="sofia", role=Role.SUPERVISOR, password_hash="x", created_at=T0
            )
            await uow.users.add(user)
            await uow.commit()
        for n, priority in enumerate(priorities):
            await self.desk.open(
                OpenTicket(subject=f"Sem internet {n}", priority=priority), Actor(name="ana")
            )

    async def plan(self) -> None:
        """What the worker's planner does after the saves."""
        assert await self.monitor.plan_ahead() == len(self.store.tickets)

    async def tickets(self) -> list[Ticket]:
        """Every ticket as stored, by id."""
        async with self.store.unit_of_work() as uow:
            return sorted(
                [await uow.tickets.get(row) for row in self.store.tickets], key=lambda t: t.id
            )

    async def plans(self) -> list[VisitPlan]:
        """The stored plans."""
        return [row.index.plan for row in self.store.tickets.values() if row.index.plan is not None]

    def jobs(self) -> set[str]:
        """The idempotency keys of the queued jobs."""
        return {job.idempotency_key for job in self.store.jobs.values()}


@attrs.frozen
class _Quiet:
    def ticked(self, report: MonitorReport) -> None:
        """Nothing to keep."""

    def failed(self, ticket_ids: Sequence[str], *, isolated: bool) -> None:
        """A failure is a bug here."""
        raise AssertionError(f"the monitor failed on {ticket_ids}")


def _view(ticket: Ticket) -> tuple[object, ...]:
    events = tuple((e.kind, e.at, e.by, e.reason, dict(e.data)) for e in ticket.timeline.events)
    return (ticket.id, ticket.level, ticket.priority, ticket.escalated_by, events)


priorities = st.lists(st.sampled_from(list(Priority)), min_size=1, max_size=3)


@settings(max_examples=40, deadline=None)
@given(policy=st.sampled_from(sorted(POLICIES)), chosen=priorities)
async def test_ticks_at_the_planned_instants_match_the_pipeline(
    policy: str, chosen: list[Priority]
) -> None:
    """Ticking exactly when each plan says, plans and pipeline leave identical tickets and jobs."""
    planned, pipeline = Desks.make(POLICIES[policy]), Desks.make(POLICIES[policy])
    await planned.seed(chosen)
    await pipeline.seed(chosen)
    await planned.plan()
    instants = sorted({v.at for plan in await planned.plans() for v in plan.visits})
    assert instants, "every ticket has a clock to watch"
    for at in instants:
        planned.clock.set(at)
        pipeline.clock.set(at)
        report = await planned.monitor.tick()
        assert report.planned == report.visited
        await _pipeline_tick(pipeline)
    assert [_view(t) for t in await planned.tickets()] == [
        _view(t) for t in await pipeline.tickets()
    ]
    assert planned.jobs() == pipeline.jobs()


@settings(max_examples=40, deadline=None)
@given(
    policy=st.sampled_from(sorted(POLICIES)),
    chosen=priorities,
    gaps=st.lists(st.integers(min_value=1, max_value=24 * 60), min_size=1, max_size=6),
)
async def test_late_ticks_record_what_the_pipeline_records(
    policy: str, chosen: list[Priority], gaps: list[int]
) -> None:
    """Ticking at arbitrary instants, plans record the same events, rule fields and jobs as
    the pipeline; only the instants differ (a plan records the crossing's own instant)."""
    planned, pipeline = Desks.make(POLICIES[policy]), Desks.make(POLICIES[policy])
    await planned.seed(chosen)
    await pipeline.seed(chosen)
    await planned.plan()
    at = T0
    for gap in gaps:
        at += timedelta(minutes=gap)
        planned.clock.set(at)
        pipeline.clock.set(at)
        await planned.monitor.tick()
        await _pipeline_tick(pipeline)

    def kinds(ticket: Ticket) -> tuple[object, ...]:
        events = tuple((e.kind, e.by, dict(e.data).get("clock")) for e in ticket.timeline.events)
        return (ticket.id, ticket.level, ticket.priority, events)

    if POLICIES[policy].rules.rules:
        # Rules see the state at the instant they run: a late pipeline visit that finds a
        # clock already breached escalates without first raising the priority, where the
        # plan ran each crossing in turn. Both record every crossing once.
        def crossings(ticket: Ticket) -> tuple[object, ...]:
            return tuple(
                sorted(
                    (e.kind.value, dict(e.data).get("clock", ""))
                    for e in ticket.timeline.events
                    if e.kind.value.startswith("sla_")
                )
            )

        assert [crossings(t) for t in await planned.tickets()] == [
            crossings(t) for t in await pipeline.tickets()
        ]
        return
    assert [kinds(t) for t in await planned.tickets()] == [
        kinds(t) for t in await pipeline.tickets()
    ]
    assert planned.jobs() == pipeline.jobs()


async def _pipeline_tick(desks: Desks) -> None:
    """One tick of *desks* with plans ignored (the monitor as it was before plans)."""
    await attrs.evolve(desks.monitor, use_plans=False).tick()
