"""What a customer wants: the intents, their ranked confidences, and the classifier port."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Protocol

import attrs

from lia_core.errors import ValidationError

__all__ = ["Intent", "IntentClassifier", "IntentScore", "RankedIntents", "parse_intent"]


class Intent(enum.StrEnum):
    """The departments a customer's first message can be about (declaration order breaks ties)."""

    SUPPORT = "support"
    FINANCIAL = "financial"
    COMMERCIAL = "commercial"
    CANCELLATION = "cancellation"
    OMBUDSMAN = "ombudsman"
    """Ouvidoria: formal complaints, Procon, Anatel, lawyers and lawsuits."""

    @property
    def order(self) -> int:
        """0 for support … 4 for ombudsman: the tie-break between equal confidences."""
        return _ORDER[self]


_ORDER = {intent: i for i, intent in enumerate(Intent)}
_BY_VALUE = {intent.value: intent for intent in Intent}


def parse_intent(value: object, *, field: str) -> Intent:
    """*value* as an `Intent` ("support" or `Intent.SUPPORT`); anything else names *field*."""
    if isinstance(value, str) and value in _BY_VALUE:
        return _BY_VALUE[value]
    names = ", ".join(_BY_VALUE)
    raise ValidationError(f"unknown intent {value!r} (one of {names})", field=field)


def _unit(_instance: object, _attribute: object, value: float) -> None:
    if not 0.0 <= value <= 1.0:  # also refuses NaN
        raise ValidationError(f"a confidence is in [0, 1], got {value!r}", field="confidence")


@attrs.frozen(kw_only=True)
class IntentScore:
    """How confident a classifier is that the message is about *intent* (0 to 1)."""

    intent: Intent
    confidence: float = attrs.field(validator=_unit)


def _sort_key(score: IntentScore) -> tuple[float, int]:
    return (-score.confidence, score.intent.order)


def _check_ranking(_instance: object, _attribute: object, value: tuple[IntentScore, ...]) -> None:
    if len({s.intent for s in value}) != len(value):
        raise ValidationError("each intent is ranked at most once", field="scores")
    if list(value) != sorted(value, key=_sort_key):
        raise ValidationError(
            "scores are sorted by confidence, highest first, ties in Intent order", field="scores"
        )


def _intent_set(value: Iterable[Intent]) -> frozenset[Intent]:
    if isinstance(value, str):
        raise ValidationError("detected takes a set of intents, not one str", field="detected")
    return frozenset(parse_intent(i, field="detected") for i in value)


def _check_detected(instance: RankedIntents, _attribute: object, value: frozenset[Intent]) -> None:
    if not value <= {s.intent for s in instance.scores if s.confidence > 0}:
        raise ValidationError("a detected intent is ranked above 0", field="detected")


@attrs.frozen(kw_only=True)
class RankedIntents:
    """A classifier's answer: intents by confidence, highest first, ties in `Intent` order."""

    scores: tuple[IntentScore, ...] = attrs.field(default=(), validator=_check_ranking)
    detected: frozenset[Intent] = attrs.field(
        default=frozenset(), converter=_intent_set, validator=_check_detected
    )
    """Intents whose own words the classifier found in the text (the built-in one: a keyword).

    A detected critical intent goes to a human whatever its confidence, and a message with a
    detected intent is never handed over for its language. A classifier that cannot point at
    words (a statistical model) leaves it empty; then `HandoffPolicy.critical_threshold` decides.
    """

    @classmethod
    def of(
        cls,
        confidences: Mapping[Intent, float] | Iterable[IntentScore],
        *,
        detected: Iterable[Intent] = (),
    ) -> RankedIntents:
        """Rank ``{Intent.FINANCIAL: 0.8, ...}`` or unsorted scores (intents must not repeat)."""
        if isinstance(confidences, Mapping):
            scores = [IntentScore(intent=Intent(i), confidence=c) for i, c in confidences.items()]
        else:
            scores = list(confidences)
        # *detected* as given: the converter refuses one str (frozenset() would split it).
        return cls(scores=tuple(sorted(scores, key=_sort_key)), detected=detected)

    @property
    def top(self) -> IntentScore | None:
        """The most likely intent, or None when nothing was ranked."""
        return self.scores[0] if self.scores else None

    @property
    def top_confidence(self) -> float:
        """The highest confidence (0 when nothing was ranked)."""
        return self.scores[0].confidence if self.scores else 0.0

    @property
    def runner_up_confidence(self) -> float:
        """The second-highest confidence (0 when fewer than two intents were ranked)."""
        return self.scores[1].confidence if len(self.scores) > 1 else 0.0

    @property
    def gap(self) -> float:
        """How far the top intent leads the second: the policy calls a small gap ambiguous."""
        return self.top_confidence - self.runner_up_confidence

    def confidence(self, intent: Intent) -> float:
        """The confidence of *intent* (0 when it was not ranked)."""
        return next((s.confidence for s in self.scores if s.intent is intent), 0.0)


class IntentClassifier(Protocol):
    """Reads the intent of a customer's message; `KeywordIntentClassifier` is the built-in one."""

    def classify(self, text: str) -> RankedIntents:
        """Rank the intents *text* may be about; confidences in [0, 1].

        Must be deterministic and must not raise on any string (empty, emoji, other
        languages): an unknown message is a ranking with low (or no) confidences. Put in
        ``detected`` the intents whose own words were found (a critical one then goes to a
        human whatever its confidence); leave it empty when the classifier cannot tell.
        """
        ...
