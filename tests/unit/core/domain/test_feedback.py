"""A survey answer's follow-up: what taking and resolving store, and how refusals are worded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lia_core.domain.feedback import (
    MAX_NOTES_CHARS,
    Feedback,
    FollowUp,
    FollowUpStatus,
    check_handling_score,
)
from lia_core.errors import InvalidTransition, ValidationError

NOW = datetime(2026, 5, 20, 14, 30, tzinfo=UTC)
LATER = NOW + timedelta(hours=2)


def an_answer(score: int, *, client_name: str | None = None) -> Feedback:
    """An answer with *score*, recorded at NOW (with *client_name* when given)."""
    named = {} if client_name is None else {"client_name": client_name}
    return Feedback.record(
        id="f-1",
        survey_id="s-1",
        conversation_id="c-1",
        customer="5521999990001",
        score=score,
        comment="demorou",
        at=NOW,
        **named,
    )


def test_an_answer_without_a_client_name_has_an_empty_one() -> None:
    """The client's name defaults to empty text, not to a placeholder."""
    assert an_answer(9).client_name == ""
    assert an_answer(9, client_name="Ana").client_name == "Ana"


def test_taking_stores_the_handler_the_time_and_the_trimmed_notes() -> None:
    """Take: in progress, the handler and notes without surrounding spaces, taken at *at*."""
    taken = an_answer(2).take(by="  sofia ", at=LATER, notes="  ligar amanhã ")
    assert taken.follow_up == FollowUp(
        status=FollowUpStatus.IN_PROGRESS, handler="sofia", taken_at=LATER, notes="ligar amanhã"
    )
    quiet = an_answer(2).take(by="sofia", at=LATER, notes="   ")
    assert quiet.follow_up is not None
    assert quiet.follow_up.notes is None


def test_resolving_stores_who_when_the_notes_and_the_handling_score() -> None:
    """Resolve: resolved with the trimmed notes, the handling score, its time and its handler."""
    taken = an_answer(2).take(by="sofia", at=NOW)
    resolved = taken.resolve(by=" rui ", at=LATER, notes=" liguei ", score=5)
    assert resolved.follow_up == FollowUp(
        status=FollowUpStatus.RESOLVED,
        handler="sofia",
        taken_at=NOW,
        notes="liguei",
        score=5,
        resolved_at=LATER,
        resolved_by="rui",
    )
    assert (resolved.score, resolved.comment) == (2, "demorou")


def test_a_blank_handler_is_refused_naming_by() -> None:
    """Taking or resolving without a handler names the field `by`."""
    with pytest.raises(ValidationError) as took:
        an_answer(2).take(by="  ", at=NOW)
    assert (took.value.field, str(took.value)) == ("by", "by must not be blank")
    taken = an_answer(2).take(by="sofia", at=NOW)
    with pytest.raises(ValidationError) as resolved:
        taken.resolve(by="", at=NOW, notes="liguei", score=4)
    assert (resolved.value.field, str(resolved.value)) == ("by", "by must not be blank")


def test_a_passive_answer_has_no_follow_up_to_take() -> None:
    """The refusal names the feedback, the answer and the move, and says there is none."""
    with pytest.raises(InvalidTransition) as refused:
        an_answer(8).take(by="sofia", at=NOW)
    error = refused.value
    assert (error.entity, error.entity_id, error.action) == (
        "feedback",
        "f-1",
        "take the follow-up of",
    )
    assert str(error) == (
        "cannot take the follow-up of feedback f-1: it is a passive's answer, with no follow-up"
    )


@pytest.mark.parametrize(
    ("notes", "message"),
    [
        (" ", "notes must not be blank"),
        ("x" * (MAX_NOTES_CHARS + 1), f"notes are longer than {MAX_NOTES_CHARS} characters"),
    ],
)
def test_resolving_notes_are_refused_with_the_rule(notes: str, message: str) -> None:
    """Blank notes or notes over MAX_NOTES_CHARS are refused naming `notes` and the rule."""
    taken = an_answer(2).take(by="sofia", at=NOW)
    with pytest.raises(ValidationError) as refused:
        taken.resolve(by="sofia", at=NOW, notes=notes, score=4)
    assert (refused.value.field, str(refused.value)) == ("notes", message)


def test_notes_of_exactly_the_limit_are_kept() -> None:
    """MAX_NOTES_CHARS characters of notes are accepted whole."""
    taken = an_answer(2).take(by="sofia", at=NOW, notes="x" * MAX_NOTES_CHARS)
    assert taken.follow_up is not None
    assert taken.follow_up.notes == "x" * MAX_NOTES_CHARS


@pytest.mark.parametrize("score", [1, 2, 5])
def test_a_handling_score_from_1_to_5_is_accepted(score: int) -> None:
    """Both ends of 1-5 are handling scores."""
    assert check_handling_score(score) == score


@pytest.mark.parametrize("score", [0, 6, True, 2.0])
def test_another_handling_score_is_refused_with_the_rule(score: object) -> None:
    """Anything but an int from 1 to 5 is refused naming the field and the value."""
    with pytest.raises(ValidationError) as refused:
        check_handling_score(score, field="handling")
    assert (refused.value.field, str(refused.value)) == (
        "handling",
        f"a handling score is an integer from 1 to 5, got {score!r}",
    )


def test_an_answer_score_outside_0_to_10_is_refused_naming_score() -> None:
    """A stored answer's own score is checked as an NPS score, the error naming `score`."""
    with pytest.raises(ValidationError) as refused:
        Feedback(
            id="f-1",
            survey_id="s-1",
            conversation_id="c-1",
            customer="5521999990001",
            score=11,
            created_at=NOW,
        )
    assert refused.value.field == "score"
