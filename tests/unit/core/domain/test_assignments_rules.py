"""Assignment and offer rules: the exact queue order, what assign/enqueue record, refusals in full."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lia_core.domain.assignments import Assignment, Offer, OfferStatus, urgency
from lia_core.domain.tickets import Priority
from lia_core.errors import InvalidTransition

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
T1 = T0 + timedelta(minutes=5)


@pytest.mark.parametrize(
    ("priority", "vip", "expected"),
    [
        (Priority.URGENT, True, 0),
        (Priority.URGENT, False, 1),
        (Priority.HIGH, True, 2),
        (Priority.HIGH, False, 3),
        (Priority.MEDIUM, True, 4),
        (Priority.MEDIUM, False, 5),
        (Priority.LOW, True, 6),
        (Priority.LOW, False, 7),
    ],
)
def test_urgency_is_the_exact_sort_key(priority: Priority, vip: bool, expected: int) -> None:
    """Urgency runs 0 (urgent VIP) to 7 (low non-VIP), VIP just ahead of its priority."""
    assert urgency(priority, vip) == expected
    assert isinstance(urgency(priority, vip), int)


def test_assign_records_agent_time_and_reason() -> None:
    """Assigning sets the assignee, assigned_at and reason, and leaves the queue."""
    a = Assignment(conversation_id="c1", department="sales", waiting_since=T0, updated_at=T0)
    a.assign("ana", at=T1, reason="claim", return_due_at=None)
    assert (a.assignee, a.assigned_at, a.waiting_since, a.reason, a.updated_at) == (
        "ana",
        T1,
        None,
        "claim",
        T1,
    )


def test_assigning_a_closed_conversation_is_refused_in_full() -> None:
    """A closed conversation cannot be assigned; the refusal names it, the action and state."""
    a = Assignment(conversation_id="c1", department="sales", closed_at=T0, updated_at=T0)
    with pytest.raises(InvalidTransition) as caught:
        a.assign("ana", at=T1, reason="claim", return_due_at=None)
    err = caught.value
    assert (err.entity, err.entity_id, err.action, err.status) == (
        "conversation",
        "c1",
        "assign",
        "closed",
    )
    assert str(err) == "cannot assign conversation c1: it is closed"
    assert a.assignee is None


def test_enqueue_to_another_department_starts_waiting_afresh() -> None:
    """Enqueueing to a new department sets waiting_since, the reason and clears passed_over."""
    a = Assignment(
        conversation_id="c1",
        department="sales",
        assignee="ana",
        assigned_at=T0,
        passed_over=("bia",),
        updated_at=T0,
    )
    a.enqueue(at=T1, reason="transfer", department="billing")
    assert (a.department, a.waiting_since, a.reason, a.passed_over, a.assignee) == (
        "billing",
        T1,
        "transfer",
        (),
        None,
    )


def _offer() -> Offer:
    return Offer(
        id="o1",
        conversation_id="c1",
        agent="ana",
        department="sales",
        offered_at=T0,
        due_at=T0 + timedelta(seconds=30),
    )


def test_deciding_a_pending_offer_records_when() -> None:
    """A pending offer moves to the decided status, stamped with the decision time."""
    offer = _offer()
    offer.decide(OfferStatus.ACCEPTED, at=T1)
    assert (offer.status, offer.decided_at) == (OfferStatus.ACCEPTED, T1)


def test_deciding_a_decided_offer_is_refused_in_full() -> None:
    """A decided offer moves no further; the refusal names the offer, the action and its state."""
    offer = _offer()
    offer.decide(OfferStatus.REJECTED, at=T1)
    with pytest.raises(InvalidTransition) as caught:
        offer.decide(OfferStatus.ACCEPTED, at=T1)
    err = caught.value
    assert (err.entity, err.entity_id, err.action, err.status) == (
        "offer",
        "o1",
        "accepted",
        "rejected",
    )
    assert str(err) == "cannot accepted offer o1: it is rejected"


def _held_by_ana() -> Assignment:
    """A conversation Ana holds, with an open offer, a passed-over agent and a reply recorded."""
    return Assignment(
        conversation_id="c1",
        department="sales",
        assignee="ana",
        assigned_at=T0,
        previous_assignee="caio",
        first_human_reply_at=T0,
        return_due_at=T0 + timedelta(hours=1),
        offer_id="o1",
        passed_over=("bia",),
        updated_at=T0,
    )


def test_assigning_another_agent_remembers_the_previous_one_and_starts_afresh() -> None:
    """A new agent: the old one becomes previous, the reply clock and return time restart."""
    a = _held_by_ana()
    due = T1 + timedelta(hours=2)
    a.assign("duda", at=T1, reason="transfer", return_due_at=due)
    assert (a.assignee, a.previous_assignee, a.first_human_reply_at, a.return_due_at) == (
        "duda",
        "ana",
        None,
        due,
    )
    assert (a.offer_id, a.passed_over) == (None, ())


def test_assigning_the_same_agent_keeps_the_previous_one_and_the_reply_clock() -> None:
    """Re-assigning the holder changes only the time and reason, not who came before."""
    a = _held_by_ana()
    a.assign("ana", at=T1, reason="claim", return_due_at=None)
    assert (a.previous_assignee, a.first_human_reply_at, a.return_due_at) == (
        "caio",
        T0,
        T0 + timedelta(hours=1),
    )
    assert (a.offer_id, a.passed_over) == (None, ())


def test_assigning_from_the_queue_keeps_who_held_it_last() -> None:
    """Taken from the queue, the previous assignee stays the last agent who held it."""
    a = Assignment(
        conversation_id="c1", department="sales", previous_assignee="caio", updated_at=T0
    )
    a.assign("ana", at=T1, reason="claim", return_due_at=None)
    assert a.previous_assignee == "caio"


def test_enqueue_remembers_the_holder_and_keeps_the_department_unless_told() -> None:
    """Back to the queue: the holder becomes previous, the offer goes, the department stays."""
    a = _held_by_ana()
    a.enqueue(at=T1, reason="released")
    assert (a.assignee, a.previous_assignee, a.offer_id, a.waiting_since) == (
        None,
        "ana",
        None,
        T1,
    )
    assert (a.department, a.passed_over) == ("sales", ("bia",))
    a.enqueue(at=T1, reason="again")
    assert a.previous_assignee == "ana"
