"""On PostgreSQL, over seeded tables, every report reads its range through its index and no
big table whole: EXPLAIN of every report's statement, each grouping (and the business-hours
variant of frt, aht and ttr), over one day
(docs/reports.md, "Indexes").

At this test's scale (20,000 rows a table) the planner may rightly hash a whole small table
rather than probe an index 100 times, so the plans are read with sequential scans priced out
(``enable_seqscan = off``): a Seq Scan still in the plan then means no index serves that
access. `benchmarks/reports.py` times the plans PostgreSQL picks by itself over a million rows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.sql.reports.repository import report_statement
from lia_core.reports import CATALOGUE, ReportName, ReportQuery
from tests.integration.reports_data import BIG_TABLES, seed_bulk

pytestmark = pytest.mark.postgres

ROWS = 20_000
T0 = datetime(2026, 1, 1, 3, 0, tzinfo=UTC)
STEP = 200 * 86_400 / ROWS  # 200 days of rows: a day holds 0.5 % of each table
SP = ZoneInfo("America/Sao_Paulo")
RANGE_INDEX = {
    ReportName.FRT: "ix_tickets_opened_at",
    ReportName.AHT: "ix_tickets_resolved_at",
    ReportName.TTR: "ix_tickets_resolved_at",
    ReportName.SLA: "ix_ticket_events_kind_at",
    ReportName.TRANSFERS: "ix_tickets_opened_at",
    ReportName.ESCALATIONS: "ix_tickets_opened_at",
    ReportName.BACKLOG: "ix_tickets_status_opened_at",
    ReportName.FUNNEL: "ix_conversations_created_at",
    ReportName.HANDOFFS: "ix_handoffs_at",
    ReportName.DEFLECTION: "ix_failure_notifications_created_at",
    ReportName.NPS: "ix_satisfaction_feedback_created_at",
    ReportName.OFFERS: "ix_offers_offered_at",
}
"""The index each report reads its range through (docs/reports.md lists the same)."""


async def test_no_report_scans_a_big_table(migrated_postgres_engine: AsyncEngine) -> None:
    """Every report, ungrouped and by each grouping it has, reads its day through its index."""
    engine = migrated_postgres_engine
    async with engine.begin() as conn:
        await seed_bulk(conn, rows=ROWS, t0=T0, step=STEP)
    start = T0 + timedelta(days=100)
    now = T0 + timedelta(days=201)
    scans: dict[str, list[str]] = {}
    async with engine.connect() as conn:
        await conn.execute(text("SET enable_seqscan = off"))
        for name in ReportName:
            variants = (False, True) if CATALOGUE[name].business_hours else (False,)
            for group_by, business in product((None, *CATALOGUE[name].groupings), variants):
                query = ReportQuery(
                    name=name,
                    start=start,
                    end=start + timedelta(days=1),
                    group_by=group_by,
                    business_hours=business,
                    zone=SP,
                )
                statement, params = report_statement(query, now=now, dialect="postgresql")
                plan = "\n".join(
                    row[0] for row in await conn.execute(text(f"EXPLAIN {statement.text}"), params)
                )
                found = [t for t in BIG_TABLES if f"Seq Scan on {t} " in plan]
                if RANGE_INDEX[name] not in plan:
                    found.append(f"not through {RANGE_INDEX[name]}")
                if found:
                    scans[f"{name.value}/{group_by}/{business}"] = found
    assert scans == {}
