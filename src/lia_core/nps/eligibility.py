"""Whether a resolved conversation gets a survey, and whether a sent survey can still be answered."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime, timedelta

import attrs

from lia_core.errors import ValidationError
from lia_core.validation import not_negative, positive

__all__ = [
    "AnswerDecision",
    "AnswerStatus",
    "ConversationFacts",
    "SentSurvey",
    "SurveyDecision",
    "SurveyPolicy",
    "SurveyReason",
    "answer_status",
    "decide_survey",
]


@attrs.frozen(kw_only=True)
class SurveyPolicy:
    """How often a customer may be surveyed and how long a survey stays open."""

    cooldown: timedelta = attrs.field(default=timedelta(days=30), validator=not_negative)
    answer_window: timedelta = attrs.field(default=timedelta(hours=24), validator=positive)


@attrs.frozen(kw_only=True)
class ConversationFacts:
    """What the survey rules need to know about one conversation."""

    conversation_id: str
    customer_id: str
    resolved_at: datetime | None
    answered_only_by_outage_gate: bool = False
    reopened_at: datetime | None = None
    """The latest time the conversation was reopened (None if it never was)."""


@attrs.frozen(kw_only=True)
class SentSurvey:
    """A survey already sent to a customer, and when (if ever) it was answered."""

    conversation_id: str
    customer_id: str
    sent_at: datetime
    answered_at: datetime | None = None


class SurveyReason(enum.StrEnum):
    """Why a survey is or is not sent."""

    ELIGIBLE = "eligible"
    NOT_RESOLVED = "not_resolved"
    OUTAGE_GATE_ONLY = "outage_gate_only"
    ALREADY_SURVEYED = "already_surveyed"
    COOLDOWN = "cooldown"


@attrs.frozen(kw_only=True)
class SurveyDecision:
    """Send or not, with the reason; ``next_allowed_at`` is set for COOLDOWN."""

    reason: SurveyReason
    next_allowed_at: datetime | None = None

    @property
    def send(self) -> bool:
        """True only when the survey should be sent now."""
        return self.reason is SurveyReason.ELIGIBLE


def decide_survey(
    facts: ConversationFacts,
    history: Iterable[SentSurvey],
    *,
    policy: SurveyPolicy,
    now: datetime,
) -> SurveyDecision:
    """Decide whether to survey the customer about this conversation now.

    Rules, first match wins: not resolved (or reopened after its resolution) → NOT_RESOLVED;
    answered only by the outage gate → OUTAGE_GATE_ONLY; a survey already sent for this
    conversation → ALREADY_SURVEYED; a survey sent to this customer less than
    ``policy.cooldown`` ago → COOLDOWN; otherwise ELIGIBLE. *history* may hold other
    customers' surveys; they are ignored.
    """
    resolved = facts.resolved_at
    if resolved is None or (facts.reopened_at is not None and facts.reopened_at > resolved):
        return SurveyDecision(reason=SurveyReason.NOT_RESOLVED)
    if facts.answered_only_by_outage_gate:
        return SurveyDecision(reason=SurveyReason.OUTAGE_GATE_ONLY)
    latest: datetime | None = None
    for survey in history:
        if survey.conversation_id == facts.conversation_id:
            return SurveyDecision(reason=SurveyReason.ALREADY_SURVEYED)
        if survey.customer_id == facts.customer_id and (latest is None or survey.sent_at > latest):
            latest = survey.sent_at
    if latest is not None and now < latest + policy.cooldown:
        return SurveyDecision(
            reason=SurveyReason.COOLDOWN, next_allowed_at=latest + policy.cooldown
        )
    return SurveyDecision(reason=SurveyReason.ELIGIBLE)


class AnswerStatus(enum.StrEnum):
    """Whether an answer to a sent survey is accepted now."""

    OPEN = "open"
    ANSWERED = "answered"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


@attrs.frozen(kw_only=True)
class AnswerDecision:
    """The state of a sent survey; ``accepts_answer`` is True only while OPEN."""

    status: AnswerStatus
    expires_at: datetime

    @property
    def accepts_answer(self) -> bool:
        """True when an answer received now should be recorded."""
        return self.status is AnswerStatus.OPEN


def answer_status(
    survey: SentSurvey,
    facts: ConversationFacts,
    *,
    policy: SurveyPolicy,
    now: datetime,
) -> AnswerDecision:
    """The state of *survey* at *now*: answered, withdrawn, expired or open.

    Already answered → ANSWERED (a second answer is not recorded); the conversation reopened
    after the survey was sent → WITHDRAWN; ``now`` at or past ``sent_at + answer_window`` →
    EXPIRED; otherwise OPEN.
    """
    if survey.conversation_id != facts.conversation_id:
        raise ValidationError(
            "the survey and the facts are about different conversations", field="conversation_id"
        )
    expires_at = survey.sent_at + policy.answer_window
    if survey.answered_at is not None:
        status = AnswerStatus.ANSWERED
    elif facts.reopened_at is not None and facts.reopened_at >= survey.sent_at:
        status = AnswerStatus.WITHDRAWN
    elif now >= expires_at:
        status = AnswerStatus.EXPIRED
    else:
        status = AnswerStatus.OPEN
    return AnswerDecision(status=status, expires_at=expires_at)
