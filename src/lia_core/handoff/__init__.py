"""The bot-to-human handoff policy: intents, a pt-BR keyword classifier, the conversation machine.

Feed `decide_handoff(state, event, policy, now=...)` a conversation state and what happened (a
message, a menu choice, an inactivity tick); `match` the decision it returns and keep
``decision.state``.
Pure domain (no I/O). See docs/handoff.md.
"""

from __future__ import annotations

import warnings

from lia_core.domain.tickets import Priority, SupportLevel
from lia_core.handoff.conversation import (
    ConversationState,
    CustomerMessage,
    Event,
    InactivityTick,
    MenuChoice,
    Phase,
)
from lia_core.handoff.decisions import (
    AskClarifyingQuestion,
    CloseConversation,
    CloseReason,
    Decision,
    HandToHuman,
    NoAction,
    OfferTimeoutMenu,
    OutOfHours,
    ResumeBot,
    RouteToDepartment,
)
from lia_core.handoff.intents import Intent, IntentClassifier, IntentScore, RankedIntents
from lia_core.handoff.keywords import DEFAULT_KEYWORDS, KeywordIntentClassifier
from lia_core.handoff.language import (
    DEFAULT_STOPWORDS,
    Language,
    LanguageGuesser,
    StopwordLanguageGuesser,
)
from lia_core.handoff.machine import decide_handoff
from lia_core.handoff.policy import HandoffPolicy, HandoffTexts, critical_intent, is_ambiguous
from lia_core.handoff.routing import (
    DEFAULT_DESTINATIONS,
    GENERAL_QUEUE,
    Destination,
    Handoff,
    HandoffReason,
)

__all__ = [
    "DEFAULT_DESTINATIONS",
    "DEFAULT_KEYWORDS",
    "DEFAULT_STOPWORDS",
    "GENERAL_QUEUE",
    "AskClarifyingQuestion",
    "CloseConversation",
    "CloseReason",
    "ConversationState",
    "CustomerMessage",
    "Decision",
    "Destination",
    "Event",
    "HandToHuman",
    "Handoff",
    "HandoffPolicy",
    "HandoffReason",
    "HandoffTexts",
    "InactivityTick",
    "Intent",
    "IntentClassifier",
    "IntentScore",
    "KeywordIntentClassifier",
    "Language",
    "LanguageGuesser",
    "MenuChoice",
    "NoAction",
    "OfferTimeoutMenu",
    "OutOfHours",
    "Phase",
    "Priority",
    "RankedIntents",
    "ResumeBot",
    "RouteToDepartment",
    "StopwordLanguageGuesser",
    "SupportLevel",
    "critical_intent",
    "decide_handoff",
    "is_ambiguous",
]


def __getattr__(name: str) -> object:
    """`decide`, the old name of `decide_handoff`, still resolves (with a DeprecationWarning)."""
    if name == "decide":
        warnings.warn(
            "lia_core.handoff.decide is deprecated; use decide_handoff",
            DeprecationWarning,
            stacklevel=2,
        )
        return decide_handoff
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
