"""The SLA monitor's visits on PostgreSQL: one statement applies a batch of visit plans.

`lia_core.desk.plan` keeps on each ticket's `ticket_clocks` row (``plan``, JSONB) what its
coming visits will do. This statement:

1. takes the due rows, ``FOR UPDATE SKIP LOCKED``: the clock rows by their ``next_check_at``
   index, then their ticket rows by primary key (a ticket row a command holds is left for the
   next tick rather than waited for, which could deadlock);
2. keeps those whose plan holds: its format, the desk-policy revision in force, the first
   visit's instant, and — when the plan assumed them — the linked outage's state and no
   newer ticket of the same contact;
3. rewrites each kept clock row from its first visit (the rest of the plan kept), inserts
   that visit's events and, only when a rule escalated or raised the priority, updates the
   ticket row (version + 1). SLA events alone leave the ticket row and its version as they
   are: a command that read the ticket before the visit and saves after it collides on the
   events' positions and gets the usual conflict (409);
4. returns one row per ticket taken plus one per visit applied (what to count, which alerts
   to queue).

So a tick costs one round trip and the server's work: no timeline read, no Python per
ticket. Tickets taken but not applied stay locked for the pipeline. SQLite runs the same
rules row by row (`SqlTicketRepository.visit_due`).
"""

from __future__ import annotations

from sqlalchemy import TextClause, text

__all__ = ["VISIT_DUE"]

VISIT_DUE: TextClause = text(
    """
    WITH picked AS (
        SELECT c.ticket_id, c.plan
        FROM ticket_clocks AS c
        WHERE c.next_check_at IS NOT NULL AND c.next_check_at <= :now
        ORDER BY c.next_check_at, c.ticket_id
        LIMIT :limit
        FOR UPDATE SKIP LOCKED
    ),
    due AS (
        SELECT t.id, t.version, k.plan, t.contact, t.failure_id
        FROM tickets AS t
        JOIN picked AS k ON k.ticket_id = t.id
        WHERE t.id = ANY (ARRAY(SELECT ticket_id FROM picked))
          AND t.status IN ('open', 'waiting_customer')
        FOR UPDATE OF t SKIP LOCKED
    ),
    planned AS (
        SELECT d.id, d.version, d.plan, d.plan -> 'visits' -> 0 AS visit
        FROM due AS d
        WHERE d.plan IS NOT NULL
          AND d.plan ->> 'format' = '1'
          AND COALESCE(d.plan ->> 'revision', '') = :revision
          AND jsonb_typeof(d.plan -> 'visits') = 'array'
          AND jsonb_array_length(d.plan -> 'visits') > 0
          AND CAST(d.plan -> 'visits' -> 0 ->> 'at' AS timestamptz) <= :now
          AND (
              jsonb_typeof(d.plan -> 'outage') IS DISTINCT FROM 'boolean'
              OR CAST(d.plan ->> 'outage' AS boolean) = EXISTS (
                  SELECT 1 FROM massive_failures AS f
                  WHERE f.id = d.failure_id AND f.status = 'active'
              )
          )
          AND (
              d.plan ->> 'contacts' IS DISTINCT FROM 'true'
              OR d.contact IS NULL
              OR NOT EXISTS (
                  SELECT 1 FROM tickets AS o
                  WHERE o.contact = d.contact
                    AND o.opened_at > CAST(d.plan ->> 'made_at' AS timestamptz)
              )
          )
    ),
    ruled AS (
        UPDATE tickets AS t SET
            version = t.version + 1,
            level = p.visit -> 'state' ->> 'level',
            priority = p.visit -> 'state' ->> 'priority',
            escalation_reason = p.visit -> 'state' ->> 'escalation_reason',
            escalated_at = CAST(p.visit -> 'state' ->> 'escalated_at' AS timestamptz),
            escalated_by = p.visit -> 'state' ->> 'escalated_by',
            updated_at = :now
        FROM planned AS p
        WHERE t.id = p.id
          AND (
              t.level IS DISTINCT FROM p.visit -> 'state' ->> 'level'
              OR t.priority IS DISTINCT FROM p.visit -> 'state' ->> 'priority'
              OR t.escalation_reason IS DISTINCT FROM p.visit -> 'state' ->> 'escalation_reason'
              OR t.escalated_by IS DISTINCT FROM p.visit -> 'state' ->> 'escalated_by'
          )
        RETURNING t.id
    ),
    clocked AS (
        UPDATE ticket_clocks AS c SET
            sla_state = p.visit -> 'index' ->> 'sla_state',
            first_response_due_at =
                CAST(p.visit -> 'index' ->> 'first_response_due_at' AS timestamptz),
            resolution_due_at = CAST(p.visit -> 'index' ->> 'resolution_due_at' AS timestamptz),
            next_check_at = CAST(p.visit -> 'index' ->> 'next_check_at' AS timestamptz),
            plan = CASE
                WHEN jsonb_array_length(p.plan -> 'visits') > 1 THEN jsonb_set(
                    jsonb_set(p.plan, '{visits}', (p.plan -> 'visits') - 0),
                    '{seq}',
                    to_jsonb(
                        CAST(p.plan ->> 'seq' AS integer)
                        + jsonb_array_length(p.visit -> 'events')
                    )
                )
            END
        FROM planned AS p
        WHERE c.ticket_id = p.id
        RETURNING c.ticket_id
    ),
    recorded AS (
        INSERT INTO ticket_events (ticket_id, seq, kind, at, actor, reason, data)
        SELECT
            p.id,
            CAST(p.plan ->> 'seq' AS integer) + CAST(e.ord AS integer) - 1,
            e.value ->> 'kind',
            CAST(e.value ->> 'at' AS timestamptz),
            e.value ->> 'by',
            e.value ->> 'reason',
            NULLIF(e.value -> 'data', '{}'::jsonb)
        FROM planned AS p
        CROSS JOIN LATERAL jsonb_array_elements(p.visit -> 'events')
            WITH ORDINALITY AS e(value, ord)
        RETURNING ticket_id
    )
    SELECT
        p.id,
        true AS applied,
        CAST(p.visit -> 'index' ->> 'next_check_at' AS timestamptz) AS next_check_at,
        p.plan ->> 'department' AS department,
        CAST(p.plan ->> 'cycle' AS integer) AS cycle,
        CAST(p.visit -> 'events' AS text) AS events,
        CAST(p.visit -> 'alerts' AS text) AS alerts
    FROM planned AS p
    UNION ALL
    SELECT d.id, false, NULL, NULL, NULL, NULL, NULL
    FROM due AS d
    """
)
"""Bind ``now``, ``limit`` and ``revision`` (the revision number as text, '' for none)."""
