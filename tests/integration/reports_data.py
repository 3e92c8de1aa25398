"""Bulk rows for every report's tables on PostgreSQL, made by the server (generate_series):
the EXPLAIN test's seeded tables and `benchmarks/reports.py`'s million rows.

Row g (1..n) of each table happens at ``t0 + g * step`` seconds (``__AT__`` in the
statements below), so the rows spread evenly over ``n * step`` seconds; departments
(``__DEPT__``), agents, statuses and scores cycle with g.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection

from lia_adapters.sql.column_types import UtcDateTime

__all__ = ["BIG_TABLES", "seed_bulk"]

BIG_TABLES = (
    "tickets",
    "ticket_events",
    "conversations",
    "messages",
    "handoffs",
    "assignments",
    "satisfaction_feedback",
    "offers",
    "failure_notifications",
)
"""The tables a report must never read whole (EXPLAIN: no Seq Scan on them)."""

_AT = "(CAST(:t0 AS timestamptz) + make_interval(secs => g * :step))"
_DEPT = "(ARRAY['support', 'financial', 'sales'])[1 + g % 3]"

_STATEMENTS = (
    """
    INSERT INTO massive_failures (id, name, notification_message, severity, status,
        affected_regions, starts_at, created_by, created_at, updated_at, version)
    SELECT 'out' || g, 'Falha ' || g, 'Olá {nome}.', 'high', 'active', '{}'::jsonb,
        __AT__, 'ana', __AT__, __AT__, 1
    FROM generate_series(0, 9) AS g
    """,
    """
    INSERT INTO tickets (id, conversation_id, contact, subject, department, assignee, level,
        priority, severity, status, vip, opened_at, updated_at, resolved_at, version,
        answered_by_outage_gate, first_response_business_seconds, resolution_business_seconds)
    SELECT 't' || g, NULL, '55119' || g, 'sem internet', __DEPT__, 'agent' || (g % 50),
        (ARRAY['N1', 'N2', 'N3'])[1 + g % 3], (ARRAY['low', 'medium', 'high', 'urgent'])[1 + g % 4],
        'low', CASE g % 5 WHEN 0 THEN 'open' WHEN 1 THEN 'waiting_customer' ELSE 'resolved' END,
        false, __AT__, __AT__,
        CASE WHEN g % 5 >= 2 THEN __AT__ + interval '2 hours' END, 1, false,
        600, CASE WHEN g % 5 >= 2 THEN 7200 END
    FROM generate_series(1, :n) AS g
    """,
    """
    INSERT INTO ticket_events (ticket_id, seq, kind, at, actor, data)
    SELECT 't' || g, e.seq, e.kind, __AT__ + make_interval(mins => e.minutes), 'agent',
        CAST(e.data AS jsonb)
    FROM generate_series(1, :n) AS g
    CROSS JOIN (VALUES
        (1, 'created', 0, NULL),
        (2, 'human_public_reply', 10, NULL),
        (3, 'sla_met', 10, '{"clock": "first_response", "outcome": "hit"}'),
        (4, 'reassigned', 20, NULL),
        (5, 'escalated', 30, NULL),
        (6, 'resolved', 120, NULL),
        (7, 'sla_met', 120, '{"clock": "resolution", "outcome": "miss"}')
    ) AS e (seq, kind, minutes, data)
    WHERE (e.seq <> 4 OR g % 10 = 0) AND (e.seq <> 5 OR g % 7 = 0)
      AND (e.seq < 6 OR g % 5 >= 2)
    """,
    """
    INSERT INTO conversations (id, channel, chat_id, contact_phone, client_name, status,
        last_message, last_message_at, gate, answered_by_outage, created_at, updated_at, version)
    SELECT 'c' || g, 'whatsapp', '55119' || g, '55119' || g, 'Cliente',
        (ARRAY['active', 'waiting', 'transferred', 'resolved', 'archived'])[1 + g % 5],
        'oi', __AT__, '{}'::jsonb, g % 20 = 0, __AT__, __AT__, 1
    FROM generate_series(1, :n) AS g
    """,
    """
    INSERT INTO messages (id, conversation_id, channel, direction, contact_phone, display_name,
        kind, text, details, provider_message_id, status, sent_at, stored_at, processed_at)
    SELECT 'm' || g, 'c' || g, 'whatsapp', 'inbound', '55119' || g, 'Cliente', 'text', 'oi',
        '{}'::jsonb, 'p' || g, 'received', __AT__, __AT__, __AT__
    FROM generate_series(1, :n) AS g
    """,
    """
    INSERT INTO handoffs (id, conversation_id, reason, department, level, priority, at,
        accepted_by, accepted_at)
    SELECT 'h' || g, 'c' || g,
        (ARRAY['low_confidence', 'ambiguous', 'customer_asked', 'critical_intent'])[1 + g % 4],
        __DEPT__, 'N1', 'medium', __AT__,
        CASE WHEN g % 3 = 0 THEN 'agent' || (g % 50) END,
        CASE WHEN g % 3 = 0 THEN __AT__ + interval '1 minute' END
    FROM generate_series(1, :n) AS g
    """,
    """
    INSERT INTO assignments (conversation_id, department, priority, vip, urgency,
        waiting_since, assignee, passed_over, reason, closed_at, updated_at, version)
    SELECT 'c' || g, __DEPT__, 'medium', false, 3, NULL, NULL, '[]'::jsonb, 'resolved',
        CASE WHEN g % 4 = 0 THEN __AT__ + interval '1 hour' END, __AT__, 1
    FROM generate_series(1, :n) AS g
    """,
    """
    INSERT INTO satisfaction_feedback (id, survey_id, conversation_id, customer, client_name,
        score, category, comment, agent, assistant, department, created_at, version)
    SELECT 'f' || g, 's' || g, 'c' || g, '55119' || g, 'Cliente', g % 11,
        CASE WHEN g % 11 >= 9 THEN 'promoter' WHEN g % 11 >= 7 THEN 'passive'
             ELSE 'detractor' END,
        '', 'agent' || (g % 50), 'bot', __DEPT__, __AT__, 1
    FROM generate_series(1, :n) AS g
    """,
    """
    INSERT INTO offers (id, conversation_id, agent, department, offered_at, due_at, status,
        decided_at)
    SELECT 'o' || g, 'c' || g, 'agent' || (g % 50), __DEPT__, __AT__,
        __AT__ + interval '1 minute',
        (ARRAY['accepted', 'rejected', 'timed_out', 'canceled'])[1 + g % 4],
        __AT__ + interval '1 minute'
    FROM generate_series(1, :n) AS g
    """,
    """
    INSERT INTO failure_notifications (failure_id, kind, recipient, name, channel, job_id,
        created_at)
    SELECT 'out' || (g % 10), CASE WHEN g % 4 = 0 THEN 'resolution' ELSE 'notice' END,
        '55119' || g, 'Cliente', 'whatsapp', 'job' || g, __AT__
    FROM generate_series(1, :n) AS g
    """,
)


async def seed_bulk(conn: AsyncConnection, *, rows: int, t0: datetime, step: float) -> None:
    """*rows* rows in each big table from *t0*, one every *step* seconds; then ANALYZE."""
    for template in _STATEMENTS:
        sql = template.replace("__AT__", _AT).replace("__DEPT__", _DEPT)
        statement = text(sql).bindparams(bindparam("t0", type_=UtcDateTime()))
        await conn.execute(statement, {"n": rows, "t0": t0, "step": step})
    for table in ("massive_failures", *BIG_TABLES):
        await conn.execute(text(f"ANALYZE {table}"))
