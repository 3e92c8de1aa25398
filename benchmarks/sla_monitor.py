"""The SLA monitor's tick and the ticket list on PostgreSQL with 1,000,000 open tickets.

Targets (issue 13): with 1,000,000 open tickets of which 1,000 are due, one monitor tick takes
<= 50 ms, and no more than twice the tick over 10,000 open tickets with the same 1,000 due (a
tick costs what is due, not what is open); `lia ticket list` / `GET /api/v1/tickets` with any
one filter answers in <= 100 ms (the repository's `list`, newest 50, each filter in turn).

Each due ticket has just crossed its resolution clock's warning (a 24/7 policy: 1,000 minutes,
warning at 700), so a visit records one SLA_WARNING, alerts the department's two staff members
(a digest each, beyond LIA_DESK__ALERT_DIGEST_AFTER) and publishes an `sla.alert`: the real
work of a tick. Rounds use disjoint due sets at
staggered instants, so every round does that work afresh. The due tickets are opened through
the desk's pipeline and planned by the monitor's planner, as in production (`lia_core.desk.plan`);
the rest are loaded server-side (`INSERT … SELECT generate_series`); then ANALYZE. The figures
include what the planner pays per ticket (the worker's `sla-planner`, run before the ticks). Prints
one JSON document; exits 1 on a miss.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from _report import python_version, report
from _support import fresh_schema
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.memory import FixedClock
from lia_adapters.sql import SqlUnitOfWorkFactory
from lia_adapters.system import UuidGenerator
from lia_core.desk.alerts import OutboxStaffNotifier
from lia_core.desk.monitor import DEFAULT_LANES, MonitorReport, SlaMonitor
from lia_core.desk.policy import DeskPolicy
from lia_core.desk.service import Desk, FixedPolicySource
from lia_core.desk.settle import settle
from lia_core.domain.delivery import Channel
from lia_core.domain.recipients import Phone
from lia_core.domain.tickets import Priority, Severity, SupportLevel, Ticket, TicketStatus
from lia_core.domain.users import Role, User
from lia_core.escalation.book import RuleBook
from lia_core.ports import TicketFilter
from lia_core.sla.calendar import BusinessCalendar
from lia_core.sla.policy import PolicyBook, SlaPolicy, SlaTargets, Target
from lia_core.sla.readings import SlaState
from lia_entrypoints.heap import settle_heap

TARGET_TICK_MS = 50.0
TARGET_RATIO = 2.0
TARGET_LIST_MS = 100.0
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ROUND_GAP = timedelta(minutes=10)
"""Due set k crosses its warning at T0 + k·ROUND_GAP (its breach comes 5 hours later, after
every round); the other tickets are due long after all rounds."""

POLICY = DeskPolicy(
    sla=PolicyBook(
        fallback=SlaPolicy(
            name="standard",
            calendar=BusinessCalendar.always(),
            by_priority={
                p: SlaTargets(first_response=Target.calendar(30), resolution=Target.calendar(1000))
                for p in Priority
            },
        )
    ),
    rules=RuleBook(rules=()),
    channels={"sla-alert": (Channel.WHATSAPP, Channel.SANDBOX)},
)

# The tickets no round visits (g = due_total + 1 .. count), loaded server-side: each is due
# long after every round, in a mix of departments, levels, priorities and states.
FILL_TICKETS = text(
    """
    INSERT INTO tickets (
        id, conversation_id, contact, subject, department, assignee, level, priority, severity,
        status, vip, failure_id, sla_policy, opened_at, updated_at, version)
    SELECT
        'tk-' || lpad(g::text, 8, '0'),
        'cv-' || g,
        (5521900000000 + g)::text,
        'Sem conexão',
        (ARRAY['suporte', 'financeiro', 'comercial', 'retencao', 'tecnico'])[1 + g % 5],
        CASE WHEN g % 4 = 0 THEN NULL ELSE 'agente-' || (g % 200) END,
        (ARRAY['N1', 'N1', 'N1', 'N2', 'N3'])[1 + g % 5],
        (ARRAY['low', 'medium', 'medium', 'high', 'urgent'])[1 + g % 5],
        'medium',
        CASE WHEN g % 10 = 0 THEN 'waiting_customer' ELSE 'open' END,
        g % 50 = 0,
        CASE WHEN g % 20 = 0 THEN 'falha-' || (g % 40) END,
        'standard',
        :t0 - make_interval(secs => g),
        :t0,
        1
    FROM generate_series(:due_total + 1, :count) AS g
    """
)
FILL_CLOCKS = text(
    """
    INSERT INTO ticket_clocks (
        ticket_id, opened_at, sla_state, resolution_due_at, next_check_at)
    SELECT
        'tk-' || lpad(g::text, 8, '0'),
        :t0 - make_interval(secs => g),
        (ARRAY['ok', 'ok', 'ok', 'warning', 'breached'])[1 + g % 5],
        :t0 + make_interval(hours => 1000),
        :t0 + make_interval(days => 60 + g % 30)
    FROM generate_series(:due_total + 1, :count) AS g
    """
)
FILL_EVENTS = text(
    """
    INSERT INTO ticket_events (ticket_id, seq, kind, at, actor, reason, data)
    SELECT id, 0, 'created', opened_at, 'bench', 'Sem conexão', NULL FROM tickets
    """
)


def due_ticket(g: int, *, due: int) -> Ticket:
    """Ticket *g* of the due sets: its resolution warning comes 60 s before its round."""
    k = (g - 1) // due
    opened = T0 + k * ROUND_GAP - timedelta(minutes=701)
    return Ticket.open(
        id=f"tk-{g:08d}",
        department="suporte",
        priority=Priority.MEDIUM,
        severity=Severity.MEDIUM,
        at=opened,
        subject="Sem conexão",
        conversation_id=f"cv-{g}",
        contact=Phone.parse(f"+{5521900000000 + g}"),
        sla_policy="standard",
        by="bench",
        reason="Sem conexão",
    )


FILTERS = {
    "none": TicketFilter(),
    "status": TicketFilter(status=TicketStatus.WAITING_CUSTOMER),
    "level": TicketFilter(level=SupportLevel.N3),
    "priority": TicketFilter(priority=Priority.URGENT),
    "department": TicketFilter(department="financeiro"),
    "assignee": TicketFilter(assignee="agente-17"),
    "sla": TicketFilter(sla=SlaState.BREACHED),
    "failure": TicketFilter(failure_id="falha-20"),
}


async def load(engine: AsyncEngine, *, count: int, due: int, rounds: int) -> dict[str, float]:
    """Fill the schema; seconds taken, and the microseconds per ticket of the pipeline a save
    runs (`settle`: the clocks, the rules, the index).

    The due tickets are opened through the pipeline, the others server-side; then two staff
    members. Like every save, none of this plans the visits: `ticks` runs the planner first.
    """
    started = time.perf_counter()
    due_total = due * rounds
    async with engine.begin() as conn:
        fill = {"t0": T0, "count": count, "due_total": due_total}
        await conn.execute(FILL_TICKETS, fill)
        await conn.execute(FILL_CLOCKS, fill)
        await conn.execute(FILL_EVENTS)
    factory = SqlUnitOfWorkFactory(engine)
    notifier = OutboxStaffNotifier(UuidGenerator())
    opened = [due_ticket(g, due=due) for g in range(1, due_total + 1)]
    async with factory() as uow:
        began = time.perf_counter()
        settled = [
            await settle(uow, ticket, desk=POLICY, notifier=notifier, now=ticket.opened_at)
            for ticket in opened
        ]
        pipeline = time.perf_counter() - began
        await uow.tickets.add_many([(s.ticket, s.index) for s in settled], at=T0)
        for n, role in enumerate((Role.SUPERVISOR, Role.ADMIN)):
            user = User(
                id=f"u-{n}", username=f"staff{n}", role=role, password_hash="x", created_at=T0
            )
            await uow.users.add(user)
        await uow.commit()
    async with engine.connect() as conn:
        autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.exec_driver_sql("ANALYZE")
    return {
        "seconds": time.perf_counter() - started,
        "pipeline_us": pipeline * 1e6 / max(len(opened), 1),
    }


async def ticks(engine: AsyncEngine, *, due: int, rounds: int) -> tuple[list[float], float]:
    """Seconds of each round's tick (round k at its due set's instant), after the planner
    ran over every due ticket (the worker's `sla-planner` timer); and its microseconds per
    ticket planned (loading the timeline, the pipeline run ahead, storing the plan)."""
    factory = SqlUnitOfWorkFactory(engine)
    clock = FixedClock(T0)
    ids = UuidGenerator()
    source = FixedPolicySource(POLICY)
    notifier = OutboxStaffNotifier(ids)
    desk = Desk(uow=factory, clock=clock, ids=ids, policies=source, notifier=notifier)
    seen: list[MonitorReport] = []

    class Keep:
        def ticked(self, tick: MonitorReport) -> None:
            seen.append(tick)

        def failed(self, ticket_ids: object, *, isolated: bool) -> None:
            raise RuntimeError(f"the monitor failed on {ticket_ids}")

    monitor = SlaMonitor(
        uow=factory,
        clock=clock,
        desk=desk,
        policies=source,
        observer=Keep(),
        notifier=notifier,
        lanes=DEFAULT_LANES,  # as `lia worker` runs it on PostgreSQL
    )
    clock.set(T0 - timedelta(minutes=5))  # before the first crossing, as the worker would
    settle_heap()  # as `lia worker` does once it is up (lia_entrypoints.heap)
    # A running worker's pool already holds a connection per lane; the first tick must not
    # pay for opening them.
    async with contextlib.AsyncExitStack() as pool:
        for _ in range(DEFAULT_LANES):
            conn = await pool.enter_async_context(engine.connect())
            await conn.exec_driver_sql("SELECT 1")
    began = time.perf_counter()
    planned = await monitor.plan_ahead()
    planning = time.perf_counter() - began
    if planned != due * rounds:
        raise RuntimeError(f"planned {planned} tickets, not {due * rounds}")
    timings = []
    for k in range(rounds):
        clock.set(T0 + k * ROUND_GAP)
        started = time.perf_counter()
        done = await monitor.tick()
        timings.append(time.perf_counter() - started)
        expected = (due, due, due)
        if (done.visited, done.planned, done.warnings) != expected or done.alerts < 2:
            raise RuntimeError(f"round {k} did not do the expected work: {done}")
    return timings, planning * 1e6 / planned


async def finding(engine: AsyncEngine, *, due: int, repeats: int) -> float:
    """Median milliseconds to take (lock and read) round 0's *due* tickets at once, rolled back.

    The part of a tick that could grow with the open tickets: what follows (applying the
    plans, the jobs) works on the due tickets only.
    """
    factory = SqlUnitOfWorkFactory(engine)
    timings = []
    for _ in range(repeats):
        async with factory() as uow:
            started = time.perf_counter()
            taken = len(await uow.tickets.due(T0, limit=due))
            timings.append(time.perf_counter() - started)
        if taken != due:
            raise RuntimeError(f"took {taken} due tickets, not {due}")
    return round(statistics.median(timings) * 1000, 1)


async def listing(engine: AsyncEngine, repeats: int) -> dict[str, float]:
    """Median milliseconds of `list(filter, limit=50)` per filter."""
    factory = SqlUnitOfWorkFactory(engine)
    medians = {}
    for name, ticket_filter in FILTERS.items():
        timings = []
        for _ in range(repeats):
            async with factory() as uow:
                started = time.perf_counter()
                found = await uow.tickets.list(ticket_filter, limit=50)
                timings.append(time.perf_counter() - started)
            if not found:
                raise RuntimeError(f"filter {name} found nothing")
        medians[name] = round(statistics.median(timings) * 1000, 1)
    return medians


async def scenario(count: int, due: int, rounds: int, repeats: int) -> dict[str, object]:
    """Load *count* tickets in a fresh schema, time the ticks and the list."""
    async with fresh_schema() as (_url, engine):
        loaded = await load(engine, count=count, due=due, rounds=rounds)
        found = await finding(engine, due=due, repeats=repeats)
        timings, planning = await ticks(engine, due=due, rounds=rounds)
        lists = await listing(engine, repeats)
    return {
        "open_tickets": count,
        "due": due,
        "load_seconds": round(loaded["seconds"], 1),
        "save_pipeline_us_per_ticket": round(loaded["pipeline_us"]),
        "planner_us_per_ticket": round(planning),
        "take_due_median_ms": found,
        "tick_ms": [round(t * 1000, 1) for t in timings],
        "tick_median_ms": round(statistics.median(timings) * 1000, 1),
        "list_median_ms": lists,
    }


async def main() -> int:
    """Run the small and the large desk; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    small = await scenario(args.small, args.due, args.rounds, args.repeats)
    large = await scenario(args.tickets, args.due, args.rounds, args.repeats)
    tick = float(large["tick_median_ms"])  # type: ignore[arg-type]
    ratio = tick / float(small["tick_median_ms"])  # type: ignore[arg-type]
    slowest = max(large["list_median_ms"].values())  # type: ignore[attr-defined]
    return report(
        {
            "benchmark": "sla_monitor",
            "python": python_version(),
            "target_tick_ms": TARGET_TICK_MS,
            "target_ratio": TARGET_RATIO,
            "target_list_ms": TARGET_LIST_MS,
            "small": small,
            "large": large,
            "tick_ratio_large_to_small": round(ratio, 2),
        },
        met=tick <= TARGET_TICK_MS and ratio <= TARGET_RATIO and slowest <= TARGET_LIST_MS,
    )


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
