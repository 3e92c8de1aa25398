"""The ticket queries' plans on PostgreSQL: every list filter and the monitor's `due` use an index.

The table holds 50,000 live tickets spread like a busy desk's (five departments, 200 agents,
three levels, four priorities, some linked to outages, 1% due), analysed as autovacuum would.
The statements are the repository's own, captured as it runs them, then explained with the
same parameters: a change to the query or the indexes that makes PostgreSQL read the whole
table fails here, long before a desk with a million tickets slows down.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.sql import SqlUnitOfWorkFactory
from lia_core.domain.tickets import Priority, SupportLevel, TicketStatus
from lia_core.ports import TicketFilter
from lia_core.sla.readings import SlaState

pytestmark = pytest.mark.postgres

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TICKETS = 50_000

FILL = text(
    """
    INSERT INTO tickets (
        id, conversation_id, contact, subject, department, assignee, level, priority, severity,
        status, vip, failure_id, sla_policy, opened_at, updated_at, version)
    SELECT
        'tk-' || lpad(g::text, 7, '0'),
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
        :t0 - make_interval(mins => g),
        :t0,
        1
    FROM generate_series(1, :count) AS g
    """
)
FILL_CLOCKS = text(
    """
    INSERT INTO ticket_clocks (ticket_id, opened_at, sla_state, resolution_due_at, next_check_at)
    SELECT
        'tk-' || lpad(g::text, 7, '0'),
        :t0 - make_interval(mins => g),
        (ARRAY['ok', 'ok', 'ok', 'warning', 'breached'])[1 + g % 5],
        :t0 + make_interval(hours => g % 500),
        CASE WHEN g % 100 = 0 THEN :t0 - make_interval(secs => g % 600)
             ELSE :t0 + make_interval(mins => 1 + g % 10000) END
    FROM generate_series(1, :count) AS g
    """
)

FILL_PLANS = text(
    """
    INSERT INTO ticket_plans (ticket_id, plan)
    SELECT 'tk-' || lpad(g::text, 7, '0'), jsonb_build_object('format', 1, 'visits', '[]'::jsonb)
    FROM generate_series(1, :count) AS g
    """
)
"""Every live ticket planned, as the monitor's planner leaves them: `visit_due` reads plans by
primary key, never by scanning `ticket_plans`."""

FILTERS: Mapping[str, TicketFilter] = {
    "ix_tickets_opened_at": TicketFilter(),
    "ix_tickets_status_opened_at": TicketFilter(status=TicketStatus.WAITING_CUSTOMER),
    "ix_tickets_level_opened_at": TicketFilter(level=SupportLevel.N3),
    "ix_tickets_priority_opened_at": TicketFilter(priority=Priority.URGENT),
    "ix_tickets_department_opened_at": TicketFilter(department="financeiro"),
    "ix_tickets_assignee_opened_at": TicketFilter(assignee="agente-17"),
    "ix_ticket_clocks_sla_state_opened_at": TicketFilter(sla=SlaState.BREACHED),
    "ix_tickets_failure_id_opened_at": TicketFilter(failure_id="falha-20"),
}
"""One filter at a time, as `lia ticket list --status …` and `GET /api/v1/tickets?…` send them,
by the index that must answer it (equality on the column, already in opened_at order: no sort,
no walk through other tickets)."""


async def fill(engine: AsyncEngine) -> None:
    """Load the tickets in one statement and analyse them."""
    async with engine.begin() as conn:
        await conn.execute(FILL, {"t0": T0, "count": TICKETS})
        await conn.execute(FILL_CLOCKS, {"t0": T0, "count": TICKETS})
        await conn.execute(FILL_PLANS, {"count": TICKETS})
    async with engine.connect() as conn:
        autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.exec_driver_sql("ANALYZE tickets")
        await autocommit.exec_driver_sql("ANALYZE ticket_clocks")
        await autocommit.exec_driver_sql("ANALYZE ticket_plans")


async def plans_of(engine: AsyncEngine, run: Any) -> list[str]:
    """The plans of the statements on `tickets` that *run* executes through the repository."""
    seen: list[tuple[str, Any]] = []

    def capture(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        if "FROM tickets" in statement or "FROM ticket_clocks" in statement:
            seen.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with SqlUnitOfWorkFactory(engine)() as uow:
            await run(uow)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
    assert seen, "the repository ran no statement on tickets"
    plans = []
    async with engine.connect() as conn:
        for statement, parameters in seen:
            result = await conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)
            plans.append("\n".join(result.scalars()))
    return plans


async def test_every_list_filter_and_due_read_through_an_index(
    migrated_postgres_engine: AsyncEngine,
) -> None:
    """No plan of `list` (one filter each, or none), `due`, `visit_due` or `unplanned` scans a
    table."""
    engine = migrated_postgres_engine
    await fill(engine)
    for name, ticket_filter in FILTERS.items():

        async def listing(uow: Any, f: TicketFilter = ticket_filter) -> None:
            await uow.tickets.list(f, limit=50)

        table = "ticket_clocks" if name.startswith("ix_ticket_clocks") else "tickets"
        for plan in await plans_of(engine, listing):
            assert "Seq Scan on ticket" not in plan, f"{name}:\n{plan}"
            assert f"Index Scan Backward using {name} on {table}" in plan, f"{name}:\n{plan}"

    async def due(uow: Any) -> None:
        await uow.tickets.due(T0, limit=200)

    async def visit(uow: Any) -> None:
        await uow.tickets.visit_due(T0, limit=1000, revision=None)

    for run in (due, visit):
        for plan in await plans_of(engine, run):
            assert "Seq Scan on ticket" not in plan, plan
            assert "ix_ticket_clocks_next_check_at" in plan, plan

    async def unplanned(uow: Any) -> None:
        await uow.tickets.unplanned(before=T0 + timedelta(hours=1), limit=1000)

    found = await plans_of(engine, unplanned)  # the clock rows, then their tickets by id
    for plan in found:
        assert "Seq Scan on ticket" not in plan, plan
    assert any("ix_ticket_clocks_unplanned" in plan for plan in found), found


async def test_the_fill_has_what_the_filters_ask_for(
    migrated_postgres_engine: AsyncEngine,
) -> None:
    """Each filter finds tickets and `due` finds the 1% due (the plans above are not of empty answers)."""
    engine = migrated_postgres_engine
    async with engine.begin() as conn:
        await conn.execute(FILL, {"t0": T0, "count": 2_000})
        await conn.execute(FILL_CLOCKS, {"t0": T0, "count": 2_000})
    async with SqlUnitOfWorkFactory(engine)() as uow:
        for name, ticket_filter in FILTERS.items():
            assert await uow.tickets.list(ticket_filter, limit=5), name
        due = await uow.tickets.due(T0 + timedelta(seconds=1), limit=1_000)
    assert len(due) == 20
