"""Tables of the desk (revisions 0006, 0007, 0012): tickets, their clocks and timelines, desk-policy
revisions, the audit log."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    false,
    text,
)

from lia_adapters.sql.base import metadata
from lia_adapters.sql.column_types import ACTOR, Json, NullableJson, UtcDateTime, key

__all__ = [
    "activity_logs",
    "desk_policy_revisions",
    "ticket_clocks",
    "ticket_events",
    "tickets",
]

_PARTY = 512  # a contact key: canonical phone or provider identity
_LIVE = text("status IN ('open', 'waiting_customer') AND conversation_id IS NOT NULL")
_DUE = text("next_check_at IS NOT NULL")
_UNPLANNED = text("plan_step IS NULL AND next_check_at IS NOT NULL")


def _listing(column: str) -> Index:
    """A filter of `lia ticket list`, newest first: equality on *column*, then opened_at."""
    return Index(f"ix_tickets_{column}_opened_at", column, "opened_at", "id")


tickets = Table(
    "tickets",
    metadata,
    Column("id", key(), primary_key=True),
    Column("conversation_id", key(), nullable=True),
    Column("contact", key(_PARTY), nullable=True),
    Column("subject", Text, nullable=False),
    Column("department", String(64), nullable=False),
    Column("assignee", String(ACTOR), nullable=True),
    Column("level", String(2), nullable=False),
    Column("priority", String(8), nullable=False),
    Column("severity", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    Column("vip", Boolean, nullable=False),
    Column("failure_id", key(), nullable=True),
    Column("escalation_reason", Text, nullable=True),
    Column("escalated_at", UtcDateTime, nullable=True),
    Column("escalated_by", String(ACTOR), nullable=True),
    Column("sla_policy", String(64), nullable=True),
    Column("opened_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("resolved_at", UtcDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    # Revision 0007: what a library user may set on a ticket, kept across a reload.
    Column("deadline", UtcDateTime, nullable=True),
    Column("first_response_deadline", UtcDateTime, nullable=True),
    Column("answered_by_outage_gate", Boolean, nullable=False, server_default=false()),
    # Revision 0021: business-hours FRT and TTR, measured by the desk when the event happens
    # (the reports' business-hours variants read them; NULL on tickets stored before).
    Column("first_response_business_seconds", Float, nullable=True),
    Column("resolution_business_seconds", Float, nullable=True),
    # At most one live ticket per conversation, enforced by the database.
    Index(
        "ux_tickets_live_conversation",
        "conversation_id",
        unique=True,
        postgresql_where=_LIVE,
        sqlite_where=_LIVE,
    ),
    Index("ix_tickets_opened_at", "opened_at", "id"),
    _listing("status"),
    _listing("level"),
    _listing("priority"),
    _listing("department"),
    _listing("assignee"),
    _listing("failure_id"),
    Index("ix_tickets_contact_opened_at", "contact", "opened_at"),
    # The reports (revision 0020): TTR and AHT read tickets resolved in a range.
    Index("ix_tickets_resolved_at", "resolved_at"),
    # Room on each page for the monitor's in-place (HOT) updates of version and updated_at.
    postgresql_with={"fillfactor": 85},
)

ticket_clocks = Table(
    "ticket_clocks",
    metadata,
    # Revision 0012: a ticket's SLA index on its own row, so that a monitor visit rewrites
    # this narrow row (two indexes) and leaves the ticket row's eleven indexes alone. An index
    # over what lia_core.sla computes from the timeline, rewritten on every event and monitor
    # visit: never read as the truth, only to find and filter tickets.
    Column("ticket_id", key(), ForeignKey("tickets.id"), primary_key=True),
    Column("opened_at", UtcDateTime, nullable=False),
    Column("sla_state", String(8), nullable=True),
    Column("first_response_due_at", UtcDateTime, nullable=True),
    Column("resolution_due_at", UtcDateTime, nullable=True),
    Column("next_check_at", UtcDateTime, nullable=True),
    # Revision 0013: where the ticket is in its visit plan (`ticket_plans`): the next visit
    # is the plan's visit number `plan_step`, its first event goes at position `plan_seq`.
    # NULL: no plan that holds (a save voids it; the planner makes a new one). A monitor
    # visit moves these two integers on and never rewrites the plan itself.
    Column("plan_step", Integer, nullable=True),
    Column("plan_seq", Integer, nullable=True),
    # The SLA monitor's scan: partial, so it holds only tickets with a clock to watch.
    Index(
        "ix_ticket_clocks_next_check_at",
        "next_check_at",
        postgresql_where=_DUE,
        sqlite_where=_DUE,
    ),
    # The monitor's planner: clock rows still to plan (made by every save, so few at a time).
    Index(
        "ix_ticket_clocks_unplanned",
        "next_check_at",
        postgresql_where=_UNPLANNED,
        sqlite_where=_UNPLANNED,
    ),
    # `lia ticket list --sla`, newest first.
    Index("ix_ticket_clocks_sla_state_opened_at", "sla_state", "opened_at", "ticket_id"),
)

ticket_plans = Table(
    "ticket_plans",
    metadata,
    # Revision 0013: a ticket's visit plan (lia_core.desk.plan), written by the monitor's
    # planner and read by its visits; apart from `ticket_clocks` so that a visit rewrites a
    # narrow clock row, not the plan (about 1.7 kB of JSON) with it.
    Column("ticket_id", key(), ForeignKey("tickets.id"), primary_key=True),
    Column("plan", Json, nullable=False),
)

ticket_events = Table(
    "ticket_events",
    metadata,
    Column("ticket_id", key(), ForeignKey("tickets.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(ACTOR), nullable=True),
    Column("reason", Text, nullable=True),
    # What changed, as strings: {"from": "N1", "to": "N2"}, {"rule": "sla-breached"}, ...
    Column("data", NullableJson, nullable=True),
    PrimaryKeyConstraint("ticket_id", "seq", name="pk_ticket_events"),
    # The reports (revision 0020): the SLA report reads the clocks stopped (sla_met) in a range.
    Index("ix_ticket_events_kind_at", "kind", "at"),
)

desk_policy_revisions = Table(
    "desk_policy_revisions",
    metadata,
    Column("revision", Integer, primary_key=True, autoincrement=False),
    Column("source", Text, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("filename", String(255), nullable=True),
    Column("loaded_by", String(ACTOR), nullable=False),
    Column("loaded_at", UtcDateTime, nullable=False),
)

activity_logs = Table(
    "activity_logs",
    metadata,
    Column("id", key(), primary_key=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(ACTOR), nullable=True),
    Column("action", String(64), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("entity_id", String(255), nullable=False),
    Column("from_state", Text, nullable=True),
    Column("to_state", Text, nullable=True),
    Column("reason", Text, nullable=True),
    Column("ip", String(64), nullable=True),
    Column("user_agent", Text, nullable=True),
    Column("details", NullableJson, nullable=True),
    Index("ix_activity_logs_at", "at", "id"),
    Index("ix_activity_logs_entity_at", "entity", "at", "id"),
    Index("ix_activity_logs_actor_at", "actor", "at", "id"),
    Index("ix_activity_logs_entity_id_at", "entity", "entity_id", "at"),
)
