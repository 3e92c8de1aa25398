"""Exact values the broader properties only checked loosely: each was a mutant that survived.

The timer a worker sets (`next_check`) is pinned to the machine itself: a tick at it changes
the state, a tick a second earlier does not. The menu's and the close's replies are the policy's
own texts, and blank destinations and departments are refused naming the field.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.domain.tickets import Priority, SupportLevel
from lia_core.errors import ValidationError
from lia_core.handoff import (
    CloseConversation,
    CloseReason,
    ConversationState,
    CustomerMessage,
    Destination,
    HandoffPolicy,
    HandoffReason,
    HandoffTexts,
    InactivityTick,
    Intent,
    IntentScore,
    MenuChoice,
    NoAction,
    OutOfHours,
    Phase,
    RankedIntents,
    ResumeBot,
    decide_handoff,
)
from lia_core.handoff.session import HandoffEntry, next_check
from lia_core.sla import BusinessCalendar, WeeklyHours
from lia_core.testing.handoff import conversation_states, handoff_policies

T0 = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
TEXTS = HandoffTexts(
    resume="de volta", closed_inactive="fechado: silêncio", closed_by_customer="fechado: 3"
)


@given(st.data())
def test_next_check_is_the_first_tick_that_changes_the_state(data: st.DataObject) -> None:
    """A tick at `next_check` offers the menu or closes; one second earlier it does nothing."""
    policy = data.draw(handoff_policies())
    state = data.draw(conversation_states(policy=policy))
    due = next_check(state, policy)
    assert due is not None
    assert not isinstance(decide_handoff(state, InactivityTick(), policy, now=due), NoAction)
    early = decide_handoff(state, InactivityTick(), policy, now=due - timedelta(seconds=1))
    assert isinstance(early, NoAction)


@given(conversation_states(phases=(Phase.WITH_HUMAN, Phase.CLOSED)))
def test_a_final_state_has_no_next_check(state: ConversationState) -> None:
    """Nothing a tick could change: no timer."""
    assert next_check(state, HandoffPolicy()) is None


def _offered(policy: HandoffPolicy) -> ConversationState:
    start = ConversationState.start(T0)
    return decide_handoff(start, InactivityTick(), policy, now=T0 + policy.offer_after).state


def test_the_menu_answers_are_the_policys_texts() -> None:
    """1 resumes with `resume`; 3 closes with `closed_by_customer`; silence with `closed_inactive`."""
    policy = HandoffPolicy(texts=TEXTS)
    offered = _offered(policy)
    later = T0 + policy.offer_after + timedelta(minutes=1)
    resumed = decide_handoff(offered, MenuChoice(option="1"), policy, now=later)
    assert isinstance(resumed, ResumeBot)
    assert resumed.reply == "de volta"
    cancelled = decide_handoff(offered, MenuChoice(option="3"), policy, now=later)
    assert isinstance(cancelled, CloseConversation)
    assert (cancelled.reason, cancelled.reply) == (CloseReason.CUSTOMER_CANCELLED, "fechado: 3")
    silent = decide_handoff(offered, InactivityTick(), policy, now=T0 + policy.close_after)
    assert isinstance(silent, CloseConversation)
    assert (silent.reason, silent.reply) == (CloseReason.INACTIVITY, "fechado: silêncio")


def test_an_intent_not_ranked_has_confidence_zero() -> None:
    """`confidence` of an intent missing from the ranking is 0.0, of a ranked one its score."""
    ranking = RankedIntents.of([IntentScore(intent=Intent.FINANCIAL, confidence=0.7)])
    assert ranking.confidence(Intent.FINANCIAL) == 0.7
    zero = ranking.confidence(Intent.SUPPORT)
    assert zero == 0.0
    assert type(zero) is float


@pytest.mark.parametrize("field", ["department", "queue"])
@pytest.mark.parametrize("blank", ["", "  "])
def test_a_destination_needs_a_department_and_a_queue(field: str, blank: str) -> None:
    """A blank department or queue is refused, the message and the error naming the field."""
    names = {"department": "Financeiro", "queue": "financeiro"} | {field: blank}
    with pytest.raises(ValidationError) as error:
        Destination(level=SupportLevel.N1, **names)
    assert error.value.field == field
    assert str(error.value) == f"a destination needs a {field}"
    kept = Destination(level=SupportLevel.N1, department=" Financeiro", queue="fin ")
    assert (kept.department, kept.queue) == (" Financeiro", "fin ")


def test_a_handoff_entry_needs_a_department() -> None:
    """The ledger's department is stripped; a blank one is refused naming `department`."""
    entry = {
        "id": "h1",
        "conversation_id": "c1",
        "reason": HandoffReason.CUSTOMER_ASKED,
        "level": SupportLevel.N1,
        "priority": Priority.MEDIUM,
        "at": T0,
    }
    assert HandoffEntry(department=" general ", **entry).department == "general"  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as error:
        HandoffEntry(department=" ", **entry)  # type: ignore[arg-type]
    assert error.value.field == "department"
    assert str(error.value) == "department must not be blank"


@pytest.mark.parametrize("base", [Priority.LOW, Priority.HIGH])
def test_a_clear_intent_out_of_hours_keeps_the_base_priority(base: Priority) -> None:
    """Queued for the next opening, a clear intent's ticket has the policy's base priority."""
    office = BusinessCalendar(hours=WeeklyHours.of({day: "08:00-18:00" for day in range(5)}))
    saturday_night = datetime(2026, 12, 5, 23, 0, tzinfo=UTC)
    policy = HandoffPolicy(calendar=office, base_priority=base, raised_priority=Priority.URGENT)
    state = ConversationState.start(saturday_night)
    queued = decide_handoff(state, CustomerMessage(text="boleto"), policy, now=saturday_night)
    assert isinstance(queued, OutOfHours)
    assert queued.handoff.priority is base
