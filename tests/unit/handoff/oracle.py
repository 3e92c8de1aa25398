"""Simple oracles for the handoff policy, written without the package's own matching code."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from lia_core.handoff import (
    DEFAULT_KEYWORDS,
    AskClarifyingQuestion,
    ConversationState,
    Decision,
    HandoffPolicy,
    HandoffReason,
    HandToHuman,
    Intent,
    Language,
    Priority,
    RouteToDepartment,
)


def plain(text: str) -> str:
    """Lower case, no accents, every run of non-[a-z0-9] characters one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", bare).split())


def keyword_hits(
    text: str, table: Mapping[Intent, tuple[str, ...]] = DEFAULT_KEYWORDS
) -> dict[Intent, int]:
    """Distinct keywords of each intent found in *text* as whole words (regex lookarounds)."""
    haystack = plain(text)
    hits: dict[Intent, int] = {}
    for intent, words in table.items():
        found = {
            plain(w)
            for w in words
            if re.search(r"(?<![a-z0-9])" + re.escape(plain(w)) + r"(?![a-z0-9])", haystack)
        }
        hits[intent] = len(found)
    return hits


def expected_confidences(text: str, smoothing: float = 0.25) -> list[tuple[Intent, float]]:
    """The documented formula hits / (total + smoothing), ranked highest first, ties in Intent order."""
    hits = keyword_hits(text)
    total = sum(hits.values()) + smoothing
    order = list(Intent)
    scored = [(intent, hits[intent] / total) for intent in order]
    return sorted(scored, key=lambda pair: (-pair[1], order.index(pair[0])))


def expected_message_outcome(
    state: ConversationState, text: str, policy: HandoffPolicy
) -> tuple[type[Decision], HandoffReason | None, Priority | None]:
    """What a message does in BOT or CLARIFYING with no calendar: decision type, reason, priority.

    Rules are tried top to bottom; the first that holds wins (the order docs/handoff.md gives).
    """
    ranking = policy.classifier.classify(text)
    conf = {s.intent: s.confidence for s in ranking.scores}
    ordered = [s.confidence for s in ranking.scores] + [0.0, 0.0]
    top, second = ordered[0], ordered[1]
    critical = [
        s.intent
        for s in ranking.scores
        if s.intent in policy.critical_intents
        and s.confidence > 0
        and s.confidence >= policy.critical_threshold
    ]
    words = f" {plain(text)} "
    asked = any(f" {plain(k)} " in words for k in policy.human_keywords)
    helped = plain(text) in {plain(p) for p in policy.help_phrases}
    foreign = policy.language.guess(text) in (Language.ENGLISH, Language.SPANISH)
    ambiguous = top > 0 and top - second < policy.ambiguity_gap
    clear = top >= policy.confidence_threshold and not ambiguous and bool(conf)
    unclear = HandoffReason.AMBIGUOUS if ambiguous else HandoffReason.LOW_CONFIDENCE
    raised, base = policy.raised_priority, policy.base_priority
    rules: list[tuple[bool, tuple[type[Decision], HandoffReason | None, Priority | None]]] = [
        (text.strip() == policy.human_option, (HandToHuman, HandoffReason.CUSTOMER_ASKED, raised)),
        (helped, (HandToHuman, HandoffReason.CUSTOMER_ASKED, base)),
        (bool(critical), (HandToHuman, HandoffReason.CRITICAL_INTENT, raised)),
        (asked, (HandToHuman, HandoffReason.CUSTOMER_ASKED, raised)),
        (foreign, (HandToHuman, HandoffReason.LANGUAGE, raised)),
        (clear, (RouteToDepartment, None, base)),
        (state.clarifications < policy.max_clarifications, (AskClarifyingQuestion, unclear, None)),
        (True, (HandToHuman, unclear, base)),
    ]
    return next(outcome for holds, outcome in rules if holds)
