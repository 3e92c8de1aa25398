"""Handling stored inbound messages: the outage gate, then the normal flow, in batches."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import timedelta, tzinfo

import attrs

from lia_core.desk.intake import DeskIntake, Handed
from lia_core.domain.activity import Actor
from lia_core.domain.conversations import (
    Contact,
    Conversation,
    ConversationStatus,
    GateMemory,
    PendingInbound,
)
from lia_core.domain.delivery import Channel, MessageContent
from lia_core.domain.gate import (
    GateOutcome,
    GatePolicy,
    Lookup,
    LookupStatus,
    decide_gate,
    needs_lookup,
)
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.matching import FailureIndex
from lia_core.domain.recipients import Phone
from lia_core.domain.surveys import Survey
from lia_core.domain.tickets import Ticket
from lia_core.errors import ConcurrencyConflict
from lia_core.handoff import HandoffPolicy
from lia_core.handoff.session import BotSession
from lia_core.ports import (
    Clock,
    ConversationRouter,
    CustomerDirectory,
    IdGenerator,
    UnitOfWork,
    UnitOfWorkFactory,
)
from lia_core.services.bot import BotPolicy
from lia_core.services.broadcast import notice_for_contact
from lia_core.services.crm_lookup import look_up_all
from lia_core.services.inbound_batch import InboundBatch, received_events
from lia_core.services.inbound_turns import BatchTurns, preview
from lia_core.services.ingest import FAILURES_MAX_AGE, ActiveFailures
from lia_core.services.recovery import INBOUND_BATCH, STALE_AFTER, ProcessStaleInboundHandler
from lia_core.services.routing import HumanQueueRouter
from lia_core.services.surveys import Surveys

__all__ = [
    "HumanQueueRouter",
    "InboundPolicy",
    "ProcessInboundHandler",
    "ProcessReport",
    "ProcessStaleInboundHandler",
]

_CLOSED = frozenset({ConversationStatus.RESOLVED, ConversationStatus.ARCHIVED})
_WITH_HUMANS = frozenset({ConversationStatus.WAITING, ConversationStatus.TRANSFERRED})
_YIELD_EVERY = 4
"""Messages decided between two yields to the event loop (webhook latency shares the loop)."""


@attrs.frozen(kw_only=True)
class ProcessReport:
    """What a batch did, for logs and metrics."""

    processed: int
    outcomes: Mapping[GateOutcome, int]
    crm_lookups: int = 0
    crm_unavailable: int = 0
    crm_errors: tuple[str, ...] = ()
    notices: int = 0
    replies: int = 0
    nps_answers: int = 0
    """Replies taken as the answer to an open NPS survey."""


CRM_TIMEOUT = timedelta(seconds=2)
"""How long a CRM lookup may take before the customer is asked instead, by default."""


@attrs.frozen(kw_only=True)
class ProcessInboundHandler:
    """Run the gate (and, past it, the router) over new messages; write every effect in one commit."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    failures: ActiveFailures
    router: ConversationRouter
    directory: CustomerDirectory | None = None
    policy: GatePolicy = attrs.field(factory=GatePolicy)
    tz: tzinfo
    reply_channels: Mapping[Channel, Channel] = attrs.field(factory=dict)
    """Where replies to a channel go (a channel without a configured sender → sandbox)."""
    crm_timeout: timedelta = CRM_TIMEOUT
    intake: DeskIntake | None = None
    """The ticket desk; None: conversations handed to humans open no ticket (library use)."""
    bot: BotPolicy | None = None
    """The bot in the live flow (`lia_core.services.bot`); None: *router* decides instead."""
    surveys: Surveys | None = None
    """NPS: surveys after the bot's closes, and replies to open surveys; None: no surveys."""
    _with_calendar: dict[int, tuple[object, HandoffPolicy]] = attrs.field(
        factory=dict, init=False, eq=False, repr=False
    )
    """The bot's policy per desk policy in force (built once per revision, not per batch)."""

    attempts: int = 3
    """Reads, decisions and writes of one batch while a person changes its conversations."""
    _turns: BatchTurns = attrs.field(init=False, eq=False, repr=False)
    """The survey's and the bot's turns and the replies they queue (`inbound_turns`)."""

    @_turns.default
    def _make_turns(self) -> BatchTurns:
        return BatchTurns(ids=self.ids, reply_channels=self.reply_channels, surveys=self.surveys)

    async def __call__(self, batch: Sequence[PendingInbound]) -> ProcessReport:
        """Handle *batch* in order (several messages of one customer see each other's effects).

        The conversations are read in one transaction and written in another, each save
        conditional on the version read: if someone (staff, another worker) saved one
        meanwhile, the whole batch is read and decided again on what they committed, up
        to `attempts` times, then ConcurrencyConflict propagates and the messages stay
        unprocessed for the recovery sweep. CRM answers already received are reused.
        """
        if not batch:
            return ProcessReport(processed=0, outcomes={})
        index = await self.failures.get()
        lookups: dict[str, Lookup] = {}
        errors: list[str] = []
        attempt = 0
        while True:
            attempt += 1
            state = await self._load(batch, index)
            found, failed = await self._lookups(batch, state, index, known=lookups)
            lookups.update(found)
            errors.extend(failed)
            for n, pending in enumerate(batch, start=1):
                await self._handle(pending, state, index, lookups)
                if n % _YIELD_EVERY == 0:
                    await asyncio.sleep(0)  # let webhooks be acknowledged meanwhile
            try:
                await self._write(state)
            except ConcurrencyConflict:
                if attempt >= self.attempts:
                    raise
                continue  # a conversation changed since it was read: read it again, decide again
            break
        unavailable = sum(1 for lk in lookups.values() if lk.status is LookupStatus.UNAVAILABLE)
        return ProcessReport(
            processed=len(batch),
            outcomes=dict(state.outcomes),
            crm_lookups=len(lookups),
            crm_unavailable=unavailable,
            crm_errors=tuple(errors),
            notices=len(state.notices),
            replies=len(state.jobs) - len(state.notices),
            nps_answers=len(state.answers),
        )

    async def _write(self, state: InboundBatch) -> None:
        """Every effect of the batch in one commit; conversations only if unchanged since read."""
        async with self.uow() as uow:
            await uow.contacts.save_many(list(state.contacts.values()))
            await uow.conversations.save_many(list(state.conversations.values()))
            if state.notices:
                await uow.notices.record_many(state.notices)
            if state.jobs:
                await uow.outbox.add_many(state.jobs)
            if state.outbound:
                await uow.messages.add_outbound(state.outbound)
            if state.changed_sessions:
                changed = [state.sessions[cid] for cid in sorted(state.changed_sessions)]
                await uow.bot_sessions.save_many(changed)
            if state.ledger:
                await uow.handoffs.add_many(state.ledger)
            await self._write_surveys(uow, state)
            tickets: Mapping[str, Ticket] = {}
            if self.intake is not None and state.handed:
                tickets = await self.intake.take(uow, state.handed, now=state.now)
            await uow.messages.mark_processed(state.handled, at=state.now)
            uow.events.publish(*received_events(state, tickets))
            await uow.commit()

    async def _write_surveys(self, uow: UnitOfWork, state: InboundBatch) -> None:
        """The surveys answered or asked again, the answers, and the bot's closes' surveys."""
        for cid in sorted(state.changed_surveys):  # answers refer to them: saved first
            await uow.surveys.save(state.surveys[cid])
        for feedback in state.answers:
            await uow.feedback.add(feedback)
        if self.surveys is None or not state.closed:
            return
        closed = [
            (conversation, state.sessions.get(conversation.id))
            for conversation in state.conversations.values()
            if conversation.id in state.closed
            and conversation.status is ConversationStatus.RESOLVED
        ]
        await self.surveys.conversations_closed(uow, closed, Actor.service("bot"), now=state.now)

    async def _load(self, batch: Sequence[PendingInbound], index: FailureIndex) -> InboundBatch:
        phones = {p.message.sender for p in batch}
        chats = {(p.message.channel, p.message.reply_to) for p in batch}
        sessions: Mapping[str, BotSession] = {}
        surveys: Mapping[str, Survey] = {}
        busy: set[str] = set()
        now = self.clock.now()
        async with self.uow() as uow:
            contacts = await uow.contacts.get_many(phones)
            conversations = await uow.conversations.get_many(chats)
            pairs = (
                await uow.notices.notified([f.id for f in index.failures], [str(p) for p in phones])
                if len(index)
                else set()
            )
            if self.bot is not None and conversations:
                sessions = await uow.bot_sessions.get_many([c.id for c in conversations.values()])
            if self.surveys is not None and conversations:
                surveys = await uow.surveys.open_for(
                    [c.id for c in conversations.values()], now=now
                )
            if surveys:  # people holding another matter keep what the customer writes
                busy = set(await uow.tickets.live_for_conversations(set(surveys)))
        notified: dict[str, set[str]] = {}
        for failure_id, phone in pairs:
            notified.setdefault(phone, set()).add(failure_id)
        return InboundBatch(
            now=now,
            contacts=dict(contacts),
            conversations=dict(conversations),
            notified=notified,
            sessions=dict(sessions),
            handoff_policy=await self._handoff_policy(),
            surveys=dict(surveys),
            busy=busy,
        )

    async def _handoff_policy(self) -> HandoffPolicy | None:
        """The bot's policy with the business calendar of the desk policy in force."""
        if self.bot is None:
            return None
        if self.intake is None:
            return self.bot.handoff
        _, desk = await self.intake.policies.current()
        cached = self._with_calendar.get(0)
        if cached is not None and cached[0] is desk:
            return cached[1]
        policy = attrs.evolve(self.bot.handoff, calendar=desk.calendar)
        self._with_calendar[0] = (desk, policy)
        return policy

    async def _lookups(
        self,
        batch: Sequence[PendingInbound],
        state: InboundBatch,
        index: FailureIndex,
        *,
        known: Mapping[str, Lookup],
    ) -> tuple[dict[str, Lookup], list[str]]:
        wanted: dict[str, None] = {}
        for pending in batch:
            m = pending.message
            if not isinstance(m.sender, Phone) or self.directory is None:
                continue  # provider identities are not phones the CRM could know
            if m.sender.digits in known:
                continue  # asked on an earlier attempt at this batch
            conversation = state.conversations.get((m.channel, m.reply_to))
            contact = state.contacts.get(m.sender)
            if needs_lookup(contact, conversation, index, now=state.now, policy=self.policy):
                wanted[m.sender.digits] = None
        if self.directory is None or not wanted:
            return {}, []
        return await look_up_all(self.directory, list(wanted), each_within=self.crm_timeout)

    def _contact(self, m: InboundMessage, state: InboundBatch) -> Contact:
        contact = state.contacts.get(m.sender) or Contact(
            phone=m.sender, created_at=state.now, updated_at=state.now
        )
        if m.display_name and contact.crm_id is None:
            contact.name = m.display_name
        contact.last_interaction_at = state.now
        contact.updated_at = state.now
        return contact

    def _conversation(
        self, m: InboundMessage, contact: Contact, state: InboundBatch
    ) -> Conversation:
        key = (m.channel, m.reply_to)
        conversation = state.conversations.get(key)
        if conversation is None:
            conversation = Conversation(
                id=self.ids.new_id(),
                channel=m.channel,
                chat_id=m.reply_to,
                contact_phone=str(m.sender),
                last_message_at=m.sent_at,
                created_at=state.now,
                updated_at=state.now,
            )
            state.conversations[key] = conversation
        elif conversation.status in _CLOSED:
            conversation.gate = GateMemory()  # a new matter: the gate looks afresh
        conversation.client_name = contact.name or conversation.client_name
        conversation.last_message = preview(m)
        conversation.last_message_at = max(conversation.last_message_at, m.sent_at)
        conversation.updated_at = state.now
        return conversation

    async def _handle(
        self,
        pending: PendingInbound,
        state: InboundBatch,
        index: FailureIndex,
        lookups: Mapping[str, Lookup],
    ) -> None:
        m = pending.message
        contact = self._contact(m, state)
        conversation = self._conversation(m, contact, state)
        if self._turns.survey(pending, state, conversation):
            state.contacts[m.sender] = contact
            state.handled[pending.id] = conversation.id
            state.received.append((pending, conversation))
            return
        state.diverted.add(conversation.id)
        told = state.notified.setdefault(str(m.sender), set())
        decision = decide_gate(
            m,
            contact=contact,
            memory=conversation.gate,
            lookup=lookups.get(str(m.sender), Lookup()),
            index=index,
            notified=frozenset(told),
            now=state.now,
            policy=self.policy,
            tz=self.tz,
        )
        state.contacts[m.sender] = decision.contact
        conversation.gate = decision.memory
        conversation.client_name = decision.contact.name or conversation.client_name
        state.outcomes[decision.outcome] += 1
        channel = self.reply_channels.get(m.channel, m.channel)
        for failure in decision.notify:
            job, notice = notice_for_contact(
                failure,
                contact=m.sender,
                reply_to=m.reply_to,
                name=conversation.client_name,
                channel=channel,
                order={},  # answer on the channel the customer used
                job_id=self.ids.new_id(),
                now=state.now,
                tz=self.tz,
                source="outage-gate",
                request_id=m.request_id,
            )
            state.notices.append(notice)
            self._turns.reply(state, conversation, job)
            told.add(failure.id)
        if decision.reply:
            self._turns.say(
                state, conversation, pending, "gate", MessageContent(text=decision.reply)
            )
        if decision.ends_flow:
            if conversation.status in _CLOSED:
                conversation.status = ConversationStatus.ACTIVE
        elif state.handoff_policy is not None:
            self._turns.bot(pending, state, conversation, decision, told, state.handoff_policy)
        else:
            routing = await self.router.route(conversation, m)
            conversation.status = routing.status
            conversation.status_reason = routing.reason or conversation.status_reason
            if routing.reply is not None:
                self._turns.say(state, conversation, pending, "router", routing.reply)
            if routing.status in _WITH_HUMANS:
                state.handed.append(
                    Handed(
                        conversation_id=conversation.id,
                        contact=m.sender,
                        text=m.text or preview(m),
                        reason=routing.reason or "handed to a human",
                        at=m.sent_at if m.sent_at <= state.now else state.now,
                        failure_id=min(told, default=None),
                    )
                )
        state.handled[pending.id] = conversation.id
        state.received.append((pending, conversation))


@attrs.frozen(kw_only=True)
class InboundPolicy:
    """How stored messages are handled: the gate's policy and the pipeline's knobs."""

    gate: GatePolicy = attrs.field(factory=GatePolicy)
    reply_channels: Mapping[Channel, Channel] = attrs.field(factory=dict)
    """Where replies go per inbound channel (the sandbox when a channel has no credentials)."""
    queue_reply: str | None = None
    """Said once when a conversation enters the human queue."""
    crm_timeout: timedelta = CRM_TIMEOUT
    """How long a CRM lookup may take before the customer is asked instead."""
    failures_max_age: timedelta = FAILURES_MAX_AGE
    """How often the in-memory index of active failures re-checks the database."""
    stale_after: timedelta = STALE_AFTER
    """Stored messages not handled after this long are handled by the recovery sweep."""
    batch_size: int = INBOUND_BATCH
    """Most stored messages the gate handles per transaction (and the sweep per round)."""
    bot: BotPolicy | None = None
    """The bot in the live flow; None: the router (the human queue by default) decides."""
