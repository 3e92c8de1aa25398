"""Each report's one SQL statement (frt, aht, ttr: and its business-hours variant), as
docs/reports.md prints it (a test compares the two).

A statement is a template: ``{key}`` is the grouping column's expression (a period of the
ISP's calendar, an agent, a department; the constant ``'total'`` without a grouping, whose
column is then dropped), ``{epoch:X}`` is instant X in seconds and ``{json:X,name}`` a text
field of JSON column X, each spelled per dialect by `lia_adapters.sql.reports.dialect`.
Parameters: ``:start`` and ``:end`` (the half-open range), ``:today`` (the start of today
in the ISP's timezone).
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from lia_core.reports import GroupBy, ReportName

__all__ = ["REPORT_SQL", "ReportSql"]


@attrs.frozen(kw_only=True)
class ReportSql:
    """A report's statement template and the column behind each grouping it supports."""

    template: str
    keys: Mapping[GroupBy, str] = attrs.field(factory=dict)
    """The expression ``{key}`` stands for per grouping (an instant for the periods)."""
    business: str | None = None
    """The business-hours variant's template (same keys and columns), for the reports that
    have one: it reads the durations the desk measured on the ticket row (revision 0021)."""

    def template_for(self, business_hours: bool) -> str:
        """The template a query runs: the business-hours variant when asked and present."""
        return self.business if business_hours and self.business is not None else self.template


def _keys(when: str, agent: str | None = None, department: str | None = None) -> dict[GroupBy, str]:
    keys = {GroupBy.DAY: when, GroupBy.WEEK: when, GroupBy.MONTH: when}
    if agent is not None:
        keys[GroupBy.AGENT] = agent
    if department is not None:
        keys[GroupBy.DEPARTMENT] = department
    return keys


_FRT = """
SELECT {key} AS grp,
       COUNT(*) AS tickets,
       AVG(r.seconds) AS avg_seconds,
       MAX(r.seconds) AS max_seconds
FROM (
    SELECT t.opened_at, t.assignee, t.department,
           {epoch:MIN(e.at)} - {epoch:t.opened_at} AS seconds
    FROM tickets AS t
    JOIN ticket_events AS e ON e.ticket_id = t.id AND e.kind = 'human_public_reply'
    WHERE t.opened_at >= :start AND t.opened_at < :end
    GROUP BY t.id, t.opened_at, t.assignee, t.department
) AS r
GROUP BY grp
"""

_AHT = """
SELECT {key} AS grp,
       COUNT(*) AS tickets,
       AVG(r.seconds) AS avg_seconds,
       MAX(r.seconds) AS max_seconds,
       SUM(r.seconds) AS total_seconds
FROM (
    SELECT t.resolved_at, t.assignee, t.department,
           {epoch:t.resolved_at} - {epoch:MIN(e.at)} AS seconds
    FROM tickets AS t
    JOIN ticket_events AS e ON e.ticket_id = t.id AND e.kind = 'human_public_reply'
    WHERE t.resolved_at >= :start AND t.resolved_at < :end
    GROUP BY t.id, t.resolved_at, t.assignee, t.department
) AS r
GROUP BY grp
"""

_TTR = """
SELECT {key} AS grp,
       COUNT(*) AS tickets,
       AVG(r.seconds) AS avg_seconds,
       MAX(r.seconds) AS max_seconds
FROM (
    SELECT t.resolved_at, t.assignee, t.department,
           {epoch:t.resolved_at} - {epoch:t.opened_at} AS seconds
    FROM tickets AS t
    WHERE t.resolved_at >= :start AND t.resolved_at < :end
) AS r
GROUP BY grp
"""

_FRT_BUSINESS = """
SELECT {key} AS grp,
       COUNT(*) AS tickets,
       AVG(r.seconds) AS avg_seconds,
       MAX(r.seconds) AS max_seconds
FROM (
    SELECT t.opened_at, t.assignee, t.department,
           t.first_response_business_seconds AS seconds
    FROM tickets AS t
    WHERE t.opened_at >= :start AND t.opened_at < :end
      AND t.first_response_business_seconds IS NOT NULL
) AS r
GROUP BY grp
"""

_AHT_BUSINESS = """
SELECT {key} AS grp,
       COUNT(*) AS tickets,
       AVG(r.seconds) AS avg_seconds,
       MAX(r.seconds) AS max_seconds,
       SUM(r.seconds) AS total_seconds
FROM (
    SELECT t.resolved_at, t.assignee, t.department,
           t.resolution_business_seconds - t.first_response_business_seconds AS seconds
    FROM tickets AS t
    WHERE t.resolved_at >= :start AND t.resolved_at < :end
      AND t.first_response_business_seconds IS NOT NULL
      AND t.resolution_business_seconds IS NOT NULL
) AS r
GROUP BY grp
"""

_TTR_BUSINESS = """
SELECT {key} AS grp,
       COUNT(*) AS tickets,
       AVG(r.seconds) AS avg_seconds,
       MAX(r.seconds) AS max_seconds
FROM (
    SELECT t.resolved_at, t.assignee, t.department,
           t.resolution_business_seconds AS seconds
    FROM tickets AS t
    WHERE t.resolved_at >= :start AND t.resolved_at < :end
      AND t.resolution_business_seconds IS NOT NULL
) AS r
GROUP BY grp
"""

_SLA = """
SELECT {key} AS grp, r.clock, r.priority,
       SUM(CASE WHEN r.outcome = 'hit' THEN 1 ELSE 0 END) AS hit,
       SUM(CASE WHEN r.outcome = 'miss' THEN 1 ELSE 0 END) AS miss,
       100.0 * SUM(CASE WHEN r.outcome = 'hit' THEN 1 ELSE 0 END) / COUNT(*) AS hit_rate
FROM (
    SELECT e.at, t.department, t.priority,
           {json:e.data,clock} AS clock, {json:e.data,outcome} AS outcome
    FROM ticket_events AS e
    JOIN tickets AS t ON t.id = e.ticket_id
    WHERE e.kind = 'sla_met' AND e.at >= :start AND e.at < :end
) AS r
GROUP BY grp, r.clock, r.priority
"""


_TRANSFERS = """
SELECT {key} AS grp,
       COUNT(*) AS tickets,
       SUM(r.moved) AS transferred,
       100.0 * SUM(r.moved) / COUNT(*) AS transfer_rate
FROM (
    SELECT t.opened_at, t.department,
           CASE WHEN EXISTS (
               SELECT 1 FROM ticket_events AS e
               WHERE e.ticket_id = t.id AND e.kind = 'reassigned'
           ) THEN 1 ELSE 0 END AS moved
    FROM tickets AS t
    WHERE t.opened_at >= :start AND t.opened_at < :end
) AS r
GROUP BY grp
"""

_ESCALATIONS = """
SELECT {key} AS grp,
       COUNT(*) AS tickets,
       SUM(r.moved) AS escalated,
       100.0 * SUM(r.moved) / COUNT(*) AS escalation_rate
FROM (
    SELECT t.opened_at, t.department,
           CASE WHEN EXISTS (
               SELECT 1 FROM ticket_events AS e
               WHERE e.ticket_id = t.id AND e.kind = 'escalated'
           ) THEN 1 ELSE 0 END AS moved
    FROM tickets AS t
    WHERE t.opened_at >= :start AND t.opened_at < :end
) AS r
GROUP BY grp
"""

_BACKLOG = """
SELECT t.status, t.level, t.department, COUNT(*) AS tickets
FROM tickets AS t
WHERE t.status IN ('open', 'waiting_customer')
  AND t.opened_at >= :start AND t.opened_at < :end
GROUP BY t.status, t.level, t.department
"""

_FUNNEL = """
SELECT {key} AS grp,
       SUM(CASE WHEN c.status IN ('active', 'transferred') THEN 1 ELSE 0 END) AS active,
       SUM(CASE WHEN c.status = 'waiting' THEN 1 ELSE 0 END) AS waiting,
       SUM(CASE WHEN c.status IN ('resolved', 'archived') THEN 1 ELSE 0 END) AS archived,
       COUNT(*) AS total,
       (SELECT COUNT(*) FROM messages AS m WHERE m.sent_at >= :today) AS messages_today,
       100.0 * SUM(CASE WHEN c.status IN ('resolved', 'archived') THEN 1 ELSE 0 END)
           / COUNT(*) AS close_rate
FROM conversations AS c
WHERE c.created_at >= :start AND c.created_at < :end
GROUP BY grp
"""

_HANDOFFS = """
SELECT {key} AS grp, h.reason,
       COUNT(*) AS total,
       SUM(CASE WHEN h.accepted_at IS NULL AND a.closed_at IS NULL THEN 1 ELSE 0 END) AS pending,
       SUM(CASE WHEN h.accepted_at IS NOT NULL THEN 1 ELSE 0 END) AS sent,
       SUM(CASE WHEN h.accepted_at IS NULL AND a.closed_at IS NOT NULL THEN 1 ELSE 0 END)
           AS failed
FROM handoffs AS h
LEFT JOIN assignments AS a ON a.conversation_id = h.conversation_id
WHERE h.at >= :start AND h.at < :end
GROUP BY grp, h.reason
"""

_DEFLECTION = """
SELECT f.id AS outage, f.name,
       SUM(r.gate) AS gate_contacts,
       SUM(r.gate * r.no_ticket) AS deflected,
       SUM(CASE WHEN r.kind = 'notice' THEN 1 ELSE 0 END) AS notices,
       SUM(CASE WHEN r.kind = 'resolution' THEN 1 ELSE 0 END) AS resolutions
FROM (
    SELECT n.failure_id, n.kind,
           CASE WHEN n.kind = 'notice' AND EXISTS (
               SELECT 1 FROM conversations AS c
               WHERE c.contact_phone = n.recipient AND c.answered_by_outage
           ) THEN 1 ELSE 0 END AS gate,
           CASE WHEN EXISTS (
               SELECT 1 FROM tickets AS t
               WHERE t.contact = n.recipient AND t.opened_at >= n.created_at
           ) THEN 0 ELSE 1 END AS no_ticket
    FROM failure_notifications AS n
    WHERE n.created_at >= :start AND n.created_at < :end
) AS r
JOIN massive_failures AS f ON f.id = r.failure_id
GROUP BY f.id, f.name
"""

_NPS = """
SELECT {key} AS grp,
       COUNT(*) AS answers,
       SUM(CASE WHEN f.score >= 9 THEN 1 ELSE 0 END) AS promoters,
       SUM(CASE WHEN f.score IN (7, 8) THEN 1 ELSE 0 END) AS passives,
       SUM(CASE WHEN f.score <= 6 THEN 1 ELSE 0 END) AS detractors,
       100.0 * (SUM(CASE WHEN f.score >= 9 THEN 1 ELSE 0 END)
                - SUM(CASE WHEN f.score <= 6 THEN 1 ELSE 0 END)) / COUNT(*) AS nps,
       AVG(1.0 * f.score) AS avg_score
FROM satisfaction_feedback AS f
WHERE f.created_at >= :start AND f.created_at < :end
GROUP BY grp
"""

_OFFERS = """
SELECT {key} AS grp, o.agent,
       COUNT(*) AS offered,
       SUM(CASE WHEN o.status = 'timed_out' THEN 1 ELSE 0 END) AS timed_out,
       100.0 * SUM(CASE WHEN o.status = 'timed_out' THEN 1 ELSE 0 END) / COUNT(*)
           AS timeout_rate
FROM offers AS o
WHERE o.offered_at >= :start AND o.offered_at < :end
GROUP BY grp, o.agent
"""

REPORT_SQL: Mapping[ReportName, ReportSql] = {
    ReportName.FRT: ReportSql(
        template=_FRT,
        business=_FRT_BUSINESS,
        keys=_keys("r.opened_at", "r.assignee", "r.department"),
    ),
    ReportName.AHT: ReportSql(
        template=_AHT,
        business=_AHT_BUSINESS,
        keys=_keys("r.resolved_at", "r.assignee", "r.department"),
    ),
    ReportName.TTR: ReportSql(
        template=_TTR,
        business=_TTR_BUSINESS,
        keys=_keys("r.resolved_at", "r.assignee", "r.department"),
    ),
    ReportName.SLA: ReportSql(template=_SLA, keys=_keys("r.at", department="r.department")),
    ReportName.TRANSFERS: ReportSql(
        template=_TRANSFERS,
        keys=_keys("r.opened_at", department="r.department"),
    ),
    ReportName.ESCALATIONS: ReportSql(
        template=_ESCALATIONS,
        keys=_keys("r.opened_at", department="r.department"),
    ),
    ReportName.BACKLOG: ReportSql(template=_BACKLOG),
    ReportName.FUNNEL: ReportSql(template=_FUNNEL, keys=_keys("c.created_at")),
    ReportName.HANDOFFS: ReportSql(
        template=_HANDOFFS, keys=_keys("h.at", department="h.department")
    ),
    ReportName.DEFLECTION: ReportSql(template=_DEFLECTION),
    ReportName.NPS: ReportSql(
        template=_NPS,
        keys={**_keys("f.created_at", "f.agent", "f.department"), GroupBy.ASSISTANT: "f.assistant"},
    ),
    ReportName.OFFERS: ReportSql(template=_OFFERS, keys=_keys("o.offered_at")),
}
"""Every report's statement (the catalogue's groupings are the keys each one has)."""
