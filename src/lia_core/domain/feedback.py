"""A customer's survey answer (a `satisfaction_feedback` row) and a detractor's follow-up.

A detractor's answer (0-6) opens a follow-up that staff work through:

pending ──take──▶ in_progress ──resolve──▶ resolved

Taking names the handler; resolving records the notes and the handling score (1-5, the
schema's ``handlingScore``: how well the complaint was handled). The answer itself never
changes; only its follow-up moves, each move bumping the row's version.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime

import attrs

from lia_core.errors import InvalidTransition, ValidationError
from lia_core.nps.categories import NpsCategory, categorize, check_score
from lia_core.validation import aware, aware_or_none, require_text

__all__ = [
    "FOLLOW_UP_TRANSITIONS",
    "MAX_COMMENT_CHARS",
    "MAX_NOTES_CHARS",
    "Feedback",
    "FollowUp",
    "FollowUpAction",
    "FollowUpStatus",
    "check_handling_score",
]

MAX_COMMENT_CHARS = 2000
"""The longest comment kept (a longer reply is cut: the comment is the customer's words)."""
MAX_NOTES_CHARS = 4000
"""The longest handling notes staff may write."""


class FollowUpStatus(enum.StrEnum):
    """Where a detractor's follow-up is (the schema's ``handlingStatus``)."""

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"


class FollowUpAction(enum.StrEnum):
    """What staff do with a follow-up."""

    TAKE = "take"
    RESOLVE = "resolve"


FOLLOW_UP_TRANSITIONS: Mapping[FollowUpAction, tuple[frozenset[FollowUpStatus], FollowUpStatus]] = {
    FollowUpAction.TAKE: (frozenset({FollowUpStatus.PENDING}), FollowUpStatus.IN_PROGRESS),
    FollowUpAction.RESOLVE: (frozenset({FollowUpStatus.IN_PROGRESS}), FollowUpStatus.RESOLVED),
}
"""The state machine as data: action → (statuses it is allowed from, status it leads to)."""


def check_handling_score(score: object, *, field: str = "score") -> int:
    """*score* if it is an int from 1 to 5 (not a bool), else ValidationError naming *field*."""
    if type(score) is not int or not 1 <= score <= 5:
        raise ValidationError(
            f"a handling score is an integer from 1 to 5, got {score!r}", field=field
        )
    return score


def _valid_score(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    check_score(value, field=attribute.name)


@attrs.frozen(kw_only=True)
class FollowUp:
    """How staff handle a detractor: status, handler, notes, handling score and times."""

    status: FollowUpStatus = FollowUpStatus.PENDING
    handler: str | None = None
    """Who took it (the schema's ``handledBy``)."""
    taken_at: datetime | None = attrs.field(default=None, validator=aware_or_none)
    notes: str | None = None
    score: int | None = None
    """The handling score, 1 to 5, given when resolved."""
    resolved_at: datetime | None = attrs.field(default=None, validator=aware_or_none)
    """When it was resolved (the schema's ``handledAt``)."""
    resolved_by: str | None = None


@attrs.frozen(kw_only=True)
class Feedback:
    """One answer to a survey: score, comment, and the conversation, agent, assistant and
    department it rates; a detractor's carries its follow-up."""

    id: str
    survey_id: str
    conversation_id: str
    ticket_id: str | None = None
    customer: str
    """The contact's key as stored (the phone's digits, or a provider identity)."""
    client_name: str = ""
    score: int = attrs.field(validator=_valid_score)
    comment: str = ""
    agent: str | None = None
    assistant: str | None = None
    department: str | None = None
    created_at: datetime = attrs.field(validator=aware)
    follow_up: FollowUp | None = None
    """Set for a detractor (opened pending with the answer), None otherwise."""
    version: int = 0
    """Optimistic-concurrency version: 0 until first saved, then bumped by every save."""

    @property
    def category(self) -> NpsCategory:
        """Detractor, passive or promoter."""
        return categorize(self.score)

    @classmethod
    def record(
        cls,
        *,
        id: str,
        survey_id: str,
        conversation_id: str,
        customer: str,
        score: int,
        comment: str,
        at: datetime,
        ticket_id: str | None = None,
        client_name: str = "",
        agent: str | None = None,
        assistant: str | None = None,
        department: str | None = None,
    ) -> Feedback:
        """A new answer; a detractor's opens its follow-up, pending."""
        detractor = categorize(score) is NpsCategory.DETRACTOR
        return cls(
            id=id,
            survey_id=survey_id,
            conversation_id=conversation_id,
            ticket_id=ticket_id,
            customer=customer,
            client_name=client_name,
            score=score,
            comment=comment.strip()[:MAX_COMMENT_CHARS],
            agent=agent,
            assistant=assistant,
            department=department,
            created_at=at,
            follow_up=FollowUp() if detractor else None,
        )

    def _follow_up(self, action: FollowUpAction) -> tuple[FollowUp, FollowUpStatus]:
        """The follow-up and the status *action* leads to; InvalidTransition when refused."""
        allowed, to = FOLLOW_UP_TRANSITIONS[action]
        current = self.follow_up
        if current is None:
            raise InvalidTransition(
                entity="feedback",
                entity_id=self.id,
                action=f"{action.value} the follow-up of",
                status=f"a {self.category.value}'s answer, with no follow-up",
            )
        if current.status not in allowed:
            status = current.status.value.replace("_", " ")
            if current.handler is not None:
                status = f"{status} (taken by {current.handler})"
            raise InvalidTransition(
                entity="follow-up", entity_id=self.id, action=action.value, status=status
            )
        return current, to

    def take(self, *, by: str, at: datetime, notes: str | None = None) -> Feedback:
        """The follow-up in progress with *by*; refused unless pending."""
        current, to = self._follow_up(FollowUpAction.TAKE)
        handler = require_text(by, "by")
        taken = attrs.evolve(
            current, status=to, handler=handler, taken_at=at, notes=_notes(notes, required=False)
        )
        return attrs.evolve(self, follow_up=taken)

    def resolve(self, *, by: str, at: datetime, notes: str, score: int) -> Feedback:
        """The follow-up resolved with its notes and handling score; refused unless in progress."""
        current, to = self._follow_up(FollowUpAction.RESOLVE)
        resolved = attrs.evolve(
            current,
            status=to,
            notes=_notes(notes, required=True),
            score=check_handling_score(score),
            resolved_at=at,
            resolved_by=require_text(by, "by"),
        )
        return attrs.evolve(self, follow_up=resolved)


def _notes(notes: str | None, *, required: bool) -> str | None:
    if notes is None or not notes.strip():
        if required:
            raise ValidationError("notes must not be blank", field="notes")
        return None
    text = notes.strip()
    if len(text) > MAX_NOTES_CHARS:
        raise ValidationError(f"notes are longer than {MAX_NOTES_CHARS} characters", field="notes")
    return text
