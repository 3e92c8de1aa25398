"""The NPS survey sent after a resolution, and its lifecycle.

            answer
open ─────────────────▶ answered
  │  ──withdraw (reopened)──▶ withdrawn
  │  ··time up (expires_at)·▶ expired
  └─ ask_again: stays open (once: an ambiguous answer is asked about one more time)

One survey per resolved matter: its ``subject`` (``ticket:<id>``, or
``conversation:<id>@<resolved at>`` for a conversation closed without a ticket) is unique. An
open survey past ``expires_at`` counts as expired (`Survey.status_at`) whether or not the
status was stored: nothing happens at expiry, so no timer has to visit it, and a late answer
finds it expired.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime

import attrs

from lia_core.domain.delivery import Channel
from lia_core.errors import InvalidTransition
from lia_core.nps.eligibility import SentSurvey
from lia_core.validation import aware, aware_or_none

__all__ = ["SURVEY_TRANSITIONS", "Survey", "SurveyAction", "SurveyStatus"]


class SurveyStatus(enum.StrEnum):
    """Where a sent survey is."""

    OPEN = "open"
    ANSWERED = "answered"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class SurveyAction(enum.StrEnum):
    """What can happen to a sent survey."""

    ANSWER = "answer"
    ASK_AGAIN = "ask_again"
    WITHDRAW = "withdraw"


_OPEN = frozenset({SurveyStatus.OPEN})
SURVEY_TRANSITIONS: Mapping[SurveyAction, tuple[frozenset[SurveyStatus], SurveyStatus]] = {
    SurveyAction.ANSWER: (_OPEN, SurveyStatus.ANSWERED),
    SurveyAction.ASK_AGAIN: (_OPEN, SurveyStatus.OPEN),
    SurveyAction.WITHDRAW: (_OPEN, SurveyStatus.WITHDRAWN),
}
"""The state machine as data: action → (statuses it is allowed from, status it leads to);
an open survey past its expiry is EXPIRED for every action."""


@attrs.frozen(kw_only=True)
class Survey:
    """A survey sent to a customer about one resolved matter, and who and what it rates."""

    id: str
    subject: str
    """The resolved matter: ``ticket:<id>`` or ``conversation:<id>@<resolved at>`` (unique)."""
    conversation_id: str
    customer: str
    """The contact's key as stored (the phone's digits, or a provider identity)."""
    channel: Channel
    chat_id: str
    client_name: str = ""
    ticket_id: str | None = None
    agent: str | None = None
    """Who held the conversation when it was resolved (None: the bot alone)."""
    assistant: str | None = None
    """The virtual assistant (the bot's intent) that handled it, when the bot did."""
    department: str | None = None
    sent_at: datetime = attrs.field(validator=aware)
    expires_at: datetime = attrs.field(validator=aware)
    status: SurveyStatus = SurveyStatus.OPEN
    asked_again: bool = False
    """An answer could not be read and the survey was asked once more."""
    closed_at: datetime | None = attrs.field(default=None, validator=aware_or_none)
    """When it was answered or withdrawn."""
    version: int = 0
    """Optimistic-concurrency version: 0 until first saved, then bumped by every save."""

    def status_at(self, now: datetime) -> SurveyStatus:
        """The status at *now*: an open survey past its expiry is expired."""
        if self.status is SurveyStatus.OPEN and now >= self.expires_at:
            return SurveyStatus.EXPIRED
        return self.status

    def accepts_answer(self, now: datetime) -> bool:
        """True while open and not expired."""
        return self.status_at(now) is SurveyStatus.OPEN

    def sent(self) -> SentSurvey:
        """This survey as the eligibility rules see it (`lia_core.nps.decide_survey`)."""
        answered = self.closed_at if self.status is SurveyStatus.ANSWERED else None
        return SentSurvey(
            conversation_id=self.subject,
            customer_id=self.customer,
            sent_at=self.sent_at,
            answered_at=answered,
        )

    def _to(self, action: SurveyAction, *, at: datetime) -> SurveyStatus:
        """The status *action* leads to at *at*; InvalidTransition when it is not allowed."""
        allowed, to = SURVEY_TRANSITIONS[action]
        current = self.status_at(at)
        if current not in allowed:
            raise InvalidTransition(
                entity="survey", entity_id=self.id, action=action.value, status=current.value
            )
        return to

    def answer(self, *, at: datetime) -> Survey:
        """The survey answered at *at*."""
        return attrs.evolve(self, status=self._to(SurveyAction.ANSWER, at=at), closed_at=at)

    def ask_again(self, *, at: datetime) -> Survey:
        """The survey asked once more (still open)."""
        return attrs.evolve(self, status=self._to(SurveyAction.ASK_AGAIN, at=at), asked_again=True)

    def withdraw(self, *, at: datetime) -> Survey:
        """The survey withdrawn: its matter was reopened."""
        return attrs.evolve(self, status=self._to(SurveyAction.WITHDRAW, at=at), closed_at=at)
