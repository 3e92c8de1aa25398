"""NPS answers as staff read them, and the follow-up of detractors: `lia nps …`, `/api/v1/nps`.

Supervisors and admins read every answer; an agent reads the answers about themselves.
Follow-ups are taken and resolved by supervisors and admins, each move audited
(`feedback.follow_up.take`, `feedback.follow_up.resolve`) in the move's transaction.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import tzinfo
from typing import TypeVar

import attrs

from lia_core.domain.activity import Actor
from lia_core.domain.feedback import Feedback, FollowUpStatus
from lia_core.domain.users import Role, User, validate_username
from lia_core.errors import ConcurrencyConflict, NotPermitted, ValidationError
from lia_core.nps import NpsCategory
from lia_core.ports import Clock, FeedbackFilter, IdGenerator, UnitOfWorkFactory
from lia_core.services.activity import parse_since, record

__all__ = [
    "DEFAULT_FEEDBACK_LIMIT",
    "MAX_FEEDBACK_LIMIT",
    "ListFeedback",
    "ListFollowUps",
    "Nps",
    "parse_category",
    "parse_follow_up_status",
]

DEFAULT_FEEDBACK_LIMIT = 100
MAX_FEEDBACK_LIMIT = 1000
"""The most answers one listing returns."""
_MANAGERS = frozenset({Role.ADMIN, Role.SUPERVISOR})
E = TypeVar("E", bound=enum.StrEnum)


def _blank_or(raw: str | None, kind: type[E], what: str, field: str) -> E | None:
    """*raw* as a member of *kind* (any case, trimmed), None when blank; else names *field*."""
    if raw is None or not raw.strip():
        return None
    try:
        return kind(raw.strip().lower())
    except ValueError:
        names = ", ".join(str(member.value) for member in kind)
        raise ValidationError(f"unknown {what} {raw!r}; use one of {names}", field=field) from None


def parse_category(raw: str | None) -> NpsCategory | None:
    """``promoter``, ``passive`` or ``detractor`` (blank: any); else names the field *category*."""
    return _blank_or(raw, NpsCategory, "NPS category", "category")


def parse_follow_up_status(raw: str | None) -> FollowUpStatus | None:
    """``pending``, ``in_progress`` or ``resolved`` (blank: any); else names the field *status*."""
    return _blank_or(raw, FollowUpStatus, "follow-up status", "status")


def _check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_FEEDBACK_LIMIT:
        raise ValidationError(
            f"limit must be between 1 and {MAX_FEEDBACK_LIMIT}, not {limit}", field="limit"
        )
    return limit


@attrs.frozen(kw_only=True)
class ListFeedback:
    """Which answers to list, as typed by a person (blank or absent: any)."""

    category: str | None = None
    """``promoter``, ``passive`` or ``detractor``."""
    agent: str | None = None
    """The agent the answer rates (who held the conversation when it was resolved)."""
    since: str | None = None
    """``30m``, ``2h``, ``7d``, ``2w`` ago, or an ISO 8601 date or date-time."""
    limit: int = DEFAULT_FEEDBACK_LIMIT


@attrs.frozen(kw_only=True)
class ListFollowUps:
    """Which detractors' follow-ups to list (blank status: every one)."""

    status: str | None = None
    """``pending``, ``in_progress`` or ``resolved``."""
    limit: int = DEFAULT_FEEDBACK_LIMIT


def _manager(user: User, feedback_id: str) -> None:
    if user.role not in _MANAGERS or not user.is_active:
        raise NotPermitted(
            f"{user.username} may not follow up detractors (SUPERVISOR or ADMIN only)",
            entity="feedback",
            entity_id=feedback_id,
        )


@attrs.frozen
class Nps:
    """Answers and follow-ups (`services.nps`): list, show, take, resolve."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    tz: tzinfo

    def filter_of(self, query: ListFeedback, *, viewer: User | None = None) -> FeedbackFilter:
        """The checked filter of *query* (an agent's scoped to themselves). ValidationError
        names the field."""
        since = (query.since or "").strip()
        typed = (query.agent or "").strip()
        agent = validate_username(typed) if typed else None
        if viewer is not None and viewer.role not in _MANAGERS:
            if agent is not None and agent != viewer.username:
                raise NotPermitted(
                    f"{viewer.username} may read only the answers about themselves",
                    entity="feedback",
                    entity_id=agent,
                )
            agent = viewer.username
        return FeedbackFilter(
            category=parse_category(query.category),
            agent=agent,
            since=parse_since(since, now=self.clock.now(), tz=self.tz) if since else None,
            limit=_check_limit(query.limit),
        )

    async def list(self, query: ListFeedback, *, viewer: User | None = None) -> Sequence[Feedback]:
        """At most ``query.limit`` matching answers, newest first."""
        where = self.filter_of(query, viewer=viewer)
        async with self.uow() as uow:
            return await uow.feedback.list(where)

    async def show(self, feedback_id: str, *, viewer: User | None = None) -> Feedback:
        """One answer. Raises NotFound; NotPermitted for an agent's look at another's."""
        async with self.uow() as uow:
            feedback = await uow.feedback.get(feedback_id)
        if (
            viewer is not None
            and viewer.role not in _MANAGERS
            and feedback.agent != viewer.username
        ):
            raise NotPermitted(
                f"{viewer.username} may read only the answers about themselves",
                entity="feedback",
                entity_id=feedback_id,
            )
        return feedback

    async def follow_ups(self, query: ListFollowUps) -> Sequence[Feedback]:
        """Detractors' answers with their follow-ups, newest first (a status: only those)."""
        where = FeedbackFilter(
            follow_ups=True,
            follow_up=parse_follow_up_status(query.status),
            limit=_check_limit(query.limit),
        )
        async with self.uow() as uow:
            return await uow.feedback.list(where)

    async def take(
        self,
        feedback_id: str,
        *,
        by: User,
        actor: Actor,
        notes: str | None = None,
        expected_version: int | None = None,
    ) -> Feedback:
        """*by* takes the detractor's follow-up (pending → in_progress). Raises NotFound,
        NotPermitted (not a manager), InvalidTransition (not pending: 409 with the reason),
        ConcurrencyConflict (*expected_version* is not the stored one)."""
        _manager(by, feedback_id)
        now = self.clock.now()
        async with self.uow() as uow:
            feedback = await uow.feedback.get(feedback_id)
            if expected_version is not None and expected_version != feedback.version:
                raise ConcurrencyConflict(entity="feedback", entity_id=feedback_id)
            saved = await uow.feedback.save(feedback.take(by=by.username, at=now, notes=notes))
            await record(
                uow,
                self.ids,
                actor,
                at=now,
                action="feedback.follow_up.take",
                entity="feedback",
                entity_id=feedback_id,
                from_state=FollowUpStatus.PENDING.value,
                to_state=FollowUpStatus.IN_PROGRESS.value,
                reason=notes.strip() if notes and notes.strip() else None,
                details={"handler": by.username, "score": str(feedback.score)},
            )
            await uow.commit()
        return saved

    async def resolve(
        self,
        feedback_id: str,
        *,
        by: User,
        actor: Actor,
        notes: str,
        score: int,
        expected_version: int | None = None,
    ) -> Feedback:
        """*by* resolves the follow-up with *notes* and a handling *score* 1-5 (in_progress →
        resolved). Raises NotFound, NotPermitted, ValidationError (notes, score),
        InvalidTransition (not in progress), ConcurrencyConflict."""
        _manager(by, feedback_id)
        now = self.clock.now()
        async with self.uow() as uow:
            feedback = await uow.feedback.get(feedback_id)
            if expected_version is not None and expected_version != feedback.version:
                raise ConcurrencyConflict(entity="feedback", entity_id=feedback_id)
            resolved = feedback.resolve(by=by.username, at=now, notes=notes, score=score)
            saved = await uow.feedback.save(resolved)
            await record(
                uow,
                self.ids,
                actor,
                at=now,
                action="feedback.follow_up.resolve",
                entity="feedback",
                entity_id=feedback_id,
                from_state=FollowUpStatus.IN_PROGRESS.value,
                to_state=FollowUpStatus.RESOLVED.value,
                reason=notes.strip(),
                details={"handling_score": str(score)},
            )
            await uow.commit()
        return saved
