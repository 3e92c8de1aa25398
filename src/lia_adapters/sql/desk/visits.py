"""The SLA monitor's visits on PostgreSQL: one statement applies a batch of visit plans.

`lia_core.desk.plan` keeps in `ticket_plans` what each ticket's coming visits will do, and
its clock row says which visit is next (`plan_step`) and where its events go (`plan_seq`).
This statement:

1. takes the due rows, ``FOR UPDATE SKIP LOCKED``: the clock rows by their ``next_check_at``
   index, then their ticket rows by primary key (a ticket row a command holds is left for the
   next tick rather than waited for, which could deadlock);
2. keeps those whose plan holds: its format, the desk-policy revision in force, the next
   visit's instant, and — when the plan assumed them — the linked outage's state and no
   newer ticket of the same contact;
3. moves each kept clock row on by one visit (the new index, `plan_step` + 1, `plan_seq` +
   the visit's events; both NULL after the last visit, which leaves the ticket to the
   planner), inserts that visit's events and, only when a rule escalated or raised the
   priority, updates the ticket row (version + 1). The plan row is only read. SLA events
   alone leave the ticket row and its version as they are: a command that read the ticket
   before the visit and saves after it collides on the events' positions and gets the usual
   conflict (409);
4. returns one row of two JSON arrays: what to count and alert for each ticket applied
   (``[id, next_check_at, department, cycle, events, alerts]``), and the ids of the others
   (the pipeline's). One document parses in a few milliseconds where a thousand rows of
   seven columns cost the driver and the ORM three times that.

So a tick costs one round trip and the server's work: no timeline read, no Python per
ticket. Tickets taken but not applied stay locked for the pipeline. SQLite runs the same
rules row by row (`SqlTicketRepository.visit_due`).

A planner trap, measured: the CTEs are estimated at one row, so the unapplied tickets are
found with ``NOT IN`` (a hashed subplan) — a ``LEFT JOIN`` or ``NOT EXISTS`` ran as a nested
loop over the batch squared.
"""

from __future__ import annotations

from sqlalchemy import TextClause, text

__all__ = ["VISIT_DUE"]

VISIT_DUE: TextClause = text(
    """
    WITH picked AS (
        SELECT c.ticket_id, c.plan_step, c.plan_seq
        FROM ticket_clocks AS c
        WHERE c.next_check_at IS NOT NULL AND c.next_check_at <= :now
        ORDER BY c.next_check_at, c.ticket_id
        LIMIT :limit
        FOR UPDATE SKIP LOCKED
    ),
    due AS (
        SELECT t.id, k.plan_step, k.plan_seq, t.contact, t.failure_id
        FROM tickets AS t
        JOIN picked AS k ON k.ticket_id = t.id
        WHERE t.id = ANY (ARRAY(SELECT ticket_id FROM picked))
          AND t.status IN ('open', 'waiting_customer')
        FOR UPDATE OF t SKIP LOCKED
    ),
    planned AS (
        SELECT
            d.id,
            d.plan_step AS step,
            d.plan_seq AS seq,
            jsonb_array_length(x.plan -> 'visits') AS visits,
            x.plan -> 'visits' -> d.plan_step AS visit,
            x.plan ->> 'department' AS department,
            CAST(x.plan ->> 'cycle' AS integer) AS cycle
        FROM due AS d
        JOIN ticket_plans AS x ON x.ticket_id = d.id
        WHERE d.plan_step IS NOT NULL
          AND d.plan_seq IS NOT NULL
          AND x.plan ->> 'format' = '1'
          AND COALESCE(x.plan ->> 'revision', '') = :revision
          AND jsonb_typeof(x.plan -> 'visits') = 'array'
          AND CAST(x.plan -> 'visits' -> d.plan_step ->> 'at' AS timestamptz) <= :now
          AND (
              jsonb_typeof(x.plan -> 'outage') IS DISTINCT FROM 'boolean'
              OR CAST(x.plan ->> 'outage' AS boolean) = EXISTS (
                  SELECT 1 FROM massive_failures AS f
                  WHERE f.id = d.failure_id AND f.status = 'active'
              )
          )
          AND (
              x.plan ->> 'contacts' IS DISTINCT FROM 'true'
              OR d.contact IS NULL
              OR NOT EXISTS (
                  SELECT 1 FROM tickets AS o
                  WHERE o.contact = d.contact
                    AND o.opened_at > CAST(x.plan ->> 'made_at' AS timestamptz)
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
        WHERE t.id = p.id AND p.visit ->> 'changes' = 'true'
        RETURNING t.id
    ),
    clocked AS (
        UPDATE ticket_clocks AS c SET
            sla_state = p.visit -> 'index' ->> 'sla_state',
            first_response_due_at =
                CAST(p.visit -> 'index' ->> 'first_response_due_at' AS timestamptz),
            resolution_due_at = CAST(p.visit -> 'index' ->> 'resolution_due_at' AS timestamptz),
            next_check_at = CAST(p.visit -> 'index' ->> 'next_check_at' AS timestamptz),
            plan_step = CASE WHEN p.step + 1 < p.visits THEN p.step + 1 END,
            plan_seq = CASE
                WHEN p.step + 1 < p.visits THEN p.seq + jsonb_array_length(p.visit -> 'events')
            END
        FROM planned AS p
        WHERE c.ticket_id = p.id
        RETURNING c.ticket_id
    ),
    recorded AS (
        INSERT INTO ticket_events (ticket_id, seq, kind, at, actor, reason, data)
        SELECT
            p.id,
            p.seq + CAST(e.ord AS integer) - 1,
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
        (
            SELECT COALESCE(json_agg(json_build_array(
                p.id,
                p.visit -> 'index' ->> 'next_check_at',
                p.department,
                p.cycle,
                p.visit -> 'events',
                p.visit -> 'alerts'
            )), '[]')
            FROM planned AS p
        )::text AS applied,
        (
            SELECT COALESCE(json_agg(d.id), '[]')
            FROM due AS d
            WHERE d.id NOT IN (SELECT id FROM planned)
        )::text AS unplanned
    """
)
"""Bind ``now``, ``limit`` and ``revision`` (the revision number as text, '' for none)."""
