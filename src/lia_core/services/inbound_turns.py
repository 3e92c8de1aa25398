"""The replies of a gate batch: the survey's turn, the bot's turn, and the jobs and outbound
messages they queue on the batch's state (written by `ProcessInboundHandler` in one commit)."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from lia_core.desk.intake import Handed
from lia_core.domain.conversations import (
    Conversation,
    ConversationStatus,
    Direction,
    PendingInbound,
    StoredMessage,
)
from lia_core.domain.delivery import Channel, JobContext, JobName, MessageContent, OutboundJob
from lia_core.domain.gate import GateDecision, GateOutcome
from lia_core.domain.inbound import InboundMessage, MessageKind, MessageStatus
from lia_core.domain.recipients import recorded_recipient
from lia_core.handoff import HandoffPolicy
from lia_core.handoff.session import department_of
from lia_core.ports import IdGenerator
from lia_core.services.bot import bot_step, handoff_priority, ledger_entry
from lia_core.services.inbound_batch import InboundBatch
from lia_core.services.outbox import new_job
from lia_core.services.surveys import AnswerRecorded, AskedAgain, Surveys, survey_turn

__all__ = ["BatchTurns", "preview"]

_PREVIEW = 200


def preview(message: InboundMessage) -> str:
    """The conversation list's "last message" line."""
    if message.text:
        return message.text[:_PREVIEW]
    return f"[{message.details.get('media_type') or message.kind.value}]"


@attrs.frozen(kw_only=True)
class BatchTurns:
    """Who answers a message past the gate (survey, bot) and the replies queued for it."""

    ids: IdGenerator
    reply_channels: Mapping[Channel, Channel]
    """Where replies to a channel go (a channel without a configured sender → sandbox)."""
    surveys: Surveys | None
    """NPS: replies to open surveys; None: no surveys."""

    def survey(
        self, pending: PendingInbound, state: InboundBatch, conversation: Conversation
    ) -> bool:
        """Whether *pending* answered (or was asked again by) the conversation's open survey.

        Only between matters: not while people hold a live ticket of the conversation, the
        bot holds a new matter (a session not final), the gate waits for an answer, or an
        earlier message of this batch went to the normal flow.
        """
        survey = state.surveys.get(conversation.id)
        m = pending.message
        if self.surveys is None or survey is None or not m.text or m.reply_id:
            return False
        session = state.sessions.get(conversation.id)
        if (
            conversation.id in state.busy
            or conversation.id in state.diverted
            or (session is not None and not session.state.phase.is_final)
            or conversation.gate.awaiting is not None
        ):
            return False
        turn = survey_turn(
            survey,
            m.text,
            feedback_id=self.ids.new_id(),
            policy=self.surveys.policy,
            now=state.now,
        )
        match turn:
            case AnswerRecorded():
                state.answers.append(turn.feedback)
            case AskedAgain():
                pass
            case _:
                return False
        state.surveys[conversation.id] = turn.survey
        state.changed_surveys.add(conversation.id)
        self.say(state, conversation, pending, "nps", MessageContent(text=turn.reply))
        return True

    def bot(
        self,
        pending: PendingInbound,
        state: InboundBatch,
        conversation: Conversation,
        gate: GateDecision,
        told: set[str],
        policy: HandoffPolicy,
    ) -> None:
        """The bot's turn: the handoff policy's decision applied to the batch's state."""
        m = pending.message
        # Another matter than the outage: its ticket is not the outage's.
        other_matter = gate.moved_on or gate.outcome is GateOutcome.MOVED_ON
        forced = None
        if gate.outcome is GateOutcome.ESCAPED:  # asked the gate for a person
            forced = policy.human_option
        elif gate.outcome is GateOutcome.GAVE_UP:  # the gate could not understand them
            forced = policy.help_option
        step = bot_step(
            state.sessions.get(conversation.id),
            conversation,
            m,
            policy=policy,
            now=state.now,
            forced=forced,
        )
        if step.session is not None:
            state.sessions[conversation.id] = step.session
            state.changed_sessions.add(conversation.id)
        conversation.status = step.status
        conversation.status_reason = step.reason or conversation.status_reason
        if step.status is ConversationStatus.RESOLVED:  # the bot closed it: maybe a survey
            state.closed.append(conversation.id)
        if step.reply is not None:
            self.say(state, conversation, pending, "bot", MessageContent(text=step.reply))
        if step.handoff is not None:
            state.ledger.append(ledger_entry(self.ids.new_id(), conversation.id, step.handoff))
        if step.handed:
            handoff = step.handoff
            state.handed.append(
                Handed(
                    conversation_id=conversation.id,
                    contact=m.sender,
                    text=m.text or preview(m),
                    reason=step.reason or "handed to a human",
                    at=m.sent_at if m.sent_at <= state.now else state.now,
                    failure_id=None if other_matter else min(told, default=None),
                    department=department_of(handoff.intent) if handoff is not None else None,
                    priority=handoff_priority(handoff),
                )
            )

    def say(
        self,
        state: InboundBatch,
        conversation: Conversation,
        pending: PendingInbound,
        who: str,
        content: MessageContent,
    ) -> None:
        """Queue *content* to the conversation's chat as *who* (one job per message and who)."""
        channel = self.reply_channels.get(conversation.channel, conversation.channel)
        job = new_job(
            job_id=self.ids.new_id(),
            job_name=JobName.for_channel(channel),
            channel=channel,
            # The id the platform addressed the chat with, digits kept as sent: read as typed,
            # a US WhatsApp id would become a Brazilian number (and parsing cost ~2 % of ingest).
            recipient=recorded_recipient(conversation.chat_id, channel=channel),
            content=content,
            context=JobContext(
                source=f"inbound-{who}",
                correlation_id=pending.id,
                request_id=pending.message.request_id,
            ),
            idempotency_key=f"reply:{pending.id}:{who}",
            now=state.now,
        )
        self.reply(state, conversation, job)

    def reply(self, state: InboundBatch, conversation: Conversation, job: OutboundJob) -> None:
        """Queue *job* and its outbound message (PENDING until the worker sends it)."""
        state.jobs.append(job)
        state.outbound.append(
            StoredMessage(
                id=self.ids.new_id(),
                conversation_id=conversation.id,
                channel=job.channel,
                direction=Direction.OUTBOUND,
                contact_phone=conversation.contact_phone,
                kind=MessageKind.TEXT,
                text=job.content.text or job.content.template or "",
                status=MessageStatus.PENDING,
                sent_at=state.now,
                job_key=job.idempotency_key,
            )
        )
