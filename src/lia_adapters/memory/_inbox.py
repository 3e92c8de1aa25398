"""The fake's inbox: open assignments joined to their conversation, live ticket and its index,
filtered and sorted as the SQL statement does (sql/assignment/inbox.py)."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from lia_adapters.memory._tables import StoredTicket
from lia_core.domain.assignments import Assignment
from lia_core.domain.conversations import Conversation
from lia_core.ports import InboxItem, InboxQuery, InboxSort, InboxTab

__all__ = ["inbox_items"]

_FAR = "~"  # sorts after every ISO date-time


def _visible(a: Assignment, query: InboxQuery) -> bool:
    if a.closed_at is not None:
        return False
    if query.conversation_ids is not None and a.conversation_id not in query.conversation_ids:
        return False
    if query.department is not None and a.department != query.department:
        return False
    if query.tab is InboxTab.MINE:
        return a.assignee == query.viewer
    if query.departments is not None and a.department not in query.departments:
        return False
    return query.tab is InboxTab.ALL or a.assignee is None


def _item(a: Assignment, c: Conversation | None, t: StoredTicket | None) -> InboxItem:
    return InboxItem(
        assignment=copy.deepcopy(a),
        channel=c.channel if c else None,
        client_name=c.client_name if c else "",
        contact_phone=c.contact_phone if c else None,
        last_message_at=c.last_message_at if c else None,
        ticket_id=t.ticket.id if t else None,
        ticket_status=t.ticket.status if t else None,
        sla_state=t.index.sla_state if t else None,
        first_response_due_at=t.index.first_response_due_at if t else None,
        resolution_due_at=t.index.resolution_due_at if t else None,
    )


def _matches(item: InboxItem, query: InboxQuery) -> bool:
    if query.ticket_status is not None and item.ticket_status is not query.ticket_status:
        return False
    if query.priority is not None and item.assignment.priority is not query.priority:
        return False
    if query.sla is not None and item.sla_state is not query.sla:
        return False
    if query.search is None:
        return True
    text = query.search.lower()
    return (
        text in item.client_name.lower()
        or item.assignment.conversation_id.lower().startswith(text)
        or (item.ticket_id or "").lower().startswith(text)
    )


def _iso(at: datetime | None) -> str:
    return at.isoformat() if at else _FAR


def _sorted(items: Iterable[InboxItem], sort: InboxSort) -> list[InboxItem]:
    if sort is InboxSort.LAST_MESSAGE:
        return sorted(
            items,
            key=lambda i: (
                i.last_message_at is None,
                -i.last_message_at.timestamp() if i.last_message_at else 0.0,
                i.assignment.conversation_id,
            ),
        )
    if sort is InboxSort.WAITING:
        return sorted(items, key=lambda i: (_iso(i.since), i.assignment.conversation_id))
    return sorted(
        items,
        key=lambda i: (i.assignment.urgency, _iso(i.since), i.assignment.conversation_id),
    )


def inbox_items(
    assignments: Iterable[Assignment],
    conversations: Mapping[str, Conversation],
    tickets: Iterable[StoredTicket],
    query: InboxQuery,
) -> Sequence[InboxItem]:
    """The open conversations matching *query*, in its order, at most its limit."""
    live = {
        t.ticket.conversation_id: t
        for t in tickets
        if t.ticket.status.is_live and t.ticket.conversation_id is not None
    }
    items = [
        _item(a, conversations.get(a.conversation_id), live.get(a.conversation_id))
        for a in assignments
        if _visible(a, query)
    ]
    return _sorted((i for i in items if _matches(i, query)), query.sort)[: query.limit]
