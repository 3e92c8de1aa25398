"""Simple oracles for the handoff policy, written from docs/handoff.md without the package's code.

Only the data tables (`DEFAULT_KEYWORDS`, `DEFAULT_STOPWORDS`) come from the package; folding,
matching, counting and every rule are re-implemented here with regular expressions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from lia_core.handoff import (
    DEFAULT_KEYWORDS,
    DEFAULT_STOPWORDS,
    AskClarifyingQuestion,
    ConversationState,
    Decision,
    HandoffPolicy,
    HandoffReason,
    HandToHuman,
    Intent,
    KeywordIntentClassifier,
    Language,
    Priority,
    RouteToDepartment,
)

Outcome = tuple[type[Decision], HandoffReason | None, Priority | None, Intent | None]


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def plain(text: str) -> str:
    """Lower case, no accents, non-alphanumerics one space, a letter run of 3+ kept once."""
    bare = _strip_accents(text.casefold())
    for _ in range(3):  # casefold may produce characters that decompose further
        bare = _strip_accents(bare.casefold())
    spaced = " ".join("".join(c if c.isalnum() else " " for c in bare).split())
    return re.sub(r"([a-z])\1\1+", r"\1", spaced)


def keyword_hits(
    text: str, table: Mapping[Intent, tuple[str, ...]] = DEFAULT_KEYWORDS
) -> dict[Intent, int]:
    """Distinct keywords of each intent found in *text*, not counting those only inside longer ones."""
    haystack = plain(text)
    spans: dict[tuple[Intent, str], list[tuple[int, int]]] = {}
    for intent, words in table.items():
        for word in {plain(w) for w in words}:
            found = [(m.start(1), m.end(1)) for m in re.finditer(_lookahead(word), haystack)]
            if found:
                spans[intent, word] = found
    every = [span for found in spans.values() for span in found]
    hits = dict.fromkeys(table, 0)
    for (intent, _word), found in spans.items():
        alone = [
            (a, b)
            for a, b in found
            if not any(c <= a and b <= d and d - c > b - a for c, d in every)
        ]
        hits[intent] += bool(alone)
    return hits


def _lookahead(word: str) -> str:
    """A regex finding every whole-word occurrence of *word*, overlapping ones too."""
    return r"(?=(?<!\S)(" + re.escape(word) + r")(?!\S))"


def expected_confidences(text: str, smoothing: float = 0.25) -> list[tuple[Intent, float]]:
    """The documented formula hits / (total + smoothing), ranked highest first, ties in Intent order."""
    hits = keyword_hits(text)
    total = sum(hits.values()) + smoothing
    order = list(Intent)
    scored = [(intent, hits[intent] / total) for intent in order]
    return sorted(scored, key=lambda pair: (-pair[1], order.index(pair[0])))


def stopword_counts(text: str) -> dict[Language, int]:
    """Words of *text* that are stop-words of each language (accented ones only as written)."""
    lowered = unicodedata.normalize("NFC", text.casefold())
    words = re.findall(r"[^\W_]+", lowered)
    counts = dict.fromkeys(DEFAULT_STOPWORDS, 0)
    for language, table in DEFAULT_STOPWORDS.items():
        for word in words:
            counts[language] += word in table or _strip_accents(word) in table
    return counts


def is_foreign(text: str) -> bool:
    """The docs' rule: no keyword, no Portuguese stop-word, and English or Spanish clearly leads."""
    if any(keyword_hits(text).values()):
        return False
    counts = stopword_counts(text)
    en, es = counts[Language.ENGLISH], counts[Language.SPANISH]
    return counts[Language.PORTUGUESE] == 0 and max(en, es) >= 2 and en != es


def expected_message_outcome(state: ConversationState, text: str, policy: HandoffPolicy) -> Outcome:
    """What a message does in BOT or CLARIFYING with no calendar: type, reason, priority, intent.

    Rules are tried top to bottom; the first that holds wins (the order docs/handoff.md gives).
    A critical intent is one with any keyword in the message, however many other keywords.
    """
    assert policy.classifier == KeywordIntentClassifier(), "the oracle knows the default table"
    hits = keyword_hits(text)
    ranked = expected_confidences(text)
    (top_intent, top), (_, second) = ranked[0], ranked[1]
    critical = [i for i in Intent if i in policy.critical_intents and hits[i] > 0]
    most = max(critical, key=lambda i: hits[i], default=None)  # max keeps the first of a tie
    words = f" {plain(text)} "
    asked = any(f" {plain(k)} " in words for k in policy.human_keywords)
    helped = plain(text) in {plain(p) for p in policy.help_phrases}
    ambiguous = top > 0 and top - second < policy.ambiguity_gap
    clear = top > 0 and top >= policy.confidence_threshold and not ambiguous
    unclear = HandoffReason.AMBIGUOUS if ambiguous else HandoffReason.LOW_CONFIDENCE
    raised, base = policy.raised_priority, policy.base_priority
    rules: list[tuple[bool, Outcome]] = [
        (text.strip() == policy.human_option, (HandToHuman, HandoffReason.CUSTOMER_ASKED, raised, None)),
        (helped, (HandToHuman, HandoffReason.CUSTOMER_ASKED, base, None)),
        (most is not None, (HandToHuman, HandoffReason.CRITICAL_INTENT, raised, most)),
        (asked, (HandToHuman, HandoffReason.CUSTOMER_ASKED, raised, None)),
        (is_foreign(text), (HandToHuman, HandoffReason.LANGUAGE, raised, None)),
        (clear, (RouteToDepartment, None, base, top_intent)),
        (state.clarifications < policy.max_clarifications, (AskClarifyingQuestion, unclear, None, None)),
        (True, (HandToHuman, unclear, base, None)),
    ]  # fmt: skip
    return next(outcome for holds, outcome in rules if holds)
