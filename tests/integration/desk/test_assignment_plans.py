"""The desk queues' plans on PostgreSQL: every assignment, offer and inbox query reads through
an index.

50,000 assignments as a desk accumulates them (90% closed, 8% held by 200 agents, 2% waiting
in ten department queues) and 20,000 offers (2.5% pending), analysed. The statements are the
repositories' own, captured as they run, then explained with the same parameters: a change
that makes PostgreSQL read a whole table fails here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.memory import FixedClock, PlainTextHasher
from lia_adapters.sql import SqlUnitOfWorkFactory
from lia_adapters.system import UuidGenerator
from lia_core.domain.users import Role, User
from lia_core.ports import InboxQuery, InboxSort, InboxTab
from lia_core.services import Services

pytestmark = pytest.mark.postgres

T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)

FILL = text(
    """
    INSERT INTO assignments (
        conversation_id, department, priority, vip, urgency, waiting_since, assignee, assigned_at,
        return_due_at, passed_over, reason, closed_at, updated_at, version)
    SELECT
        'cv-' || lpad(g::text, 6, '0'),
        'dept' || ((g / 7) % 10),
        'medium', false, 5 - (g % 3),
        CASE WHEN g % 50 = 0 THEN :t0 - make_interval(secs => g) END,
        CASE WHEN g % 50 <> 0 AND g % 10 < 1 THEN 'agent' || (g % 200) END,
        CASE WHEN g % 50 <> 0 AND g % 10 < 1 THEN :t0 END,
        CASE WHEN g % 50 <> 0 AND g % 10 < 1 THEN :t0 + make_interval(secs => g % 900) END,
        '[]', 'pediu atendente',
        CASE WHEN g % 50 <> 0 AND g % 10 >= 1 THEN :t0 END,
        :t0, 1
    FROM generate_series(1, 50000) AS g;
    INSERT INTO offers (id, conversation_id, agent, department, offered_at, due_at, status)
    SELECT 'of-' || g, 'cv-' || lpad(g::text, 6, '0'), 'agent' || (g % 200), 'dept' || (g % 10),
        :t0, :t0 + make_interval(secs => g % 240),
        CASE WHEN g % 40 = 0 THEN 'pending' ELSE 'timed_out' END
    FROM generate_series(1, 20000) AS g;
    INSERT INTO agent_profiles (username, capacity, skills, status, auto_offline, last_seen_at,
        load, offers_offered, offers_accepted, offers_rejected, offers_timed_out, version)
    SELECT 'agent' || g, 5, '[]', 'online', true, :t0, 0, 0, 0, 0, 0, 1
    FROM generate_series(0, 199) AS g
    """
)


async def plans_of(engine: AsyncEngine, run: Any) -> list[str]:
    """The plans of the statements on assignments and offers that *run* executes."""
    seen: list[tuple[str, Any]] = []

    def capture(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        if ("FROM assignments" in statement or "FROM offers" in statement) and not many:
            seen.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with SqlUnitOfWorkFactory(engine)() as uow:
            await run(uow)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
    assert seen, "the repositories ran no statement on assignments or offers"
    plans = []
    async with engine.connect() as conn:
        for statement, parameters in seen:
            result = await conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)
            plans.append("\n".join(result.scalars()))
    return plans


async def test_queues_counts_timers_and_loads_read_through_indexes(
    migrated_postgres_engine: AsyncEngine,
) -> None:
    """No plan scans assignments or offers whole; the queue reads come from their partial indexes."""
    engine = migrated_postgres_engine
    async with engine.begin() as conn:
        for statement in str(FILL).split(";"):
            await conn.execute(text(statement), {"t0": T0})
    async with engine.connect() as conn:
        autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.exec_driver_sql("ANALYZE assignments")
        await autocommit.exec_driver_sql("ANALYZE offers")

    async def reads(uow: Any) -> None:
        assert await uow.assignments.queue("dept1", limit=50)
        assert await uow.assignments.queue("dept1", limit=50, offerable=True)
        await uow.assignments.counts("agent10")
        await uow.assignments.counts("agent10", department="dept1")
        assert await uow.assignments.held_by("agent10")
        assert await uow.assignments.return_due(T0 + timedelta(minutes=10), limit=100)
        assert await uow.offers.due(T0 + timedelta(minutes=2), limit=100)
        await uow.offers.pending_for("agent10")
        await uow.agents.recount([f"agent{n}" for n in range(20)])

    plans = await plans_of(engine, reads)
    for plan in plans:
        assert "Seq Scan on assignments" not in plan, plan
        assert "Seq Scan on offers" not in plan, plan
    assert "ix_assignments_queue" in plans[0], plans[0]
    assert "ix_assignments_offerable" in plans[1], plans[1]


DESK_ROWS = text(
    """
    INSERT INTO conversations (id, channel, chat_id, contact_phone, client_name, status,
        last_message, last_message_at, gate, answered_by_outage, created_at, updated_at, version)
    SELECT conversation_id, 'whatsapp', 'chat-' || conversation_id, '55219' || right(conversation_id, 6),
        'Cliente ' || conversation_id, 'waiting', 'oi', :t0, '{}', false, :t0, :t0, 1
    FROM assignments;
    INSERT INTO tickets (id, conversation_id, subject, department, level, priority, severity,
        status, vip, opened_at, updated_at, version)
    SELECT 'tk-' || conversation_id, conversation_id, 'sem internet', department, 'N1', 'medium',
        'low', CASE WHEN closed_at IS NULL THEN 'open' ELSE 'resolved' END, false, :t0, :t0, 1
    FROM assignments;
    INSERT INTO ticket_clocks (ticket_id, opened_at, sla_state, first_response_due_at)
    SELECT 'tk-' || conversation_id, :t0, 'ok', :t0 + interval '1 hour'
    FROM assignments WHERE closed_at IS NULL
    """
)


async def test_the_inbox_reads_through_indexes_in_one_statement(
    migrated_postgres_engine: AsyncEngine,
) -> None:
    """The inbox's statement reads the open assignments from their partial indexes and joins
    conversation, live ticket and clock by key; a page of 500 costs what a page of 5 does."""
    engine = migrated_postgres_engine
    async with engine.begin() as conn:
        for statement in [*str(FILL).split(";"), *str(DESK_ROWS).split(";")]:
            await conn.execute(text(statement), {"t0": T0})
    async with engine.connect() as conn:
        autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
        for table in ("assignments", "offers", "conversations", "tickets", "ticket_clocks"):
            await autocommit.exec_driver_sql(f"ANALYZE {table}")
    queries = [
        InboxQuery(viewer="agent10", tab=InboxTab.MINE),
        InboxQuery(viewer="agent10", tab=InboxTab.UNASSIGNED, departments=frozenset({"dept1"})),
        InboxQuery(viewer="agent10", departments=frozenset({"dept1", "dept2"}), search="cliente"),
        InboxQuery(viewer="sup", department="dept4", sort=InboxSort.LAST_MESSAGE),
    ]

    async def reads(uow: Any) -> None:
        for query in queries:
            assert await uow.assignments.inbox(query), query

    for plan in await plans_of(engine, reads):
        for table in ("assignments", "conversations", "tickets", "ticket_clocks"):
            assert f"Seq Scan on {table}" not in plan, plan

    services = Services.build(
        uow=SqlUnitOfWorkFactory(engine),
        clock=FixedClock(T0),
        ids=UuidGenerator(),
        hasher=PlainTextHasher(),
    )
    supervisor = User(
        id="u-sup", username="sup", role=Role.SUPERVISOR, password_hash="x", created_at=T0
    )
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        small = await services.queues.inbox(InboxQuery(limit=5), viewer=supervisor)
        few = len(statements)
        large = await services.queues.inbox(InboxQuery(limit=500), viewer=supervisor)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert (len(small.items), len(large.items)) == (5, 500)
    assert len(statements) == 2 * few, statements
