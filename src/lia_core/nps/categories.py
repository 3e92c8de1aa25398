"""NPS answers and their categories: detractor 0-6, passive 7-8, promoter 9-10."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from lia_core.errors import ValidationError
from lia_core.validation import aware

__all__ = ["MAX_SCORE", "MIN_SCORE", "NpsAnswer", "NpsCategory", "categorize", "check_score"]

MIN_SCORE = 0
MAX_SCORE = 10


class NpsCategory(enum.StrEnum):
    """Where an answer falls; the schema's ``neutral`` is ``PASSIVE`` here."""

    DETRACTOR = "detractor"
    PASSIVE = "passive"
    PROMOTER = "promoter"


def check_score(score: object, *, field: str = "score") -> int:
    """Return *score* if it is an int from 0 to 10 (not a bool), else raise ValidationError."""
    if type(score) is not int or not MIN_SCORE <= score <= MAX_SCORE:
        raise ValidationError(
            f"an NPS score is an integer from 0 to 10, got {score!r}", field=field
        )
    return score


def categorize(score: int) -> NpsCategory:
    """The category of a 0-10 score; anything else raises ValidationError (field ``score``)."""
    check_score(score)
    if score <= 6:
        return NpsCategory.DETRACTOR
    if score <= 8:
        return NpsCategory.PASSIVE
    return NpsCategory.PROMOTER


def _valid_score(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    check_score(value, field=attribute.name)


@attrs.frozen(kw_only=True)
class NpsAnswer:
    """One customer's 0-10 answer about one conversation, with who and what it rates."""

    score: int = attrs.field(validator=_valid_score)
    answered_at: datetime = attrs.field(validator=aware)
    conversation_id: str = ""
    agent_id: str | None = None
    assistant: str | None = None
    department: str | None = None

    @property
    def category(self) -> NpsCategory:
        """Detractor, passive or promoter."""
        return categorize(self.score)
