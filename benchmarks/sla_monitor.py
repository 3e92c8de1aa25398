"""The SLA monitor's tick and the ticket list on PostgreSQL with 1,000,000 open tickets.

Targets (issue 13): with 1,000,000 open tickets of which 1,000 are due, one monitor tick takes
<= 50 ms, and no more than twice the tick over 10,000 open tickets with the same 1,000 due (a
tick costs what is due, not what is open); `lia ticket list` / `GET /api/v1/tickets` with any
one filter answers in <= 100 ms (the repository's `list`, newest 50, each filter in turn).

Each due ticket has just crossed its resolution clock's warning (a 24/7 policy: 1,000 minutes,
warning at 700), so a visit records one SLA_WARNING and queues one `notify-user` job to each of
the department's two staff members: the real work of a tick. Rounds use disjoint due sets at
staggered instants, so every round does that work afresh. Tickets are loaded server-side
(`INSERT … SELECT generate_series`) and analysed. Prints one JSON document; exits 1 on a miss.
"""

from __future__ import annotations

import argparse
import asyncio
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
from lia_core.desk.monitor import MonitorReport, SlaMonitor
from lia_core.desk.policy import DeskPolicy
from lia_core.desk.service import Desk, FixedPolicySource
from lia_core.domain.delivery import Channel
from lia_core.domain.tickets import Priority, SupportLevel, TicketStatus
from lia_core.domain.users import Role, User
from lia_core.escalation.book import RuleBook
from lia_core.ports import TicketFilter
from lia_core.sla.calendar import BusinessCalendar
from lia_core.sla.policy import PolicyBook, SlaPolicy, SlaTargets, Target
from lia_core.sla.readings import SlaState

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

# g = 1..rounds·due are the due sets (round (g-1) / due), the others wait far in the future.
FILL_TICKETS = text(
    """
    INSERT INTO tickets (
        id, conversation_id, contact, subject, department, assignee, level, priority, severity,
        status, vip, failure_id, sla_policy, sla_state, resolution_due_at, next_check_at,
        opened_at, updated_at, version)
    SELECT
        'tk-' || lpad(g::text, 8, '0'),
        'cv-' || g,
        (5521900000000 + g)::text,
        'Sem conexão',
        CASE WHEN g <= :due_total THEN 'suporte'
             ELSE (ARRAY['suporte', 'financeiro', 'comercial', 'retencao', 'tecnico'])[1 + g % 5]
        END,
        CASE WHEN g % 4 = 0 THEN NULL ELSE 'agente-' || (g % 200) END,
        (ARRAY['N1', 'N1', 'N1', 'N2', 'N3'])[1 + g % 5],
        (ARRAY['low', 'medium', 'medium', 'high', 'urgent'])[1 + g % 5],
        'medium',
        CASE WHEN g % 10 = 0 THEN 'waiting_customer' ELSE 'open' END,
        g % 50 = 0,
        CASE WHEN g % 20 = 0 THEN 'falha-' || (g % 40) END,
        'standard',
        CASE WHEN g <= :due_total THEN 'ok'
             ELSE (ARRAY['ok', 'ok', 'ok', 'warning', 'breached'])[1 + g % 5] END,
        :t0 + make_interval(hours => 1000),
        CASE WHEN g <= :due_total
             THEN :t0 + make_interval(secs => ((g - 1) / :due) * :gap - 60)
             ELSE :t0 + make_interval(days => 60 + g % 30) END,
        CASE WHEN g <= :due_total
             THEN :t0 + make_interval(secs => ((g - 1) / :due) * :gap - 701 * 60)
             ELSE :t0 - make_interval(secs => g) END,
        :t0,
        1
    FROM generate_series(1, :count) AS g
    """
)
FILL_EVENTS = text(
    """
    INSERT INTO ticket_events (ticket_id, seq, kind, at, actor, reason, data)
    SELECT id, 0, 'created', opened_at, 'bench', 'Sem conexão', NULL FROM tickets
    """
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


async def load(engine: AsyncEngine, *, count: int, due: int, rounds: int) -> float:
    """Fill the schema (tickets, their creation events, two staff members); seconds taken."""
    started = time.perf_counter()
    gap = int(ROUND_GAP.total_seconds())
    async with engine.begin() as conn:
        await conn.execute(
            FILL_TICKETS,
            {"t0": T0, "count": count, "due": due, "due_total": due * rounds, "gap": gap},
        )
        await conn.execute(FILL_EVENTS)
    factory = SqlUnitOfWorkFactory(engine)
    async with factory() as uow:
        for n, role in enumerate((Role.SUPERVISOR, Role.ADMIN)):
            user = User(
                id=f"u-{n}", username=f"staff{n}", role=role, password_hash="x", created_at=T0
            )
            await uow.users.add(user)
        await uow.commit()
    async with engine.connect() as conn:
        autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.exec_driver_sql("ANALYZE")
    return time.perf_counter() - started


async def ticks(engine: AsyncEngine, *, due: int, rounds: int) -> list[float]:
    """Seconds of each round's tick (round k at its due set's instant)."""
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
        uow=factory, clock=clock, desk=desk, policies=source, observer=Keep(), notifier=notifier
    )
    timings = []
    for k in range(rounds):
        clock.set(T0 + k * ROUND_GAP)
        started = time.perf_counter()
        done = await monitor.tick()
        timings.append(time.perf_counter() - started)
        if (done.visited, done.warnings, done.alerts) != (due, due, 2 * due):
            raise RuntimeError(f"round {k} did not do the expected work: {done}")
    return timings


async def finding(engine: AsyncEngine, *, due: int, repeats: int) -> float:
    """Median milliseconds to take (lock and load) round 0's *due* tickets at once, rolled back.

    The part of a tick that could grow with the open tickets: what follows (the pipeline,
    the saves and jobs) works on the due tickets only.
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
        timings = await ticks(engine, due=due, rounds=rounds)
        lists = await listing(engine, repeats)
    return {
        "open_tickets": count,
        "due": due,
        "load_seconds": round(loaded, 1),
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
    parser.add_argument("--rounds", type=int, default=3)
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
