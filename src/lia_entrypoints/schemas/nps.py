"""The public shape of an NPS answer and its follow-up (`/api/v1/nps`, `lia nps … --json`)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from lia_core.domain.feedback import Feedback, FollowUp
from lia_entrypoints.schemas.base import Out, local

__all__ = ["FeedbackOut", "FollowUpOut"]


class FollowUpOut(Out):
    """How staff handle a detractor (the seed schema's `handling*` fields)."""

    status: str
    """`pending`, `in_progress` or `resolved`."""
    handler: str | None
    """Who took it (`handledBy`); null while pending."""
    taken_at: datetime | None
    notes: str | None
    score: int | None
    """The handling score, 1 to 5, given when resolved (`handlingScore`)."""
    resolved_at: datetime | None
    """When it was resolved (`handledAt`)."""
    resolved_by: str | None

    @classmethod
    def of(cls, follow_up: FollowUp, tz: tzinfo) -> FollowUpOut:
        """Render a follow-up, its times in *tz*."""
        return cls(
            status=follow_up.status.value,
            handler=follow_up.handler,
            taken_at=local(follow_up.taken_at, tz),
            notes=follow_up.notes,
            score=follow_up.score,
            resolved_at=local(follow_up.resolved_at, tz),
            resolved_by=follow_up.resolved_by,
        )


class FeedbackOut(Out):
    """One answer to an NPS survey: the score, the customer's words, who and what it rates."""

    id: str
    survey_id: str
    conversation_id: str
    ticket_id: str | None
    customer: str
    """The contact's key (the phone's digits, or a provider identity)."""
    client_name: str
    score: int
    """0 to 10."""
    category: str
    """`detractor` (0-6), `passive` (7-8), `promoter` (9-10)."""
    comment: str
    """What the reply said beside the score ("ótimo atendimento"); empty when nothing."""
    agent: str | None
    """The agent who held the ticket when it was resolved (null: the bot alone)."""
    assistant: str | None
    """The bot's intent for the conversation (`financial`, `cancellation`, …)."""
    department: str | None
    created_at: datetime
    """When the customer answered, in the ISP's timezone."""
    follow_up: FollowUpOut | None
    """A detractor's follow-up; null for passives and promoters."""
    version: int
    """Bumped by every follow-up move (`If-Match` on take and resolve)."""

    @classmethod
    def of(cls, feedback: Feedback, tz: tzinfo) -> FeedbackOut:
        """Render an answer, its times in *tz*."""
        follow_up = feedback.follow_up
        return cls(
            id=feedback.id,
            survey_id=feedback.survey_id,
            conversation_id=feedback.conversation_id,
            ticket_id=feedback.ticket_id,
            customer=feedback.customer,
            client_name=feedback.client_name,
            score=feedback.score,
            category=feedback.category.value,
            comment=feedback.comment,
            agent=feedback.agent,
            assistant=feedback.assistant,
            department=feedback.department,
            created_at=feedback.created_at.astimezone(tz),
            follow_up=FollowUpOut.of(follow_up, tz) if follow_up is not None else None,
            version=feedback.version,
        )
