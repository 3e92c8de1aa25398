"""A sent survey and a detractor's follow-up follow their state machines; refusals change nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from lia_core.domain.delivery import Channel
from lia_core.domain.feedback import Feedback, FollowUpStatus
from lia_core.domain.surveys import Survey, SurveyStatus
from lia_core.errors import InvalidTransition, ValidationError
from lia_core.nps import NpsCategory
from lia_core.nps.eligibility import SentSurvey

NOW = datetime(2026, 5, 20, 14, 30, tzinfo=UTC)
WINDOW = timedelta(hours=24)
# The oracles, written out by hand from the issue and the seed schema.
# Every survey move is allowed from open (and not expired) only.
SURVEY_MOVES = {
    "answer": SurveyStatus.ANSWERED,
    "ask_again": SurveyStatus.OPEN,
    "withdraw": SurveyStatus.WITHDRAWN,
}
FOLLOW_UP_MOVES = {
    (FollowUpStatus.PENDING, "take"): FollowUpStatus.IN_PROGRESS,
    (FollowUpStatus.IN_PROGRESS, "resolve"): FollowUpStatus.RESOLVED,
}


def a_survey() -> Survey:
    """A survey sent at NOW, open for WINDOW."""
    return Survey(
        id="s-1",
        subject="ticket:t-1",
        conversation_id="c-1",
        customer="5521999990001",
        channel=Channel.WHATSAPP,
        chat_id="5521999990001",
        sent_at=NOW,
        expires_at=NOW + WINDOW,
    )


def an_answer(score: int) -> Feedback:
    """An answer with *score*, recorded at NOW."""
    return Feedback.record(
        id="f-1",
        survey_id="s-1",
        conversation_id="c-1",
        customer="5521999990001",
        score=score,
        comment="  demorou  ",
        at=NOW,
    )


class SurveyLifecycle(RuleBasedStateMachine):
    """Random moves at random times, checked against SURVEY_MOVES and the expiry."""

    def __init__(self) -> None:
        super().__init__()
        self.survey = a_survey()
        self.expected = SurveyStatus.OPEN
        self.clock = NOW

    @rule(move=st.sampled_from(sorted(SURVEY_MOVES)), minutes=st.integers(0, 900))
    def act(self, move: str, minutes: int) -> None:
        """A move is applied exactly when the oracle allows it at that time."""
        self.clock += timedelta(minutes=minutes)
        before = self.survey
        is_open = self.expected is SurveyStatus.OPEN and self.clock < NOW + WINDOW
        if not is_open:
            with pytest.raises(InvalidTransition):
                getattr(self.survey, move)(at=self.clock)
            assert self.survey == before
            return
        self.survey = getattr(self.survey, move)(at=self.clock)
        self.expected = SURVEY_MOVES[move]
        if move == "ask_again":
            assert self.survey.asked_again

    @invariant()
    def status_as_the_oracle_says(self) -> None:
        """Stored status is the oracle's; an open one past its expiry reads as expired."""
        assert self.survey.status is self.expected
        expired = self.expected is SurveyStatus.OPEN and self.clock >= NOW + WINDOW
        shown = SurveyStatus.EXPIRED if expired else self.expected
        assert self.survey.status_at(self.clock) is shown
        assert self.survey.accepts_answer(self.clock) is (shown is SurveyStatus.OPEN)
        closed = self.expected in (SurveyStatus.ANSWERED, SurveyStatus.WITHDRAWN)
        assert (self.survey.closed_at is not None) is closed


TestSurveyLifecycle = SurveyLifecycle.TestCase


class FollowUpLifecycle(RuleBasedStateMachine):
    """Random takes and resolves on a detractor's follow-up, checked against FOLLOW_UP_MOVES."""

    def __init__(self) -> None:
        super().__init__()
        self.feedback = an_answer(3)
        self.expected = FollowUpStatus.PENDING

    @rule(move=st.sampled_from(("take", "resolve")), who=st.sampled_from(("sofia", "rui")))
    def act(self, move: str, who: str) -> None:
        """A move is applied exactly when the oracle allows it; a refusal says the status."""
        before = self.feedback
        target = FOLLOW_UP_MOVES.get((self.expected, move))
        if target is None:
            with pytest.raises(InvalidTransition, match=f"cannot {move} follow-up f-1: it is"):
                self._apply(move, who)
            assert self.feedback == before
            return
        self.feedback = self._apply(move, who)
        self.expected = target

    def _apply(self, move: str, who: str) -> Feedback:
        if move == "take":
            return self.feedback.take(by=who, at=NOW)
        return self.feedback.resolve(by=who, at=NOW, notes="liguei", score=4)

    @invariant()
    def status_as_the_oracle_says(self) -> None:
        """The follow-up's status is the oracle's; the answer itself never changes."""
        follow_up = self.feedback.follow_up
        assert follow_up is not None
        assert follow_up.status is self.expected
        assert (follow_up.handler is None) is (self.expected is FollowUpStatus.PENDING)
        assert (follow_up.score is None) is (self.expected is not FollowUpStatus.RESOLVED)
        assert (self.feedback.score, self.feedback.comment) == (3, "demorou")


TestFollowUpLifecycle = FollowUpLifecycle.TestCase


@pytest.mark.parametrize(
    ("score", "category", "follows_up"),
    [
        (0, NpsCategory.DETRACTOR, True),
        (6, NpsCategory.DETRACTOR, True),
        (7, NpsCategory.PASSIVE, False),
        (9, NpsCategory.PROMOTER, False),
    ],
)
def test_only_a_detractor_opens_a_follow_up(
    score: int, category: NpsCategory, follows_up: bool
) -> None:
    """0-6 opens a pending follow-up; 7-10 none, and taking theirs is refused."""
    answer = an_answer(score)
    assert answer.category is category
    assert (answer.follow_up is not None) is follows_up
    if not follows_up:
        with pytest.raises(InvalidTransition, match="with no follow-up"):
            answer.take(by="sofia", at=NOW)


@pytest.mark.parametrize(
    ("notes", "score", "field"),
    [
        ("", 4, "notes"),
        ("   ", 4, "notes"),
        ("ok", 0, "score"),
        ("ok", 6, "score"),
        ("ok", True, "score"),
        ("x" * 4001, 3, "notes"),
    ],
)
def test_resolving_needs_notes_and_a_handling_score_of_1_to_5(
    notes: str, score: int, field: str
) -> None:
    """A resolve without notes or with a handling score outside 1-5 names the field."""
    taken = an_answer(2).take(by="sofia", at=NOW)
    with pytest.raises(ValidationError) as refused:
        taken.resolve(by="sofia", at=NOW, notes=notes, score=score)
    assert refused.value.field == field


def test_a_comment_is_kept_trimmed_and_cut() -> None:
    """The customer's words are stored without surrounding spaces, at most 2,000 characters."""
    long = Feedback.record(
        id="f-2",
        survey_id="s-2",
        conversation_id="c-1",
        customer="x",
        score=9,
        comment="a" * 3000,
        at=NOW,
    )
    assert len(long.comment) == 2000
    assert an_answer(9).comment == "demorou"


def test_the_eligibility_rules_see_the_subject_and_the_answer_time() -> None:
    """A sent survey is keyed by its subject; only an answered one says when it was answered."""
    sent = a_survey().sent()
    assert sent == SentSurvey(
        conversation_id="ticket:t-1", customer_id="5521999990001", sent_at=NOW, answered_at=None
    )
    later = NOW + timedelta(hours=1)
    assert a_survey().answer(at=later).sent().answered_at == later
    assert a_survey().withdraw(at=later).sent().answered_at is None
