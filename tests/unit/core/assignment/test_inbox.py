"""The inbox use case: the query scoped to the viewer, bounds refused by field, tab counts
summed over what the viewer sees (Mine over everything)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lia_core.assignment.inbox import InboxCounts, scoped, tab_counts
from lia_core.domain.assignments import Offer, OfferStatus
from lia_core.domain.users import Role, User
from lia_core.errors import ValidationError
from lia_core.ports import InboxQuery, InboxTab, QueueCounts
from tests.unit.core.assignment.harness import T0


def person(role: Role, *departments: str) -> User:
    """An account with *role* working in *departments*."""
    return User(
        id="u-1",
        username="ana",
        role=role,
        password_hash="x",
        created_at=T0,
        departments=frozenset(departments),
    )


def test_an_agent_is_scoped_to_their_departments_a_supervisor_is_not() -> None:
    """The viewer's name is "mine"; only an agent's departments narrow the queues."""
    asked = InboxQuery(viewer="someone-else", departments=frozenset({"x"}), search="  maria ")
    agent = scoped(asked, person(Role.AGENT, "support"))
    assert (agent.viewer, agent.departments, agent.search) == (
        "ana",
        frozenset({"support"}),
        "maria",
    )
    supervisor = scoped(asked, person(Role.SUPERVISOR, "support"))
    assert supervisor.departments is None
    assert scoped(InboxQuery(search="   "), person(Role.ADMIN)).search is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (InboxQuery(limit=0), "limit"),
        (InboxQuery(limit=501), "limit"),
        (InboxQuery(search="x" * 101), "search"),
    ],
)
def test_out_of_bounds_is_refused_by_field(query: InboxQuery, field: str) -> None:
    """A page size or a search text out of bounds names its field."""
    with pytest.raises(ValidationError) as refused:
        scoped(query, person(Role.ADMIN))
    assert refused.value.field == field


def test_counts_sum_the_queues_the_viewer_sees() -> None:
    """Unassigned and All over the viewer's departments; Mine over every department."""
    rows = [
        QueueCounts(department="support", mine=1, unassigned=2, all=4),
        QueueCounts(department="sales", mine=1, unassigned=5, all=7),
    ]
    assert tab_counts(rows, None) == InboxCounts(mine=2, unassigned=7, all=11)
    mine = tab_counts(rows, frozenset({"support"}))
    assert mine == InboxCounts(mine=2, unassigned=2, all=4)
    assert (mine.of(InboxTab.MINE), mine.of(InboxTab.UNASSIGNED), mine.of(InboxTab.ALL)) == (
        2,
        2,
        4,
    )


def test_an_offer_is_open_while_pending_and_in_time() -> None:
    """What the inbox shows and `GET /api/v1/offers` lists: pending, before its due time."""
    offer = Offer(
        id="o-1",
        conversation_id="c-1",
        agent="ana",
        department="support",
        offered_at=T0,
        due_at=T0 + timedelta(seconds=120),
    )
    assert offer.open_at(T0 + timedelta(seconds=119))
    assert not offer.open_at(T0 + timedelta(seconds=120))
    offer.decide(OfferStatus.ACCEPTED, at=T0)
    assert not offer.open_at(T0)
