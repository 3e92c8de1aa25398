"""The inbox's one statement: open assignments joined by key to their conversation, their live
ticket (by its unique partial index) and that ticket's clock row, filtered and sorted.

The open assignments are read from the partial indexes of `assignments` (``closed_at IS
NULL``: by department and assignee, or by assignee); each join is a key lookup per open
assignment, so a page costs one statement whatever its length, and never grows with the
history of closed conversations and resolved tickets.
"""

from __future__ import annotations

from typing import Any

import attrs
from sqlalchemy import ColumnElement, Select, and_, func, literal_column, or_, select, true

from lia_adapters.sql.assignment.tables import assignments
from lia_adapters.sql.conversations.tables import conversations
from lia_adapters.sql.desk.tables import ticket_clocks, tickets
from lia_core.ports import InboxQuery, InboxSort, InboxTab

__all__ = ["inbox_statement"]

_A = assignments.c
_C = conversations.c
_T = tickets.c
_K = ticket_clocks.c
# Spelled as literals, as the partial index `ux_tickets_live_conversation` spells them: SQLite
# only uses a partial index whose predicate terms appear in the query as written.
_LIVE = _T.status.in_([literal_column("'open'"), literal_column("'waiting_customer'")])
_SINCE = func.coalesce(_A.waiting_since, _A.assigned_at)


@attrs.frozen
class _Joined:
    """Where the conversation's, live ticket's and clock's columns come from, and the FROM."""

    c: Any
    t: Any
    k: Any
    source: Any


def _plain() -> _Joined:
    """Left joins by key: SQLite runs every join as a loop of index lookups."""
    source = (
        assignments.outerjoin(conversations, _C.id == _A.conversation_id)
        .outerjoin(tickets, and_(_T.conversation_id == _A.conversation_id, _LIVE))
        .outerjoin(ticket_clocks, _K.ticket_id == _T.id)
    )
    return _Joined(_C, _T, _K, source)


def _lateral() -> _Joined:
    """PostgreSQL: one lookup per open assignment (LATERAL … LIMIT 1 is never flattened), so
    the planner cannot choose to hash a whole table that grows with history instead."""
    c = (
        select(_C.channel, _C.client_name, _C.contact_phone, _C.last_message_at)
        .where(_C.id == _A.conversation_id)
        .limit(1)
        .lateral("c")
    )
    t = (
        select(_T.id, _T.status)
        .where(_T.conversation_id == _A.conversation_id, _LIVE)
        .limit(1)
        .lateral("t")
    )
    k = (
        select(_K.sla_state, _K.first_response_due_at, _K.resolution_due_at)
        .where(_K.ticket_id == t.c.id)
        .limit(1)
        .lateral("k")
    )
    source = assignments.outerjoin(c, true()).outerjoin(t, true()).outerjoin(k, true())
    return _Joined(c.c, t.c, k.c, source)


def _scope(query: InboxQuery) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [_A.closed_at.is_(None)]
    if query.conversation_ids is not None:
        where.append(_A.conversation_id.in_(sorted(query.conversation_ids)))
    if query.department is not None:
        where.append(_A.department == query.department)
    if query.tab is InboxTab.MINE:
        where.append(_A.assignee == query.viewer)
        return where
    if query.departments is not None:
        where.append(_A.department.in_(sorted(query.departments)))
    if query.tab is InboxTab.UNASSIGNED:
        where.append(_A.assignee.is_(None))
    return where


def _filters(query: InboxQuery, j: _Joined) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if query.ticket_status is not None:
        where.append(j.t.status == query.ticket_status.value)
    if query.priority is not None:
        where.append(_A.priority == query.priority.value)
    if query.sla is not None:
        where.append(j.k.sla_state == query.sla.value)
    if query.search is not None:
        text = query.search.lower()
        where.append(
            or_(
                func.lower(j.c.client_name).contains(text, autoescape=True),
                func.lower(_A.conversation_id).startswith(text, autoescape=True),
                func.lower(j.t.id).startswith(text, autoescape=True),
            )
        )
    return where


def _order(sort: InboxSort, j: _Joined) -> list[Any]:
    if sort is InboxSort.LAST_MESSAGE:
        return [j.c.last_message_at.desc().nulls_last(), _A.conversation_id]
    if sort is InboxSort.WAITING:
        return [_SINCE.asc().nulls_last(), _A.conversation_id]
    return [_A.urgency, _SINCE.asc().nulls_last(), _A.conversation_id]


def inbox_statement(query: InboxQuery, dialect: str) -> Select[Any]:
    """``SELECT assignments.*, conversation, live ticket, clock … WHERE … ORDER BY … LIMIT``."""
    j = _lateral() if dialect == "postgresql" else _plain()
    return (
        select(
            assignments,
            j.c.channel,
            j.c.client_name,
            j.c.contact_phone,
            j.c.last_message_at,
            j.t.id.label("ticket_id"),
            j.t.status.label("ticket_status"),
            j.k.sla_state,
            j.k.first_response_due_at,
            j.k.resolution_due_at,
        )
        .select_from(j.source)
        .where(*_scope(query), *_filters(query, j))
        .order_by(*_order(query.sort, j))
        .limit(query.limit)
    )
