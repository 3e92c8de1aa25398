"""Survey eligibility and answer windows: one decision with a reason code for every case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.errors import ValidationError
from lia_core.nps import (
    AnswerStatus,
    ConversationFacts,
    SentSurvey,
    SurveyPolicy,
    SurveyReason,
    answer_status,
    decide_survey,
)
from tests.unit.core.nps._profile import PROPERTIES

NOW = datetime(2026, 5, 20, 15, 0, tzinfo=UTC)
POLICY = SurveyPolicy()


def facts(**changes: object) -> ConversationFacts:
    """A conversation resolved an hour ago, handled by a human."""
    base: dict[str, object] = {
        "conversation_id": "c-1",
        "customer_id": "cust-1",
        "resolved_at": NOW - timedelta(hours=1),
    }
    base.update(changes)
    return ConversationFacts(**base)  # type: ignore[arg-type]


def sent(
    days_ago: float, *, conversation_id: str = "c-0", customer_id: str = "cust-1"
) -> SentSurvey:
    """A survey sent *days_ago* days before NOW."""
    return SentSurvey(
        conversation_id=conversation_id,
        customer_id=customer_id,
        sent_at=NOW - timedelta(days=days_ago),
    )


def test_a_resolved_conversation_with_no_history_is_eligible() -> None:
    """The normal case: send."""
    decision = decide_survey(facts(), [], policy=POLICY, now=NOW)
    assert decision.reason is SurveyReason.ELIGIBLE
    assert decision.send


@pytest.mark.parametrize(
    ("conversation", "history", "reason"),
    [
        (facts(resolved_at=None), [], SurveyReason.NOT_RESOLVED),
        (facts(reopened_at=NOW - timedelta(minutes=5)), [], SurveyReason.NOT_RESOLVED),
        (facts(answered_only_by_outage_gate=True), [], SurveyReason.OUTAGE_GATE_ONLY),
        (facts(), [sent(40, conversation_id="c-1")], SurveyReason.ALREADY_SURVEYED),
        (facts(), [sent(29)], SurveyReason.COOLDOWN),
    ],
)
def test_each_refusal_has_its_reason(
    conversation: ConversationFacts, history: list[SentSurvey], reason: SurveyReason
) -> None:
    """Not resolved, outage gate only, already surveyed, cooldown: no survey, and why."""
    decision = decide_survey(conversation, history, policy=POLICY, now=NOW)
    assert decision.reason is reason
    assert not decision.send


def test_the_cooldown_is_30_days_by_default_and_per_customer() -> None:
    """Exactly 30 days later is allowed again; another customer's survey does not count."""
    assert decide_survey(facts(), [sent(30)], policy=POLICY, now=NOW).send
    blocked = decide_survey(facts(), [sent(10)], policy=POLICY, now=NOW)
    assert blocked.next_allowed_at == NOW + timedelta(days=20)
    assert decide_survey(facts(), [sent(1, customer_id="x")], policy=POLICY, now=NOW).send
    short = SurveyPolicy(cooldown=timedelta(days=7))
    assert decide_survey(facts(), [sent(10)], policy=short, now=NOW).send


def test_a_reopen_before_resolution_does_not_block() -> None:
    """Reopened, then resolved again (or at the same instant): the later resolution counts."""
    conversation = facts(reopened_at=NOW - timedelta(days=1))
    assert decide_survey(conversation, [], policy=POLICY, now=NOW).send
    resolved = NOW - timedelta(hours=1)
    same_instant = facts(resolved_at=resolved, reopened_at=resolved)
    assert decide_survey(same_instant, [], policy=POLICY, now=NOW).send


@PROPERTIES
@given(
    st.lists(st.tuples(st.integers(0, 90), st.sampled_from(["c-0", "c-1", "c-2"])), max_size=6),
    st.booleans(),
)
def test_eligibility_agrees_with_the_rules_spelled_out(
    history: list[tuple[int, str]], gate_only: bool
) -> None:
    """Send iff not gate-only, never surveyed for this conversation, none in the last 30 days."""
    surveys = [sent(days, conversation_id=cid) for days, cid in history]
    decision = decide_survey(
        facts(answered_only_by_outage_gate=gate_only), surveys, policy=POLICY, now=NOW
    )
    expected = (
        not gate_only
        and all(cid != "c-1" for _, cid in history)
        and all(days >= 30 for days, _ in history)
    )
    assert decision.send == expected


def test_answer_window_open_expired_withdrawn_answered() -> None:
    """Open inside the window; expired at its end; withdrawn on reopen; answered once."""
    survey = sent(0)
    conversation = facts(conversation_id="c-0")
    assert answer_status(survey, conversation, policy=POLICY, now=NOW).accepts_answer
    late = NOW + POLICY.answer_window
    assert answer_status(survey, conversation, policy=POLICY, now=late).status is (
        AnswerStatus.EXPIRED
    )
    reopened = facts(conversation_id="c-0", reopened_at=NOW + timedelta(minutes=1))
    withdrawn = answer_status(survey, reopened, policy=POLICY, now=NOW + timedelta(minutes=2))
    assert withdrawn.status is AnswerStatus.WITHDRAWN
    assert not withdrawn.accepts_answer
    answered = SentSurvey(conversation_id="c-0", customer_id="cust-1", sent_at=NOW, answered_at=NOW)
    assert answer_status(answered, conversation, policy=POLICY, now=NOW).status is (
        AnswerStatus.ANSWERED
    )


def test_policy_and_conversation_mismatch_are_validation_errors() -> None:
    """A non-positive window, a negative cooldown, or facts about another conversation."""
    with pytest.raises(ValidationError) as caught:
        SurveyPolicy(answer_window=timedelta(0))
    assert caught.value.field == "answer_window"
    with pytest.raises(ValidationError):
        SurveyPolicy(cooldown=timedelta(days=-1))
    with pytest.raises(ValidationError):
        answer_status(sent(0), facts(), policy=POLICY, now=NOW)


@PROPERTIES
@given(
    st.none() | st.integers(-600, 3_000),
    st.none() | st.integers(0, 3_000),
    st.integers(0, 3_000),
)
def test_answer_status_agrees_with_the_rules_spelled_out(
    reopened_min: int | None, answered_min: int | None, now_min: int
) -> None:
    """Answered wins; else a reopen at or after sending withdraws; else the window expires it."""
    survey = SentSurvey(
        conversation_id="c-1",
        customer_id="cust-1",
        sent_at=NOW,
        answered_at=None if answered_min is None else NOW + timedelta(minutes=answered_min),
    )
    reopened = None if reopened_min is None else NOW + timedelta(minutes=reopened_min)
    conversation = facts(reopened_at=reopened)
    now = NOW + timedelta(minutes=now_min)
    decision = answer_status(survey, conversation, policy=POLICY, now=now)
    if answered_min is not None:
        expected = AnswerStatus.ANSWERED
    elif reopened_min is not None and reopened_min >= 0:
        expected = AnswerStatus.WITHDRAWN
    elif now_min >= 24 * 60:
        expected = AnswerStatus.EXPIRED
    else:
        expected = AnswerStatus.OPEN
    assert decision.status is expected
    assert decision.accepts_answer == (expected is AnswerStatus.OPEN)
    assert decision.expires_at == NOW + timedelta(hours=24)


def test_facts_of_another_conversation_are_refused() -> None:
    """A survey read against another conversation's facts is a caller's mistake, named."""
    with pytest.raises(ValidationError) as refused:
        answer_status(sent(0), facts(conversation_id="c-9"), policy=POLICY, now=NOW)
    assert str(refused.value) == "the survey and the facts are about different conversations"
    assert refused.value.field == "conversation_id"
