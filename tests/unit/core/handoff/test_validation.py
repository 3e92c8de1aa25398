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
from lia_core.handoff.routing import HandoffReason

T0 = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
START = ConversationState.start(T0)


def test_naive_times_are_refused() -> None:
    """now and the state's times must be timezone-aware; a naive now is refused naming it."""
    with pytest.raises(ValidationError) as error:
        decide_handoff(START, InactivityTick(), HandoffPolicy(), now=datetime(2026, 1, 1))
    assert (error.value.field, str(error.value)) == ("now", "now must be timezone-aware")
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


OPTIONS = ("options", "menu options must be distinct and non-blank")


@pytest.mark.parametrize(
    ("kwargs", "refusal"),
    [
        (
            {"close_after": timedelta(minutes=5)},
            ("close_after", "close_after must be longer than offer_after"),
        ),
        (
            {"confidence_threshold": 1.2},
            ("confidence_threshold", "confidence_threshold must be in [0, 1]"),
        ),
        ({"ambiguity_gap": float("nan")}, ("ambiguity_gap", "ambiguity_gap must be in [0, 1]")),
        ({"agent_option": ""}, OPTIONS),
        ({"agent_option": " 2"}, OPTIONS),
        ({"help_option": "ajuda "}, OPTIONS),
        ({"help_option": "1"}, OPTIONS),
        (
            {"destinations": {Intent.SUPPORT: "suporte"}},
            ("destinations", "destinations maps intents to a Destination"),
        ),
        (
            {"critical_intents": "cancellation"},
            ("critical_intents", "critical_intents takes a set of intents"),
        ),
    ],
)
def test_bad_policies_say_what_is_wrong(kwargs: dict[str, Any], refusal: tuple[str, str]) -> None:
    """Timers, fractions, menu options (empty, padded or repeated), destinations that are not
    `Destination`s and one str for critical intents: the message an operator reads, and its field."""
    assert _refusal(lambda: HandoffPolicy(**kwargs)) == refusal


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


OFFERED = {"phase": Phase.TIMEOUT_OFFERED, "offered_at": T0, "resume_phase": Phase.BOT}
HUMAN = {"phase": Phase.WITH_HUMAN, "destination": GENERAL_QUEUE}
MENU_TIMES = ("phase", "offered_at and resume_phase are set exactly in TIMEOUT_OFFERED")
RESUMES = ("resume_phase", "the menu resumes BOT or CLARIFYING")
DESTINATION = ("destination", "a destination is set exactly in WITH_HUMAN")
HUMAN_ONLY = ("reason", "reason and intent belong to WITH_HUMAN")


@pytest.mark.parametrize(
    ("kwargs", "refusal"),
    [
        ({"offered_at": T0}, MENU_TIMES),
        ({"resume_phase": Phase.BOT}, MENU_TIMES),
        (OFFERED | {"offered_at": None}, MENU_TIMES),
        (OFFERED | {"resume_phase": None}, MENU_TIMES),
        (OFFERED | {"resume_phase": Phase.WITH_HUMAN}, RESUMES),
        (OFFERED | {"resume_phase": Phase.TIMEOUT_OFFERED}, RESUMES),
        ({"phase": Phase.WITH_HUMAN}, DESTINATION),
        ({"destination": GENERAL_QUEUE}, DESTINATION),
        ({"phase": Phase.CLOSED, "destination": GENERAL_QUEUE}, DESTINATION),
        ({"reason": HandoffReason.CUSTOMER_ASKED}, HUMAN_ONLY),
        ({"intent": Intent.SUPPORT}, HUMAN_ONLY),
        ({"phase": Phase.CLOSED, "intent": Intent.SUPPORT}, HUMAN_ONLY),
        ({"clarifications": -1}, ("clarifications", "clarifications cannot be negative")),
        (HUMAN | {"clarifications": -1}, ("clarifications", "clarifications cannot be negative")),
    ],
)
def test_each_inconsistent_state_is_refused_naming_its_rule(
    kwargs: dict[str, Any], refusal: tuple[str, str]
) -> None:
    """Menu fields outside TIMEOUT_OFFERED (or one without the other), a menu resuming anything
    but BOT or CLARIFYING, a destination, reason or intent outside WITH_HUMAN (each alone), a
    WITH_HUMAN without a destination, negative clarifications: the field and message say which."""
    assert _refusal(lambda: ConversationState(last_activity=T0, **kwargs)) == refusal


@pytest.mark.parametrize(
    "kwargs",
    [
        OFFERED,
        OFFERED | {"resume_phase": Phase.CLARIFYING},
        HUMAN,
        HUMAN | {"reason": HandoffReason.CRITICAL_INTENT, "intent": Intent.CANCELLATION},
        {"phase": Phase.CLARIFYING, "clarifications": 0},
    ],
)
def test_consistent_states_are_accepted(kwargs: dict[str, Any]) -> None:
    """The shapes the machine itself produces, down to zero clarifications."""
    assert ConversationState(last_activity=T0, **kwargs).phase is kwargs["phase"]


SUPPORT_HALF = IntentScore(intent=Intent.SUPPORT, confidence=0.5)
FINANCIAL_HALF = IntentScore(intent=Intent.FINANCIAL, confidence=0.5)
UNSORTED = ("scores", "scores are sorted by confidence, highest first, ties in Intent order")


@pytest.mark.parametrize(
    ("build", "refusal"),
    [
        (
            lambda: RankedIntents(
                scores=(IntentScore(intent=Intent.SUPPORT, confidence=0.2), FINANCIAL_HALF)
            ),
            UNSORTED,
        ),
        (lambda: RankedIntents(scores=(FINANCIAL_HALF, SUPPORT_HALF)), UNSORTED),
        (
            lambda: RankedIntents(scores=(SUPPORT_HALF,), detected={Intent.FINANCIAL}),
            ("detected", "a detected intent is ranked above 0"),
        ),
        (
            lambda: RankedIntents.of({Intent.SUPPORT: 0.0}, detected={Intent.SUPPORT}),
            ("detected", "a detected intent is ranked above 0"),
        ),
        (
            lambda: RankedIntents(scores=(SUPPORT_HALF,), detected="support"),  # type: ignore[arg-type]
            ("detected", "detected takes a set of intents, not one str"),
        ),
        (
            lambda: RankedIntents.of({Intent.SUPPORT: 0.5}, detected="support"),  # type: ignore[arg-type]
            ("detected", "detected takes a set of intents, not one str"),
        ),
        (
            lambda: RankedIntents(scores=(SUPPORT_HALF,), detected=["sales"]),  # type: ignore[list-item]
            (
                "detected",
                "unknown intent 'sales' (one of "
                "support, financial, commercial, cancellation, ombudsman)",
            ),
        ),
        (
            lambda: IntentScore(intent=Intent.SUPPORT, confidence=1.5),
            ("confidence", "a confidence is in [0, 1], got 1.5"),
        ),
        (
            lambda: IntentScore(intent=Intent.SUPPORT, confidence=-0.0001),
            ("confidence", "a confidence is in [0, 1], got -0.0001"),
        ),
        (
            lambda: IntentScore(intent=Intent.SUPPORT, confidence=float("nan")),
            ("confidence", "a confidence is in [0, 1], got nan"),
        ),
    ],
)
def test_bad_rankings_are_refused_naming_their_field(
    build: Callable[[], object], refusal: tuple[str, str]
) -> None:
    """Unsorted scores (by confidence, then Intent order), a detected intent not ranked above 0,
    one str or an unknown name for detected, a confidence outside [0, 1]: field and message."""
    assert _refusal(build) == refusal


def test_detected_intents_may_be_given_by_name() -> None:
    """ "support" in detected is `Intent.SUPPORT`; confidences 0 and 1 are in range."""
    ranking = RankedIntents.of({Intent.SUPPORT: 1.0, Intent.FINANCIAL: 0.0}, detected=["support"])  # type: ignore[list-item]
    assert ranking.detected == {Intent.SUPPORT}


UNKNOWN_INTENT = (
    "unknown intent 'procon' (one of support, financial, commercial, cancellation, ombudsman)"
)
LOOSE: Any = {  # wrong on purpose: what a hand-written setting may hold
    "a str": "the",
    "a list": ["the"],
    "names": ["procon"],
    "phrases": ("ajuda", 3),
    "by name": {"klingon": ("qapla",)},
}


@pytest.mark.parametrize(
    ("build", "refusal"),
    [
        (
            lambda: HandoffPolicy(human_keywords="atendente"),
            ("human_keywords", "human_keywords takes a tuple of phrases, not one str"),
        ),
        (
            lambda: HandoffPolicy(help_phrases=LOOSE["phrases"]),
            ("help_phrases", "help_phrases takes phrases (str)"),
        ),
        (
            lambda: HandoffPolicy(critical_intents=LOOSE["names"]),
            ("critical_intents", UNKNOWN_INTENT),
        ),
        (
            lambda: KeywordIntentClassifier(keywords=LOOSE["a list"]),
            ("keywords", "keywords maps intents to phrases"),
        ),
        (
            lambda: KeywordIntentClassifier(weak="plano"),
            ("weak", "weak takes a tuple of phrases, not one str"),
        ),
        (
            lambda: StopwordLanguageGuesser(min_hits=0),
            ("min_hits", "min_hits must be at least 1"),
        ),
        (
            lambda: StopwordLanguageGuesser(stopwords=LOOSE["a list"]),
            ("stopwords", "stopwords maps languages to words"),
        ),
        (
            lambda: StopwordLanguageGuesser(stopwords=LOOSE["by name"]),
            ("stopwords", "unknown language 'klingon'"),
        ),
        (
            lambda: StopwordLanguageGuesser(stopwords={Language.ENGLISH: LOOSE["a str"]}),
            ("stopwords", "stopwords takes a set of words, not one str"),
        ),
    ],
)
def test_bad_word_lists_say_what_is_wrong(
    build: Callable[[], object], refusal: tuple[str, str]
) -> None:
    """One str where phrases or words are expected, a non-str phrase, an unknown intent or
    language, a table that is not a mapping, min_hits under 1: the field and the message."""
    assert _refusal(build) == refusal


def test_one_stop_word_is_enough_when_min_hits_is_1() -> None:
    """min_hits=1 is accepted: one English stop-word makes a message English."""
    assert StopwordLanguageGuesser(min_hits=1).guess("thanks") is Language.ENGLISH
