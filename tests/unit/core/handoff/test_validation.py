"""Settings and states the handoff policy refuses, each with the offending field named."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from lia_core.errors import ValidationError
from lia_core.handoff import (
    GENERAL_QUEUE,
    ConversationState,
    HandoffPolicy,
    InactivityTick,
    Intent,
    IntentScore,
    KeywordIntentClassifier,
    Language,
    Phase,
    Priority,
    RankedIntents,
    decide_handoff,
)
from lia_core.handoff.language import StopwordLanguageGuesser

T0 = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
START = ConversationState.start(T0)


def test_naive_times_are_refused() -> None:
    """now and the state's times must be timezone-aware."""
    with pytest.raises(ValidationError):
        decide_handoff(START, InactivityTick(), HandoffPolicy(), now=datetime(2026, 1, 1))
    with pytest.raises(ValidationError):
        ConversationState.start(datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"close_after": timedelta(minutes=5)}, "close_after"),
        ({"offer_after": timedelta(0)}, "offer_after"),
        ({"confidence_threshold": 1.2}, "confidence_threshold"),
        ({"base_priority": Priority.URGENT}, "raised_priority"),
        ({"agent_option": "1"}, "options"),
        ({"max_clarifications": -1}, "max_clarifications"),
        ({"human_keywords": "atendente"}, "human_keywords"),
        ({"help_phrases": "ajuda"}, "help_phrases"),
        ({"human_keywords": ("atendente", None)}, "human_keywords"),
        ({"critical_intents": ["procon"]}, "critical_intents"),
        ({"critical_intents": "cancellation"}, "critical_intents"),
        ({"destinations": {"foo": GENERAL_QUEUE}}, "destinations"),
        ({"destinations": {Intent.SUPPORT: "suporte"}}, "destinations"),
    ],
)
def test_bad_policies_are_refused(kwargs: dict[str, object], field: str) -> None:
    """Inconsistent timers, priorities, options, a bare str for words, unknown intents: refused."""
    with pytest.raises(ValidationError) as error:
        HandoffPolicy(**kwargs)  # type: ignore[arg-type]
    assert error.value.field == field


def test_intent_names_are_accepted_where_intents_are_expected() -> None:
    """ "cancellation" as a str is the intent itself, in critical_intents and destinations."""
    policy = HandoffPolicy(
        critical_intents=["cancellation"],  # type: ignore[list-item]
        destinations={"support": GENERAL_QUEUE},  # type: ignore[dict-item]
    )
    assert policy.critical_intents == {Intent.CANCELLATION}
    assert policy.destination_for(Intent.SUPPORT) is GENERAL_QUEUE


def test_one_human_keyword_in_a_tuple_is_not_split_into_letters() -> None:
    """("atendente",) stays one phrase, so "quero pagar a fatura" is not a request for a person."""
    policy = HandoffPolicy(human_keywords=("atendente",))
    assert policy.human_keywords == ("atendente",)


def test_inconsistent_states_are_refused() -> None:
    """A menu time outside TIMEOUT_OFFERED, or WITH_HUMAN without a destination, is refused."""
    with pytest.raises(ValidationError):
        ConversationState(phase=Phase.BOT, last_activity=T0, offered_at=T0)
    with pytest.raises(ValidationError):
        ConversationState(phase=Phase.WITH_HUMAN, last_activity=T0)


def _refusal(build: Callable[[], object]) -> tuple[str | None, str]:
    with pytest.raises(ValidationError) as error:
        build()
    return error.value.field, str(error.value)


def test_refusals_say_what_is_wrong() -> None:
    """The message an operator reads for each refused setting, with the field it names."""
    offered = functools.partial(ConversationState, phase=Phase.BOT, last_activity=T0)
    assert _refusal(lambda: offered(offered_at=T0)) == (
        "phase",
        "offered_at and resume_phase are set exactly in TIMEOUT_OFFERED",
    )
    twice = [IntentScore(intent=Intent.SUPPORT, confidence=0.5)] * 2
    assert _refusal(lambda: RankedIntents(scores=tuple(twice))) == (
        "scores",
        "each intent is ranked at most once",
    )
    assert _refusal(lambda: KeywordIntentClassifier(keywords={Intent.SUPPORT: ("  ",)})) == (
        "keywords",
        "intent support has no usable keyword",
    )
    assert _refusal(lambda: KeywordIntentClassifier(smoothing=0)) == (
        "smoothing",
        "smoothing must be a positive number",
    )
    assert _refusal(lambda: StopwordLanguageGuesser(stopwords={Language.UNKNOWN: ("x",)})) == (
        "stopwords",
        "UNKNOWN cannot have stop-words",
    )
    not_a_map: Any = [GENERAL_QUEUE]
    assert _refusal(lambda: HandoffPolicy(destinations=not_a_map)) == (
        "destinations",
        "destinations maps intents to destinations",
    )
    low = functools.partial(HandoffPolicy, base_priority=Priority.HIGH)
    assert _refusal(lambda: low(raised_priority=Priority.LOW)) == (
        "raised_priority",
        "raised_priority cannot be below base_priority",
    )
