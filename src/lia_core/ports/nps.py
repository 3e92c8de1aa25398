"""The NPS stores: surveys sent (uow.surveys) and the answers with their follow-ups (uow.feedback)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

import attrs

from lia_core.domain.feedback import Feedback, FollowUpStatus
from lia_core.domain.surveys import Survey
from lia_core.nps.categories import NpsCategory

__all__ = ["FeedbackFilter", "FeedbackRepository", "SurveyRepository"]


class SurveyRepository(Protocol):
    """Surveys sent, one per resolved matter (``subject`` is unique); saves are version-checked."""

    async def add(self, survey: Survey) -> Survey:
        """Store a new survey (version 1, returned). Raises AlreadyExists when its id or its
        subject is taken (the matter was surveyed already)."""
        ...

    async def get(self, survey_id: str) -> Survey:
        """One survey. Raises NotFound."""
        ...

    async def save(self, survey: Survey) -> Survey:
        """Store *survey*'s new state (read at ``survey.version``); the saved one (version + 1).

        Raises NotFound if it is not stored, ConcurrencyConflict if the stored version is not
        ``survey.version`` (someone saved it since it was read).
        """
        ...

    async def for_subject(self, subject: str) -> Survey | None:
        """The survey of a resolved matter (``ticket:<id>``, …), None when it got none."""
        ...

    async def latest_for_customer(self, customer: str) -> Survey | None:
        """The customer's most recently sent survey (the cooldown counts from it)."""
        ...

    async def open_for(
        self, conversation_ids: Collection[str], *, now: datetime
    ) -> Mapping[str, Survey]:
        """Per conversation, its latest survey still open at *now* (status open, not expired)."""
        ...


@attrs.frozen(kw_only=True)
class FeedbackFilter:
    """Which answers to list: every given condition holds (None: not checked)."""

    category: NpsCategory | None = None
    agent: str | None = None
    since: datetime | None = None
    """Answered at or after."""
    follow_up: FollowUpStatus | None = None
    """Only detractors' answers whose follow-up is in this status."""
    follow_ups: bool = False
    """Only answers with a follow-up (detractors')."""
    limit: int = 100


class FeedbackRepository(Protocol):
    """Survey answers (`satisfaction_feedback`); only a follow-up moves, version-checked."""

    async def add(self, feedback: Feedback) -> Feedback:
        """Store a new answer (version 1, returned). Raises AlreadyExists when its id or its
        survey already has one (a survey is answered once)."""
        ...

    async def get(self, feedback_id: str) -> Feedback:
        """One answer. Raises NotFound."""
        ...

    async def save(self, feedback: Feedback) -> Feedback:
        """Store the answer's follow-up as *feedback* has it (read at ``feedback.version``);
        the saved answer (version + 1). NotFound, or ConcurrencyConflict if it moved since."""
        ...

    async def list(self, query: FeedbackFilter) -> Sequence[Feedback]:
        """At most ``query.limit`` matching answers, newest first (ties: id)."""
        ...

    async def latest_for_customer(self, customer: str) -> Feedback | None:
        """The customer's most recent answer (what the escalation rules' ``nps_detractor`` reads)."""
        ...
