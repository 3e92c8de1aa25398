"""SQL NPS stores: `nps_surveys` and `satisfaction_feedback`, their row conversions, the
repositories (saves are one UPDATE conditional on the version)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, select, update

from lia_adapters.sql.base import ConnectionSource, Row
from lia_adapters.sql.bulk import any_of, insert_one
from lia_adapters.sql.errors import wrap_db_errors
from lia_adapters.sql.nps.tables import nps_surveys, satisfaction_feedback
from lia_core.domain.delivery import Channel
from lia_core.domain.feedback import Feedback, FollowUp, FollowUpStatus
from lia_core.domain.surveys import Survey, SurveyStatus
from lia_core.errors import ConcurrencyConflict, NotFound
from lia_core.ports.nps import FeedbackFilter

__all__ = [
    "SqlFeedbackRepository",
    "SqlSurveyRepository",
    "feedback_from_row",
    "feedback_values",
    "survey_from_row",
    "survey_values",
]

_s = nps_surveys.c
_f = satisfaction_feedback.c


def survey_values(survey: Survey) -> dict[str, object]:
    """The `nps_surveys` row of *survey*."""
    return {
        "id": survey.id,
        "subject": survey.subject,
        "conversation_id": survey.conversation_id,
        "customer": survey.customer,
        "channel": survey.channel.value,
        "chat_id": survey.chat_id,
        "client_name": survey.client_name,
        "ticket_id": survey.ticket_id,
        "agent": survey.agent,
        "assistant": survey.assistant,
        "department": survey.department,
        "sent_at": survey.sent_at,
        "expires_at": survey.expires_at,
        "status": survey.status.value,
        "asked_again": survey.asked_again,
        "closed_at": survey.closed_at,
        "version": survey.version,
    }


def survey_from_row(row: Row) -> Survey:
    """The survey an `nps_surveys` row holds."""
    return Survey(
        id=row["id"],
        subject=row["subject"],
        conversation_id=row["conversation_id"],
        customer=row["customer"],
        channel=Channel(row["channel"]),
        chat_id=row["chat_id"],
        client_name=row["client_name"],
        ticket_id=row["ticket_id"],
        agent=row["agent"],
        assistant=row["assistant"],
        department=row["department"],
        sent_at=row["sent_at"],
        expires_at=row["expires_at"],
        status=SurveyStatus(row["status"]),
        asked_again=bool(row["asked_again"]),
        closed_at=row["closed_at"],
        version=row["version"],
    )


def _follow_up_values(follow_up: FollowUp | None) -> dict[str, object]:
    if follow_up is None:
        return dict.fromkeys(
            (
                "handling_status",
                "handled_by",
                "taken_at",
                "handling_notes",
                "handling_score",
                "handled_at",
                "resolved_by",
            )
        )
    return {
        "handling_status": follow_up.status.value,
        "handled_by": follow_up.handler,
        "taken_at": follow_up.taken_at,
        "handling_notes": follow_up.notes,
        "handling_score": follow_up.score,
        "handled_at": follow_up.resolved_at,
        "resolved_by": follow_up.resolved_by,
    }


def feedback_values(feedback: Feedback) -> dict[str, object]:
    """The `satisfaction_feedback` row of *feedback*."""
    return {
        "id": feedback.id,
        "survey_id": feedback.survey_id,
        "conversation_id": feedback.conversation_id,
        "ticket_id": feedback.ticket_id,
        "customer": feedback.customer,
        "client_name": feedback.client_name,
        "score": feedback.score,
        "category": feedback.category.value,
        "comment": feedback.comment,
        "agent": feedback.agent,
        "assistant": feedback.assistant,
        "department": feedback.department,
        "created_at": feedback.created_at,
        **_follow_up_values(feedback.follow_up),
        "version": feedback.version,
    }


def feedback_from_row(row: Row) -> Feedback:
    """The answer a `satisfaction_feedback` row holds."""
    status = row["handling_status"]
    follow_up = (
        FollowUp(
            status=FollowUpStatus(status),
            handler=row["handled_by"],
            taken_at=row["taken_at"],
            notes=row["handling_notes"],
            score=row["handling_score"],
            resolved_at=row["handled_at"],
            resolved_by=row["resolved_by"],
        )
        if status is not None
        else None
    )
    return Feedback(
        id=row["id"],
        survey_id=row["survey_id"],
        conversation_id=row["conversation_id"],
        ticket_id=row["ticket_id"],
        customer=row["customer"],
        client_name=row["client_name"],
        score=row["score"],
        comment=row["comment"],
        agent=row["agent"],
        assistant=row["assistant"],
        department=row["department"],
        created_at=row["created_at"],
        follow_up=follow_up,
        version=row["version"],
    )


class SqlSurveyRepository:
    """Surveys in `nps_surveys`; the subject's unique index keeps one survey per matter."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def add(self, survey: Survey) -> Survey:
        """Insert *survey* at version 1. Raises AlreadyExists when its id or subject is taken."""
        values = {**survey_values(survey), "version": 1}
        with wrap_db_errors(entity="survey", entity_id=survey.subject):
            await insert_one(self._connection(), nps_surveys, values)
        return survey_from_row(values)

    async def get(self, survey_id: str) -> Survey:
        """One survey. Raises NotFound."""
        result = await self._connection().execute(select(nps_surveys).where(_s.id == survey_id))
        row = result.mappings().one_or_none()
        if row is None:
            raise NotFound(entity="survey", entity_id=survey_id)
        return survey_from_row(row)

    async def save(self, survey: Survey) -> Survey:
        """Update the row if it is still at ``survey.version``; NotFound or ConcurrencyConflict."""
        values = survey_values(survey)
        values["version"] = survey.version + 1
        result = await self._connection().execute(
            update(nps_surveys)
            .where(_s.id == survey.id, _s.version == survey.version)
            .values(values)
        )
        if result.rowcount == 0:
            await self.get(survey.id)  # NotFound when it is gone
            raise ConcurrencyConflict(entity="survey", entity_id=survey.id)
        return survey_from_row(values)

    async def _one(self, where: ColumnElement[bool]) -> Survey | None:
        statement = select(nps_surveys).where(where).order_by(_s.sent_at.desc(), _s.id.desc())
        result = await self._connection().execute(statement.limit(1))
        row = result.mappings().one_or_none()
        return survey_from_row(row) if row is not None else None

    async def for_subject(self, subject: str) -> Survey | None:
        """The survey of *subject*, or None."""
        return await self._one(_s.subject == subject)

    async def latest_for_customer(self, customer: str) -> Survey | None:
        """The customer's latest survey (index `ix_nps_surveys_customer_sent_at`)."""
        return await self._one(_s.customer == customer)

    async def open_for(
        self, conversation_ids: Collection[str], *, now: datetime
    ) -> Mapping[str, Survey]:
        """Per conversation, its latest survey open at *now* (partial index `ix_nps_surveys_open`)."""
        if not conversation_ids:
            return {}
        conn = self._connection()
        statement = (
            select(nps_surveys)
            .where(
                any_of(conn, _s.conversation_id, "conversation_ids"),
                _s.status == SurveyStatus.OPEN.value,
                _s.expires_at > now,
            )
            .order_by(_s.sent_at, _s.id)
        )
        result = await conn.execute(statement, {"conversation_ids": sorted(conversation_ids)})
        return {row["conversation_id"]: survey_from_row(row) for row in result.mappings()}


class SqlFeedbackRepository:
    """Answers in `satisfaction_feedback`; one per survey (unique index)."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def add(self, feedback: Feedback) -> Feedback:
        """Insert *feedback* at version 1. AlreadyExists when its id or its survey has one."""
        values = {**feedback_values(feedback), "version": 1}
        with wrap_db_errors(entity="feedback", entity_id=feedback.id):
            await insert_one(self._connection(), satisfaction_feedback, values)
        return feedback_from_row(values)

    async def get(self, feedback_id: str) -> Feedback:
        """One answer. Raises NotFound."""
        result = await self._connection().execute(
            select(satisfaction_feedback).where(_f.id == feedback_id)
        )
        row = result.mappings().one_or_none()
        if row is None:
            raise NotFound(entity="feedback", entity_id=feedback_id)
        return feedback_from_row(row)

    async def save(self, feedback: Feedback) -> Feedback:
        """Update the follow-up columns if the row is still at ``feedback.version``."""
        values = {**_follow_up_values(feedback.follow_up), "version": feedback.version + 1}
        result = await self._connection().execute(
            update(satisfaction_feedback)
            .where(_f.id == feedback.id, _f.version == feedback.version)
            .values(values)
        )
        if result.rowcount == 0:
            await self.get(feedback.id)  # NotFound when it is gone
            raise ConcurrencyConflict(entity="feedback", entity_id=feedback.id)
        return await self.get(feedback.id)

    async def list(self, query: FeedbackFilter) -> Sequence[Feedback]:
        """Matching answers, newest first (ties: id, descending)."""
        conditions: list[ColumnElement[bool]] = []
        if query.category is not None:
            conditions.append(_f.category == query.category.value)
        if query.agent is not None:
            conditions.append(_f.agent == query.agent)
        if query.since is not None:
            conditions.append(_f.created_at >= query.since)
        if query.follow_ups:
            conditions.append(_f.handling_status.is_not(None))
        if query.follow_up is not None:
            conditions.append(_f.handling_status == query.follow_up.value)
        statement = (
            select(satisfaction_feedback)
            .where(and_(True, *conditions))
            .order_by(_f.created_at.desc(), _f.id.desc())
            .limit(query.limit)
        )
        result = await self._connection().execute(statement)
        return [feedback_from_row(row) for row in result.mappings()]

    async def latest_for_customer(self, customer: str) -> Feedback | None:
        """The customer's latest answer (index `ix_satisfaction_feedback_customer_created_at`)."""
        statement = (
            select(satisfaction_feedback)
            .where(_f.customer == customer)
            .order_by(_f.created_at.desc(), _f.id.desc())
            .limit(1)
        )
        row = (await self._connection().execute(statement)).mappings().one_or_none()
        return feedback_from_row(row) if row is not None else None
