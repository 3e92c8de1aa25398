"""The bot in the live flow: `decide_handoff` on every message the gate lets through, and the
worker's inactivity timers (the 1 continuar / 2 atendente / 3 cancelar menu, then the close).

`bot_step` is pure: it turns a conversation's stored `BotSession`, the message and the time
into the next session, the reply, the conversation's holder and the handoff (if any). The
inbound handler applies it inside its batch (one read and one write per group commit);
`RunBotTimersHandler` is the worker's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

import attrs

from lia_core.domain.activity import Actor
from lia_core.domain.conversations import (
    Conversation,
    ConversationStatus,
    Direction,
    StoredMessage,
)
from lia_core.domain.delivery import Channel, JobContext, JobName, MessageContent, OutboundJob
from lia_core.domain.inbound import InboundMessage, MessageKind, MessageStatus
from lia_core.domain.jobs import new_job
from lia_core.domain.recipients import parse_recipient
from lia_core.domain.tickets import Priority
from lia_core.errors import ConcurrencyConflict, ValidationError
from lia_core.handoff import (
    AskClarifyingQuestion,
    CloseConversation,
    CloseReason,
    ConversationState,
    CustomerMessage,
    Decision,
    Event,
    Handoff,
    HandoffPolicy,
    HandoffReason,
    HandToHuman,
    InactivityTick,
    MenuChoice,
    NoAction,
    OfferTimeoutMenu,
    OutOfHours,
    Phase,
    ResumeBot,
    RouteToDepartment,
    decide_handoff,
)
from lia_core.handoff.session import BotSession, HandoffEntry, department_of, next_check
from lia_core.ports import Clock, IdGenerator, UnitOfWork, UnitOfWorkFactory
from lia_core.services.surveys import Surveys

__all__ = [
    "BOT_REASON",
    "BotPolicy",
    "BotStep",
    "BotTimersReport",
    "RunBotTimersHandler",
    "bot_step",
    "ledger_entry",
]

_TIMER = Actor.service("bot-timer")
BOT_REASON = "bot"
"""The status reason of a conversation the bot holds."""
_WITH_HUMANS = frozenset({ConversationStatus.WAITING, ConversationStatus.TRANSFERRED})


def _at_least_one(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise ValidationError(f"{attribute.name} must be at least 1", field=attribute.name)


@attrs.frozen(kw_only=True)
class BotPolicy:
    """The bot's knobs: the handoff policy (thresholds, timers, words, texts) and the timer batch.

    The business calendar of *handoff* is replaced by the desk policy's in force, so the
    out-of-hours reply follows `lia rules load` without a restart.
    """

    handoff: HandoffPolicy = attrs.field(factory=HandoffPolicy)
    timer_batch: int = attrs.field(default=500, validator=_at_least_one)
    """Sessions the inactivity timer takes per transaction."""


@attrs.frozen(kw_only=True)
class BotStep:
    """What the bot did with one message: the session to save, the reply, who holds it now."""

    session: BotSession | None
    """The next session (None: the bot was not asked, humans hold the conversation)."""
    reply: str | None
    status: ConversationStatus
    reason: str | None
    """The conversation's status reason: "bot", or the handoff's reason code."""
    handoff: Handoff | None = None
    """Set when the bot let go of the conversation now: write the ledger, open the ticket."""
    handed: bool = False
    """The message goes to the desk (opens a ticket, or joins the live one)."""


def _event(message: InboundMessage, forced: str | None) -> Event:
    if forced is not None:
        return MenuChoice(option=forced)
    if message.reply_id:
        return MenuChoice(option=message.reply_id)
    return CustomerMessage(text=message.text)


def _local_day(policy: HandoffPolicy, now: datetime) -> date:
    zone = ZoneInfo(policy.calendar.timezone) if policy.calendar is not None else now.tzinfo
    return now.astimezone(zone).date()


def _fresh(session: BotSession | None, conversation: Conversation, now: datetime) -> BotSession:
    """A session whose machine starts now (a new conversation, or a new matter after a close)."""
    return BotSession(
        conversation_id=conversation.id,
        channel=conversation.channel,
        chat_id=conversation.chat_id,
        contact_phone=conversation.contact_phone,
        state=ConversationState.start(now),
        due_at=None,
        out_of_hours_on=session.out_of_hours_on if session is not None else None,
        updated_at=now,
        version=session.version if session is not None else 0,
    )


def bot_step(
    session: BotSession | None,
    conversation: Conversation,
    message: InboundMessage,
    *,
    policy: HandoffPolicy,
    now: datetime,
    forced: str | None = None,
) -> BotStep:
    """The bot's answer to *message* (*forced*: a menu option the gate chose for the customer).

    A conversation humans hold (waiting, transferred) is not the bot's: the message joins its
    ticket. A session that ended (closed, or handed to humans whose ticket was closed since)
    starts again: a new matter. The out-of-hours reply goes out at most once per local day.
    """
    if conversation.status in _WITH_HUMANS:
        return BotStep(
            session=None, reply=None, status=conversation.status, reason=None, handed=True
        )
    if session is None or session.state.phase.is_final:
        session = _fresh(session, conversation, now)
    decision = decide_handoff(session.state, _event(message, forced), policy, now=now)
    saved = attrs.evolve(
        session,
        state=decision.state,
        due_at=next_check(decision.state, policy),
        updated_at=now,
    )
    return _apply(decision, saved, conversation, policy, now)


def _apply(
    decision: Decision,
    session: BotSession,
    conversation: Conversation,
    policy: HandoffPolicy,
    now: datetime,
) -> BotStep:
    waiting = ConversationStatus.WAITING
    match decision:
        case RouteToDepartment():
            handoff = Handoff(
                reason=HandoffReason.CLEAR_INTENT,
                destination=decision.destination,
                priority=decision.priority,
                intent=decision.intent,
                at=now,
            )
            return BotStep(
                session=session,
                reply=decision.reply,
                status=waiting,
                reason=HandoffReason.CLEAR_INTENT.value,
                handoff=handoff,
                handed=True,
            )
        case HandToHuman():
            return BotStep(
                session=session,
                reply=decision.reply,
                status=waiting,
                reason=decision.handoff.reason.value,
                handoff=decision.handoff,
                handed=True,
            )
        case OutOfHours():
            today = _local_day(policy, now)
            told = session.out_of_hours_on == today
            return BotStep(
                session=attrs.evolve(session, out_of_hours_on=today),
                reply=None if told else decision.reply,
                status=waiting,
                reason=decision.handoff.reason.value,
                handoff=decision.handoff,
                handed=True,
            )
        case CloseConversation():
            return BotStep(
                session=session,
                reply=decision.reply,
                status=ConversationStatus.RESOLVED,
                reason=decision.reason.value,
            )
        case AskClarifyingQuestion() | ResumeBot() | OfferTimeoutMenu():
            return BotStep(
                session=session,
                reply=decision.reply,
                status=ConversationStatus.ACTIVE,
                reason=BOT_REASON,
            )
        case NoAction():
            return BotStep(
                session=session,
                reply=None,
                status=conversation.status,
                reason=conversation.status_reason,
            )


def ledger_entry(entry_id: str, conversation_id: str, handoff: Handoff) -> HandoffEntry:
    """The ledger row of *handoff*: the desk department is the intent's (general without one)."""
    return HandoffEntry(
        id=entry_id,
        conversation_id=conversation_id,
        reason=handoff.reason,
        department=department_of(handoff.intent),
        level=handoff.destination.level,
        priority=handoff.priority,
        intent=handoff.intent,
        at=handoff.at,
    )


def handoff_priority(handoff: Handoff | None) -> Priority | None:
    """The ticket priority a handoff asks for (None: the desk's default)."""
    return handoff.priority if handoff is not None else None


@attrs.frozen(kw_only=True)
class BotTimersReport:
    """What one timer run did."""

    menus: int = 0
    """Inactivity menus sent (1 continuar / 2 atendente / 3 cancelar)."""
    closed: int = 0
    """Conversations the bot closed for inactivity."""
    conflicts: int = 0
    """Batches left for the next run because a message changed a session meanwhile."""


def _reply(
    session: BotSession,
    text: str,
    *,
    key: str,
    ids: IdGenerator,
    channel: Channel,
    now: datetime,
) -> tuple[OutboundJob, StoredMessage]:
    """The outbox job and the outbound message of one bot reply."""
    job = new_job(
        job_id=ids.new_id(),
        job_name=JobName.for_channel(channel),
        channel=channel,
        recipient=parse_recipient(session.chat_id, channel=channel),
        content=MessageContent(text=text),
        context=JobContext(source="bot-timer", correlation_id=session.conversation_id),
        idempotency_key=key,
        now=now,
    )
    message = StoredMessage(
        id=ids.new_id(),
        conversation_id=session.conversation_id,
        channel=channel,
        direction=Direction.OUTBOUND,
        contact_phone=session.contact_phone,
        kind=MessageKind.TEXT,
        text=text,
        status=MessageStatus.PENDING,
        sent_at=now,
        job_key=key,
    )
    return job, message


@attrs.frozen(kw_only=True)
class RunBotTimersHandler:
    """The worker's inactivity timer: menus and closes of the sessions now due, in batches.

    Each batch is one transaction: the sessions (version-checked), the conversations closed
    (resolved, reason "inactivity", version-checked), the outbox jobs and the outbound messages. The job keys name the silence they answer, so a batch run twice (a
    conflict, another worker) never texts a customer twice.
    """

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    policy: BotPolicy = attrs.field(factory=BotPolicy)
    reply_channels: dict[Channel, Channel] = attrs.field(factory=dict)
    surveys: Surveys | None = None
    """NPS: a conversation closed for inactivity may get its survey (same transaction)."""

    async def __call__(self) -> BotTimersReport:
        """Run batches until one comes back short; a conflict leaves the rest for next time."""
        menus = closed = 0
        while True:
            try:
                batch_menus, batch_closed, taken = await self._batch()
            except ConcurrencyConflict:
                return BotTimersReport(menus=menus, closed=closed, conflicts=1)
            menus += batch_menus
            closed += batch_closed
            if taken < self.policy.timer_batch:
                return BotTimersReport(menus=menus, closed=closed)

    async def _batch(self) -> tuple[int, int, int]:
        now = self.clock.now()
        handoff = self.policy.handoff
        async with self.uow() as uow:
            due = await uow.bot_sessions.due(now, limit=self.policy.timer_batch)
            saved: list[BotSession] = []
            jobs: list[OutboundJob] = []
            outbound: list[StoredMessage] = []
            menus = 0
            ending: list[BotSession] = []
            for session in due:
                decision = decide_handoff(session.state, InactivityTick(), handoff, now=now)
                saved.append(
                    attrs.evolve(
                        session,
                        state=decision.state,
                        due_at=next_check(decision.state, handoff),
                        updated_at=now,
                    )
                )
                if decision.reply is None:
                    continue
                kind = "menu" if decision.state.phase is Phase.TIMEOUT_OFFERED else "close"
                menus += kind == "menu"
                if kind == "close":
                    ending.append(session)
                key = f"bot:{session.conversation_id}:{kind}:{session.state.last_activity.isoformat()}"
                channel = self.reply_channels.get(session.channel, session.channel)
                job, message = _reply(
                    session, decision.reply, key=key, ids=self.ids, channel=channel, now=now
                )
                jobs.append(job)
                outbound.append(message)
            if not due:
                return 0, 0, 0
            await uow.bot_sessions.save_many(saved)
            closed = await _close_conversations(uow, ending, now=now)
            if jobs:
                await uow.outbox.add_many(jobs)
                await uow.messages.add_outbound(outbound)
            if self.surveys is not None and closed:
                by_id = {s.conversation_id: s for s in ending}
                pairs = [(c, by_id.get(c.id)) for c in closed]
                await self.surveys.conversations_closed(uow, pairs, _TIMER, now=now)
            await uow.commit()
        return menus, len(ending), len(due)


async def _close_conversations(
    uow: UnitOfWork, sessions: Sequence[BotSession], *, now: datetime
) -> list[Conversation]:
    """End the conversations the bot closed for inactivity, as option 3 ends them: resolved,
    reason "inactivity" (the next message is a new matter). Only those the bot still holds:
    one a person holds meanwhile is theirs (the version check of the save catches a race)."""
    if not sessions:
        return []
    known = await uow.conversations.get_many([(s.channel, s.chat_id) for s in sessions])
    closed: list[Conversation] = []
    for conversation in known.values():
        if conversation.status is not ConversationStatus.ACTIVE:
            continue
        conversation.status = ConversationStatus.RESOLVED
        conversation.status_reason = CloseReason.INACTIVITY.value
        conversation.updated_at = now
        closed.append(conversation)
    if closed:
        await uow.conversations.save_many(closed)
    return closed
