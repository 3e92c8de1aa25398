"""NPS in the live flow: the survey after a resolution, and the customer's reply to it.

`Surveys` works inside the unit of work of the change that caused it, so the survey, its
outbox job and its outbound message commit with the resolution (or not at all):

- a ticket resolved (`Desk.act`) or a conversation the bot closed (the customer's "3", the
  inactivity timer) → `decide_survey` (`lia_core.nps`) decides; an eligible customer gets
  the question through the outbox (an approved WhatsApp template after the 24-hour window,
  when one is configured; otherwise nothing is sent then);
- a ticket reopened → its open survey is withdrawn;
- the gate's batch hands each message of a conversation with an open survey to
  `survey_turn` first: a reply that answers is recorded (`Feedback`, a detractor's with its
  follow-up), one that tried and failed is asked about once more, anything else goes on to
  the normal flow with the survey left open.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import attrs

from lia_core.domain.activity import Actor
from lia_core.domain.conversations import Conversation, Direction, StoredMessage
from lia_core.domain.delivery import Channel, JobContext, JobName, MessageContent, OutboundJob
from lia_core.domain.feedback import Feedback
from lia_core.domain.inbound import MessageKind, MessageStatus
from lia_core.domain.jobs import new_job
from lia_core.domain.recipients import parse_recipient
from lia_core.domain.service_window import WHATSAPP_WINDOW, WindowClosed, service_window
from lia_core.domain.surveys import Survey
from lia_core.domain.tickets import EventKind, Ticket, TicketStatus
from lia_core.errors import AlreadyExists, NotFound
from lia_core.handoff.session import BotSession, department_of
from lia_core.nps import (
    ConversationFacts,
    NpsCategory,
    ParsedScore,
    SurveyDecision,
    SurveyPolicy,
    SurveyReason,
    decide_survey,
    parse_answer,
)
from lia_core.ports import IdGenerator, UnitOfWork
from lia_core.services.activity import record

__all__ = [
    "DEFAULT_ASK_AGAIN",
    "DEFAULT_DETRACTOR_THANKS",
    "DEFAULT_QUESTION",
    "DEFAULT_THANKS",
    "AnswerRecorded",
    "AskedAgain",
    "NotAnAnswer",
    "NpsPolicy",
    "SurveyOutcome",
    "SurveyTurn",
    "Surveys",
    "survey_turn",
]

DEFAULT_QUESTION = (
    "De 0 a 10, quanto você recomendaria o nosso atendimento a um amigo ou familiar? "
    "Responda com um número de 0 a 10 (e, se quiser, conte o porquê)."
)
DEFAULT_ASK_AGAIN = "Não entendi sua nota. Responda só com um número de 0 a 10, por favor."
DEFAULT_THANKS = "Obrigado pela sua avaliação!"
DEFAULT_DETRACTOR_THANKS = (
    "Obrigado pela sua avaliação. Sentimos muito pela experiência: "
    "nossa equipe vai analisar e entrar em contato."
)
SURVEY_SOURCE = "nps-survey"
"""The outbox job source of a survey (its replies are the gate's, source ``inbound-nps``)."""


@attrs.frozen(kw_only=True)
class NpsPolicy:
    """The survey's texts, timing and rules (`SurveyPolicy`: cooldown, answer window)."""

    enabled: bool = True
    rules: SurveyPolicy = attrs.field(factory=SurveyPolicy)
    question: str = DEFAULT_QUESTION
    ask_again: str = DEFAULT_ASK_AGAIN
    thanks: str = DEFAULT_THANKS
    detractor_thanks: str = DEFAULT_DETRACTOR_THANKS
    whatsapp_template: str | None = None
    """An approved WhatsApp template asking the same (no parameters), sent after the 24-hour
    window; None: outside the window no survey is sent."""
    whatsapp_language: str = "pt_BR"
    delay: timedelta = timedelta(seconds=5)
    """How long after the resolution the survey leaves (the goodbye or last reply goes first)."""


@attrs.frozen(kw_only=True)
class SurveyOutcome:
    """What a resolution led to: the eligibility's decision, and the survey sent (if any)."""

    decision: SurveyDecision | None
    """None when nothing was decided (surveys off, no conversation to ask)."""
    survey: Survey | None = None
    skipped: str | None = None
    """Why an eligible customer got nothing ("outside the WhatsApp window, no template")."""


@attrs.frozen(kw_only=True)
class AnswerRecorded:
    """The reply answered the survey: the answer to store and the survey answered."""

    feedback: Feedback
    survey: Survey
    reply: str


@attrs.frozen(kw_only=True)
class AskedAgain:
    """The reply tried to answer but could not be read: ask once more."""

    survey: Survey
    reply: str


@attrs.frozen(kw_only=True)
class NotAnAnswer:
    """The reply is about something else: the normal flow takes it, the survey stays open."""


SurveyTurn = AnswerRecorded | AskedAgain | NotAnAnswer


def survey_turn(
    survey: Survey,
    text: str,
    *,
    feedback_id: str,
    policy: NpsPolicy,
    now: datetime,
) -> SurveyTurn:
    """What the survey does with the customer's *text* at *now* (pure).

    An answer (`parse_answer`) is recorded with its comment; a reply that tried (two
    numbers, a decimal, out of range) is asked about once more, then left to the normal flow;
    anything else is not an answer.
    """
    if not survey.accepts_answer(now):
        return NotAnAnswer()
    parsed = parse_answer(text)
    if isinstance(parsed, ParsedScore):
        feedback = Feedback.record(
            id=feedback_id,
            survey_id=survey.id,
            conversation_id=survey.conversation_id,
            ticket_id=survey.ticket_id,
            customer=survey.customer,
            client_name=survey.client_name,
            score=parsed.score,
            comment=parsed.comment,
            agent=survey.agent,
            assistant=survey.assistant,
            department=survey.department,
            at=now,
        )
        detractor = feedback.category is NpsCategory.DETRACTOR
        return AnswerRecorded(
            feedback=feedback,
            survey=survey.answer(at=now),
            reply=policy.detractor_thanks if detractor else policy.thanks,
        )
    if parsed.asks_again and not survey.asked_again:
        return AskedAgain(survey=survey.ask_again(at=now), reply=policy.ask_again)
    return NotAnAnswer()


def _human_replied(ticket: Ticket) -> bool:
    return any(e.kind is EventKind.HUMAN_PUBLIC_REPLY for e in ticket.timeline.events)


def _assistant(session: BotSession | None) -> str | None:
    intent = session.state.intent if session is not None else None
    return intent.value if intent is not None else None


@attrs.frozen
class Surveys:
    """Sends surveys after resolutions, withdraws them on reopening (in the caller's unit of work)."""

    ids: IdGenerator
    policy: NpsPolicy = attrs.field(factory=NpsPolicy)
    reply_channels: dict[Channel, Channel] = attrs.field(factory=dict)
    """Where messages to a channel go (a channel without a configured sender → sandbox)."""
    window: timedelta = WHATSAPP_WINDOW

    async def ticket_moved(
        self, uow: UnitOfWork, before: Ticket, after: Ticket, actor: Actor, *, now: datetime
    ) -> SurveyOutcome | None:
        """A ticket's status changed: resolved → maybe a survey; reopened → withdraw it."""
        if after.conversation_id is None or not self.policy.enabled:
            return None
        if after.status is TicketStatus.RESOLVED and before.status.is_live:
            return await self.ticket_resolved(uow, after, actor, now=now)
        if after.status.is_live and before.status.is_final:
            await self.withdraw(uow, f"ticket:{after.id}", actor, now=now)
        return None

    async def ticket_resolved(
        self, uow: UnitOfWork, ticket: Ticket, actor: Actor, *, now: datetime
    ) -> SurveyOutcome:
        """Survey the customer of *ticket*'s conversation, if the rules allow it now."""
        assert ticket.conversation_id is not None
        try:
            conversation = await uow.conversations.get(ticket.conversation_id)
        except NotFound:
            return SurveyOutcome(decision=None)
        sessions = await uow.bot_sessions.get_many([conversation.id])
        gate_only = (
            conversation.answered_by_outage or ticket.failure_id is not None
        ) and not _human_replied(ticket)
        survey = self._survey(
            conversation,
            subject=f"ticket:{ticket.id}",
            ticket_id=ticket.id,
            agent=ticket.assignee,
            assistant=_assistant(sessions.get(conversation.id)),
            department=ticket.department,
            now=now,
        )
        return await self._send(uow, survey, conversation, actor, gate_only=gate_only, now=now)

    async def conversations_closed(
        self,
        uow: UnitOfWork,
        closed: Sequence[tuple[Conversation, BotSession | None]],
        actor: Actor,
        *,
        now: datetime,
    ) -> list[SurveyOutcome]:
        """The bot closed these conversations (no ticket): survey each customer if allowed.

        A conversation the outage gate answered is not surveyed: the bot closed what the
        outage notice had said (people never handled it).
        """
        if not self.policy.enabled:
            return []
        outcomes = []
        for conversation, session in closed:
            assistant = _assistant(session)
            survey = self._survey(
                conversation,
                subject=f"conversation:{conversation.id}@{now.isoformat()}",
                ticket_id=None,
                agent=None,
                assistant=assistant,
                department=department_of(session.state.intent) if session else None,
                now=now,
            )
            gate_only = conversation.answered_by_outage
            outcomes.append(
                await self._send(uow, survey, conversation, actor, gate_only=gate_only, now=now)
            )
        return outcomes

    async def withdraw(self, uow: UnitOfWork, subject: str, actor: Actor, *, now: datetime) -> None:
        """Withdraw the open survey of *subject* (its matter was reopened); audited."""
        survey = await uow.surveys.for_subject(subject)
        if survey is None or not survey.accepts_answer(now):
            return
        await uow.surveys.save(survey.withdraw(at=now))
        await record(
            uow,
            self.ids,
            actor,
            at=now,
            action="survey.withdraw",
            entity="survey",
            entity_id=survey.id,
            from_state=survey.status.value,
            to_state="withdrawn",
            reason="reopened",
            details={"subject": subject, "conversation_id": survey.conversation_id},
        )

    def _survey(
        self,
        conversation: Conversation,
        *,
        subject: str,
        ticket_id: str | None,
        agent: str | None,
        assistant: str | None,
        department: str | None,
        now: datetime,
    ) -> Survey:
        return Survey(
            id=self.ids.new_id(),
            subject=subject,
            conversation_id=conversation.id,
            customer=conversation.contact_phone,
            channel=conversation.channel,
            chat_id=conversation.chat_id,
            client_name=conversation.client_name,
            ticket_id=ticket_id,
            agent=agent,
            assistant=assistant,
            department=department,
            sent_at=now,
            expires_at=now + self.policy.rules.answer_window,
        )

    async def _send(
        self,
        uow: UnitOfWork,
        survey: Survey,
        conversation: Conversation,
        actor: Actor,
        *,
        gate_only: bool,
        now: datetime,
    ) -> SurveyOutcome:
        """Decide, then write the survey, its job and its message in *uow*; audited."""
        facts = ConversationFacts(
            conversation_id=survey.subject,
            customer_id=survey.customer,
            resolved_at=now,
            answered_only_by_outage_gate=gate_only,
        )
        history = [
            s.sent()
            for s in (
                await uow.surveys.for_subject(survey.subject),
                await uow.surveys.latest_for_customer(survey.customer),
            )
            if s is not None
        ]
        decision = decide_survey(facts, history, policy=self.policy.rules, now=now)
        if decision.reason is not SurveyReason.ELIGIBLE:
            return SurveyOutcome(decision=decision)
        content = await self._content(uow, conversation, now=now)
        if content is None:
            why = "outside WhatsApp's 24-hour window and no LIA_NPS__WHATSAPP_TEMPLATE"
            return SurveyOutcome(decision=decision, skipped=why)
        try:
            stored = await uow.surveys.add(survey)
        except AlreadyExists:  # surveyed meanwhile by another transaction
            return SurveyOutcome(decision=SurveyDecision(reason=SurveyReason.ALREADY_SURVEYED))
        job, message = self._job(stored, conversation, content, now=now)
        await uow.outbox.add_many([job])
        await uow.messages.add_outbound([message])
        await record(
            uow,
            self.ids,
            actor,
            at=now,
            action="survey.send",
            entity="survey",
            entity_id=stored.id,
            to_state=stored.status.value,
            details={
                "subject": stored.subject,
                "conversation_id": stored.conversation_id,
                "job_id": job.id,
                **({"template": content.template} if content.template else {}),
            },
        )
        return SurveyOutcome(decision=decision, survey=stored)

    async def _content(
        self, uow: UnitOfWork, conversation: Conversation, *, now: datetime
    ) -> MessageContent | None:
        """The question as text, or as the template once WhatsApp's window closed (None: none)."""
        last_inbound = await uow.messages.last_inbound_at(conversation.id)
        window = service_window(conversation.channel, last_inbound, now=now, length=self.window)
        if not isinstance(window, WindowClosed):
            return MessageContent(text=self.policy.question)
        if self.policy.whatsapp_template is None:
            return None
        return MessageContent(
            template=self.policy.whatsapp_template,
            template_language=self.policy.whatsapp_language,
        )

    def _job(
        self, survey: Survey, conversation: Conversation, content: MessageContent, *, now: datetime
    ) -> tuple[OutboundJob, StoredMessage]:
        channel = self.reply_channels.get(conversation.channel, conversation.channel)
        key = f"{SURVEY_SOURCE}:{survey.id}"
        job = new_job(
            job_id=self.ids.new_id(),
            job_name=JobName.for_channel(channel),
            channel=channel,
            recipient=parse_recipient(conversation.chat_id, channel=channel),
            content=content,
            context=JobContext(source=SURVEY_SOURCE, correlation_id=conversation.id),
            idempotency_key=key,
            now=now,
        )
        job = attrs.evolve(job, next_attempt_at=now + self.policy.delay)
        message = StoredMessage(
            id=self.ids.new_id(),
            conversation_id=conversation.id,
            channel=channel,
            direction=Direction.OUTBOUND,
            contact_phone=conversation.contact_phone,
            kind=MessageKind.TEXT,
            text=self.policy.question,
            status=MessageStatus.PENDING,
            sent_at=now,
            job_key=key,
            details={"nps_survey": survey.id},
        )
        return job, message
