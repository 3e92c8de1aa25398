"""In-memory NPS stores: surveys and answers, staged per unit of work, versions and unique keys
re-checked at commit (like SQL)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

import attrs

from lia_adapters.memory._tables import Staging
from lia_core.domain.feedback import Feedback
from lia_core.domain.surveys import Survey
from lia_core.errors import AlreadyExists, ConcurrencyConflict, NotFound
from lia_core.ports.nps import FeedbackFilter

__all__ = ["InMemoryFeedbackRepository", "InMemorySurveyRepository", "feedback_matches"]


def feedback_matches(feedback: Feedback, query: FeedbackFilter) -> bool:
    """Whether *feedback* passes *query* (the filter as a predicate)."""
    follow_up = feedback.follow_up
    return (
        (query.category is None or feedback.category is query.category)
        and (query.agent is None or feedback.agent == query.agent)
        and (query.since is None or feedback.created_at >= query.since)
        and (not query.follow_ups or follow_up is not None)
        and (
            query.follow_up is None
            or (follow_up is not None and follow_up.status is query.follow_up)
        )
    )


class InMemorySurveyRepository:
    """Surveys in an `InMemoryStore`; a subject taken or a version moved at commit is refused."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    def _view(self) -> dict[str, Survey]:
        return {**self._uow.store.nps_tables.surveys, **self._uow.staged.nps_tables.surveys}

    async def add(self, survey: Survey) -> Survey:
        """Stage a new survey (version 1). AlreadyExists when its id or subject is taken."""
        view = self._view()
        if survey.id in view or any(s.subject == survey.subject for s in view.values()):
            raise AlreadyExists(entity="survey", entity_id=survey.subject)
        stored = attrs.evolve(survey, version=1)
        staged = self._uow.staged.nps_tables
        staged.surveys[survey.id] = stored
        staged.survey_reads[survey.id] = 0
        return stored

    async def get(self, survey_id: str) -> Survey:
        """One survey. Raises NotFound."""
        try:
            return self._view()[survey_id]
        except KeyError:
            raise NotFound(entity="survey", entity_id=survey_id) from None

    async def save(self, survey: Survey) -> Survey:
        """Stage *survey* at version + 1. NotFound, or ConcurrencyConflict if it moved."""
        stored = await self.get(survey.id)
        if stored.version != survey.version:
            raise ConcurrencyConflict(entity="survey", entity_id=survey.id)
        saved = attrs.evolve(survey, version=survey.version + 1)
        staged = self._uow.staged.nps_tables
        staged.survey_reads.setdefault(survey.id, survey.version)
        staged.surveys[survey.id] = saved
        return saved

    async def for_subject(self, subject: str) -> Survey | None:
        """The survey of *subject*, or None."""
        return next((s for s in self._view().values() if s.subject == subject), None)

    async def latest_for_customer(self, customer: str) -> Survey | None:
        """The customer's latest survey by sending time (ties: id)."""
        mine = [s for s in self._view().values() if s.customer == customer]
        return max(mine, key=lambda s: (s.sent_at, s.id), default=None)

    async def open_for(
        self, conversation_ids: Collection[str], *, now: datetime
    ) -> Mapping[str, Survey]:
        """Per conversation, its latest survey open at *now*."""
        wanted = set(conversation_ids)
        found: dict[str, Survey] = {}
        for survey in sorted(self._view().values(), key=lambda s: (s.sent_at, s.id)):
            if survey.conversation_id in wanted and survey.accepts_answer(now):
                found[survey.conversation_id] = survey
        return found


class InMemoryFeedbackRepository:
    """Answers in an `InMemoryStore`; a survey answered twice or a version moved is refused."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    def _view(self) -> dict[str, Feedback]:
        return {**self._uow.store.nps_tables.feedback, **self._uow.staged.nps_tables.feedback}

    async def add(self, feedback: Feedback) -> Feedback:
        """Stage a new answer (version 1). AlreadyExists when its id or survey has one."""
        view = self._view()
        if feedback.id in view or any(f.survey_id == feedback.survey_id for f in view.values()):
            raise AlreadyExists(entity="feedback", entity_id=feedback.id)
        stored = attrs.evolve(feedback, version=1)
        staged = self._uow.staged.nps_tables
        staged.feedback[feedback.id] = stored
        staged.feedback_reads[feedback.id] = 0
        return stored

    async def get(self, feedback_id: str) -> Feedback:
        """One answer. Raises NotFound."""
        try:
            return self._view()[feedback_id]
        except KeyError:
            raise NotFound(entity="feedback", entity_id=feedback_id) from None

    async def save(self, feedback: Feedback) -> Feedback:
        """Stage the follow-up at version + 1. NotFound, or ConcurrencyConflict if it moved."""
        stored = await self.get(feedback.id)
        if stored.version != feedback.version:
            raise ConcurrencyConflict(entity="feedback", entity_id=feedback.id)
        saved = attrs.evolve(stored, follow_up=feedback.follow_up, version=stored.version + 1)
        staged = self._uow.staged.nps_tables
        staged.feedback_reads.setdefault(feedback.id, feedback.version)
        staged.feedback[feedback.id] = saved
        return saved

    async def list(self, query: FeedbackFilter) -> Sequence[Feedback]:
        """Matching answers, newest first (ties: id, descending)."""
        rows = [f for f in self._view().values() if feedback_matches(f, query)]
        rows.sort(key=lambda f: (f.created_at, f.id), reverse=True)
        return rows[: query.limit]

    async def latest_for_customer(self, customer: str) -> Feedback | None:
        """The customer's latest answer."""
        mine = [f for f in self._view().values() if f.customer == customer]
        return max(mine, key=lambda f: (f.created_at, f.id), default=None)
