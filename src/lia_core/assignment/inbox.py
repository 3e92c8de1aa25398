"""The inbox (`services.queues.inbox`): one person's view of the open conversations at the
desk — tab counts as the queues count them, the filtered and sorted list, and their offers.

Supervisors and admins see every department; an agent sees their departments' queues and
every conversation they hold (docs/desk.md "The inbox").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs

from lia_core.domain.assignments import Offer
from lia_core.domain.users import Role, User
from lia_core.errors import ValidationError
from lia_core.ports import InboxItem, InboxQuery, InboxTab, QueueCounts, UnitOfWork

__all__ = [
    "MAX_SEARCH_CHARS",
    "Inbox",
    "InboxCounts",
    "InboxOffer",
    "read_inbox",
    "scoped",
    "tab_counts",
]

MAX_SEARCH_CHARS = 100
"""The longest search text an inbox takes."""
_MAX_LIMIT = 500


@attrs.frozen(kw_only=True)
class InboxCounts:
    """The tabs' counts: the sums of the queues' Mine / Unassigned / All (`GET /api/v1/queues`)
    over the departments the viewer sees (Mine over every department)."""

    mine: int
    unassigned: int
    all: int

    def of(self, tab: InboxTab) -> int:
        """The count shown on *tab*."""
        return {InboxTab.MINE: self.mine, InboxTab.UNASSIGNED: self.unassigned}.get(tab, self.all)


@attrs.frozen(kw_only=True)
class InboxOffer:
    """A pending offer to the viewer, with the offered conversation as the inbox shows it."""

    offer: Offer
    item: InboxItem | None


@attrs.frozen(kw_only=True)
class Inbox:
    """What one inbox page shows."""

    query: InboxQuery
    """The query as run (scoped to the viewer)."""
    counts: InboxCounts
    items: Sequence[InboxItem]
    offers: Sequence[InboxOffer]
    """The viewer's pending offers still open at the time, oldest first."""
    departments: Sequence[str]
    """Departments to filter by: those with open conversations the viewer sees, and theirs."""


def scoped(query: InboxQuery, viewer: User) -> InboxQuery:
    """*query* for *viewer*: their "mine", and an agent's departments only.

    Raises ValidationError naming `search` or `limit` when out of bounds.
    """
    if not 1 <= query.limit <= _MAX_LIMIT:
        raise ValidationError(f"limit must be between 1 and {_MAX_LIMIT}", field="limit")
    search = (query.search or "").strip() or None
    if search is not None and len(search) > MAX_SEARCH_CHARS:
        raise ValidationError(
            f"search must be at most {MAX_SEARCH_CHARS} characters", field="search"
        )
    departments = viewer.departments if viewer.role is Role.AGENT else None
    return attrs.evolve(query, viewer=viewer.username, departments=departments, search=search)


def tab_counts(rows: Sequence[QueueCounts], departments: frozenset[str] | None) -> InboxCounts:
    """The tabs' counts from the queues' rows: Mine over all, the others over *departments*."""
    seen = [r for r in rows if departments is None or r.department in departments]
    return InboxCounts(
        mine=sum(r.mine for r in rows),
        unassigned=sum(r.unassigned for r in seen),
        all=sum(r.all for r in seen),
    )


async def read_inbox(uow: UnitOfWork, query: InboxQuery, *, now: datetime) -> Inbox:
    """Read the inbox of an already `scoped` *query* in *uow*: counts, rows, open offers."""
    counts = await uow.assignments.counts(query.viewer, department=query.department)
    items = await uow.assignments.inbox(query)
    pending = [o for o in await uow.offers.pending_for(query.viewer) if o.open_at(now)]
    offered: dict[str, InboxItem] = {}
    if pending:
        ids = frozenset(o.conversation_id for o in pending)
        lookup = InboxQuery(viewer=query.viewer, conversation_ids=ids, limit=len(ids))
        offered = {i.assignment.conversation_id: i for i in await uow.assignments.inbox(lookup)}
    names = {
        r.department
        for r in counts
        if query.departments is None or r.department in query.departments
    }
    names |= query.departments or frozenset()
    if query.department is not None:
        names.add(query.department)
    return Inbox(
        query=query,
        counts=tab_counts(counts, query.departments),
        items=items,
        offers=[InboxOffer(offer=o, item=offered.get(o.conversation_id)) for o in pending],
        departments=sorted(names),
    )
