"""Survey and follow-up refusals in full (entity, id, action, state), and what an answer records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lia_core.domain.delivery import Channel
from lia_core.domain.feedback import Feedback
from lia_core.domain.surveys import Survey
from lia_core.errors import InvalidTransition

NOW = datetime(2026, 5, 20, 14, 30, tzinfo=UTC)


def _survey() -> Survey:
    return Survey(
        id="s-1",
        subject="ticket:t-1",
        conversation_id="c-1",
        customer="5521999990001",
        channel=Channel.WHATSAPP,
        chat_id="5521999990001",
        sent_at=NOW,
        expires_at=NOW + timedelta(hours=24),
    )


def _detractor() -> Feedback:
    return Feedback.record(
        id="f-1",
        survey_id="s-1",
        conversation_id="c-1",
        customer="5521999990001",
        score=3,
        comment="demorou",
        at=NOW,
        ticket_id="t-1",
        assistant="billing-bot",
    )


def test_answering_an_answered_survey_is_refused_in_full() -> None:
    """A second answer is refused naming the survey, its id, the action and its status."""
    answered = _survey().answer(at=NOW)
    with pytest.raises(InvalidTransition) as caught:
        answered.answer(at=NOW)
    err = caught.value
    assert (err.entity, err.entity_id, err.action, err.status) == (
        "survey",
        "s-1",
        "answer",
        "answered",
    )
    assert str(err) == "cannot answer survey s-1: it is answered"


def test_an_answer_records_its_ticket_and_assistant() -> None:
    """Feedback.record keeps the ticket and the virtual assistant the answer rates."""
    answer = _detractor()
    assert (answer.ticket_id, answer.assistant) == ("t-1", "billing-bot")


def test_taking_a_taken_follow_up_names_the_handler() -> None:
    """A second take is refused: the follow-up is 'in progress (taken by <handler>)'."""
    taken = _detractor().take(by="ana", at=NOW)
    with pytest.raises(InvalidTransition) as caught:
        taken.take(by="bia", at=NOW)
    err = caught.value
    assert (err.entity, err.entity_id, err.action, err.status) == (
        "follow-up",
        "f-1",
        "take",
        "in progress (taken by ana)",
    )
    assert str(err) == "cannot take follow-up f-1: it is in progress (taken by ana)"


def test_resolving_a_pending_follow_up_names_no_handler() -> None:
    """Resolving before anyone took it is refused with the plain status 'pending'."""
    with pytest.raises(InvalidTransition) as caught:
        _detractor().resolve(by="ana", at=NOW, notes="ok", score=4)
    err = caught.value
    assert (err.entity, err.action, err.status) == ("follow-up", "resolve", "pending")
    assert str(err) == "cannot resolve follow-up f-1: it is pending"
