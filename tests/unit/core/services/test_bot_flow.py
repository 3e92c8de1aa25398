"""The bot in the live flow over the fakes: shortcut, clarifying question, critical intents,
the inactivity timer, out-of-hours once a day, the ledger, and the gate letting a bill through."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import pytest

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_core.domain.conversations import Conversation, ConversationStatus
from lia_core.domain.delivery import Channel, JobName
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.recipients import Phone
from lia_core.domain.regions import parse_cep_rule
from lia_core.domain.tickets import Priority
from lia_core.handoff import HandoffReason, Intent, Phase
from lia_core.ports import TicketFilter, TicketSummary
from lia_core.services import BotPolicy, DeclareFailure, ListHandoffs, Services
from lia_core.services.inbound import InboundPolicy

MONDAY_11H = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # 11:00 in São Paulo, desk open
SUNDAY_22H = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # Sunday 22:00 in São Paulo, desk closed
PHONE = "5531987654321"
CHAT = "553187654321"


@attrs.define
class Flow:
    """Ingest, the gate and the bot over one in-memory store."""

    store: InMemoryStore
    clock: FixedClock
    services: Services
    n: int = 0

    async def say(self, text: str, *, reply_id: str | None = None) -> None:
        """The customer writes *text* now."""
        self.n += 1
        message = InboundMessage(
            channel=Channel.WHATSAPP,
            provider_message_id=f"m{self.n}",
            sender=Phone(PHONE),
            reply_to=CHAT,
            sent_at=self.clock.now(),
            text=text,
            reply_id=reply_id,
            display_name="Maria Souza",
        )
        report = await self.services.ingest([message])
        await self.services.process_inbound(report.new)

    def conversation(self) -> Conversation:
        """The customer's conversation as committed."""
        (conversation,) = self.store.conversation_tables.conversations.values()
        return conversation

    def replies(self) -> list[str]:
        """The texts queued to the customer, oldest first."""
        jobs = sorted(self.store.jobs.values(), key=lambda j: (j.created_at, len(j.id), j.id))
        return [
            j.content.text or ""
            for j in jobs
            if j.job_name is JobName.for_channel(Channel.WHATSAPP)
        ]

    async def tickets(self) -> list[TicketSummary]:
        """Every ticket, newest first."""
        return list(await self.services.desk.list(TicketFilter()))


def flow_at(now: datetime) -> Flow:
    """A flow with the bot on, the built-in desk policy (Mon-Fri 08-18 in São Paulo)."""
    store, clock = InMemoryStore(), FixedClock(now)
    services = Services.build(
        uow=store.unit_of_work,
        clock=clock,
        ids=SequentialIds(),
        hasher=PlainTextHasher(),
        tz=UTC,
        inbound_policy=InboundPolicy(bot=BotPolicy()),
    )
    return Flow(store, clock, services)


@pytest.fixture
def flow() -> Flow:
    """A flow on a Monday at 11:00 in São Paulo."""
    return flow_at(MONDAY_11H)


async def test_a_cancellation_reaches_retention_with_raised_priority(flow: Flow) -> None:
    """ "quero cancelar meu plano": a HIGH ticket in cancellation, the ledger says why."""
    await flow.say("quero cancelar meu plano")
    conversation = flow.conversation()
    assert conversation.status is ConversationStatus.WAITING
    assert conversation.status_reason == "critical_intent"
    (ticket,) = await flow.tickets()
    assert (ticket.department, ticket.priority) == ("cancellation", Priority.HIGH)
    (entry,) = await flow.services.list_handoffs(ListHandoffs())
    assert entry.reason is HandoffReason.CRITICAL_INTENT
    assert (entry.department, entry.priority, entry.intent) == (
        "cancellation",
        Priority.HIGH,
        Intent.CANCELLATION,
    )
    assert entry.accepted_by is None
    assert "atendente" in flow.replies()[-1]


async def test_a_clear_intent_is_confirmed_and_routed(flow: Flow) -> None:
    """A bill request at 0.89 confidence: the shortcut is confirmed, financial at medium."""
    await flow.say("preciso da segunda via do boleto")
    (ticket,) = await flow.tickets()
    assert (ticket.department, ticket.priority) == ("financial", Priority.MEDIUM)
    assert "Financeiro" in flow.replies()[-1]
    (entry,) = await flow.services.list_handoffs(ListHandoffs())
    assert entry.reason is HandoffReason.CLEAR_INTENT
    assert flow.conversation().status_reason == "clear_intent"


async def test_one_clarifying_question_then_a_human(flow: Flow) -> None:
    """Unclear twice: one question (no ticket yet), then the general queue."""
    await flow.say("oi, bom dia")
    assert flow.conversation().status is ConversationStatus.ACTIVE
    assert await flow.tickets() == []
    assert "Não tenho certeza" in flow.replies()[-1]
    await flow.say("é sobre aquilo")
    (ticket,) = await flow.tickets()
    assert ticket.department == "general"
    (entry,) = await flow.services.list_handoffs(ListHandoffs())
    assert entry.reason is HandoffReason.LOW_CONFIDENCE


async def test_help_and_explicit_requests_go_to_a_human(flow: Flow) -> None:
    """ "não entendi" → a human at base priority; later messages join the ticket silently."""
    await flow.say("não entendi")
    (ticket,) = await flow.tickets()
    assert ticket.priority is Priority.MEDIUM
    sent = len(flow.replies())
    await flow.say("alô?")
    assert len(flow.replies()) == sent  # humans hold it: the bot stays quiet
    assert len(await flow.tickets()) == 1
    (entry,) = await flow.services.list_handoffs(ListHandoffs())
    assert entry.reason is HandoffReason.CUSTOMER_ASKED


async def test_another_language_goes_to_a_human_raised(flow: Flow) -> None:
    """An English message: a human, raised priority, reason language."""
    await flow.say("Hello, I would like to talk with someone please")
    (ticket,) = await flow.tickets()
    assert ticket.priority is Priority.HIGH
    (entry,) = await flow.services.list_handoffs(ListHandoffs())
    assert entry.reason is HandoffReason.LANGUAGE


async def test_the_inactivity_menu_then_the_close_fired_by_the_timer(flow: Flow) -> None:
    """5 minutes quiet: the menu; 5 more: closed, then the NPS survey; a new message (not an
    answer) starts the bot again."""
    await flow.say("oi")
    assert (await flow.services.bot_timers()).menus == 0
    flow.clock.advance(minutes=5)
    report = await flow.services.bot_timers()
    assert (report.menus, report.closed) == (1, 0)
    assert "1 - Continuar" in flow.replies()[-1]
    again = await flow.services.bot_timers()
    assert (again.menus, again.closed) == (0, 0)  # nothing twice
    flow.clock.advance(minutes=5)
    assert (await flow.services.bot_timers()).closed == 1
    assert "encerramos" in flow.replies()[-2]
    assert flow.replies()[-1].startswith("De 0 a 10")
    (session,) = flow.store.bot_sessions.values()
    assert session.state.phase is Phase.CLOSED
    assert session.due_at is None
    await flow.say("voltei")
    (session,) = flow.store.bot_sessions.values()
    assert session.state.phase is Phase.CLARIFYING


async def test_the_inactivity_close_ends_the_conversation_and_a_new_message_starts_clean(
    flow: Flow,
) -> None:
    """The 10-minute close resolves the conversation (reason inactivity), not only the bot's
    session; the next message is a new matter with the bot, nothing queued or assigned."""
    await flow.say("oi")
    flow.clock.advance(minutes=5)
    await flow.services.bot_timers()
    flow.clock.advance(minutes=5)
    assert (await flow.services.bot_timers()).closed == 1
    closed = flow.conversation()
    assert (closed.status, closed.status_reason) == (ConversationStatus.RESOLVED, "inactivity")
    assert closed.updated_at == flow.clock.now()
    assert (await flow.services.bot_timers()).closed == 0  # closed once
    flow.clock.advance(minutes=1)
    await flow.say("oi de novo")
    again = flow.conversation()
    assert (again.id, again.status, again.status_reason) == (
        closed.id,
        ConversationStatus.ACTIVE,
        "bot",
    )
    assert await flow.tickets() == []
    async with flow.store.unit_of_work() as uow:
        assert await uow.assignments.get_many([again.id]) == {}  # not queued
    await flow.say("quero cancelar meu plano")
    (ticket,) = await flow.tickets()
    assert ticket.department == "cancellation"
    async with flow.store.unit_of_work() as uow:
        assignment = await uow.assignments.get(again.id)
    assert (assignment.department, assignment.assignee, assignment.closed_at) == (
        "cancellation",
        None,
        None,
    )


async def test_the_inactivity_close_leaves_a_conversation_people_took_meanwhile(
    flow: Flow,
) -> None:
    """A conversation no longer the bot's when the close comes is left as it is."""
    await flow.say("oi")
    flow.clock.advance(minutes=10)
    async with flow.store.unit_of_work() as uow:
        (conversation,) = (await uow.conversations.get_many([(Channel.WHATSAPP, CHAT)])).values()
        conversation.status = ConversationStatus.WAITING
        await uow.conversations.save_many([conversation])
        await uow.commit()
    await flow.services.bot_timers()
    assert flow.conversation().status is ConversationStatus.WAITING


async def test_the_menu_option_two_calls_an_agent(flow: Flow) -> None:
    """Answering the menu with "2" hands the conversation over (timeout_choice)."""
    await flow.say("oi")
    flow.clock.advance(minutes=5)
    await flow.services.bot_timers()
    await flow.say("2")
    (entry,) = await flow.services.list_handoffs(ListHandoffs())
    assert entry.reason is HandoffReason.TIMEOUT_CHOICE
    assert flow.conversation().status is ConversationStatus.WAITING


async def test_out_of_hours_replies_once_a_day_and_queues_the_ticket() -> None:
    """Closed desk: the reply names the opening, once per conversation per local day."""
    flow = flow_at(SUNDAY_22H)
    await flow.say("quero cancelar meu plano")
    (ticket,) = await flow.tickets()
    assert (ticket.department, ticket.priority) == ("cancellation", Priority.HIGH)
    first = flow.replies()[-1]
    assert "segunda-feira, 07/12 às 08:00" in first
    (entry,) = await flow.services.list_handoffs(ListHandoffs())
    assert entry.reason is HandoffReason.OUT_OF_HOURS
    # Staff closes the conversation; the customer writes again the same night.
    await _close_conversation(flow)
    flow.clock.advance(minutes=30)
    await flow.say("atendente")
    assert flow.replies().count(first) == 1
    assert len(flow.replies()) == 1  # no second out-of-hours reply that day
    assert len(await flow.services.list_handoffs(ListHandoffs())) == 2


async def _close_conversation(flow: Flow) -> None:
    """What staff resolving the conversation leaves: status resolved (the ticket stays)."""
    async with flow.store.unit_of_work() as uow:
        (conversation,) = (await uow.conversations.get_many([(Channel.WHATSAPP, CHAT)])).values()
        conversation.status = ConversationStatus.RESOLVED
        await uow.conversations.save_many([conversation])
        await uow.commit()


async def test_acceptance_is_recorded_by_the_claim(flow: Flow) -> None:
    """The port method the claim calls fills who accepted the handoff, once."""
    await flow.say("quero cancelar meu plano")
    cid = flow.conversation().id
    async with flow.store.unit_of_work() as uow:
        accepted = await uow.handoffs.accept(cid, by="ana", at=flow.clock.now())
        await uow.commit()
    assert accepted is not None
    (entry,) = await flow.services.list_handoffs(ListHandoffs())
    assert (entry.accepted_by, entry.accepted_at) == ("ana", MONDAY_11H)


async def test_inside_an_outage_a_bill_request_goes_on_to_the_bot(flow: Flow) -> None:
    """Notified of the outage, then "preciso da segunda via do boleto": routed to financial."""
    await flow.services.declare_failure(
        DeclareFailure(
            name="Fibra",
            message="Olá {nome}, falha em {regiao}.",
            resolution_message=None,
            ceps=(parse_cep_rule("2595"),),
            actor="sup",
        )
    )
    await flow.say("sem internet")  # the gate asks for the CEP (no CRM)
    await flow.say("25953-120")  # covered: the notice, the flow ends
    assert flow.conversation().answered_by_outage
    assert await flow.tickets() == []
    replies = len(flow.replies())
    await flow.say("preciso da segunda via do boleto")
    assert len(flow.replies()) == replies + 1
    assert "Financeiro" in flow.replies()[-1]
    (ticket,) = await flow.tickets()
    assert ticket.department == "financial"
    assert ticket.failure_id is None  # a bill is not the outage's ticket
    assert flow.conversation().answered_by_outage  # "e a internet?" still gets the gate


async def test_listing_filters_and_refuses_bad_filters(flow: Flow) -> None:
    """Reason and since filter the ledger; an unknown reason, a bad time or limit are refused."""
    from lia_core.errors import ValidationError
    from lia_core.services.handoffs import parse_reason

    await flow.say("quero cancelar meu plano")
    listed = flow.services.list_handoffs
    assert len(await listed(ListHandoffs(reason="Critical_Intent"))) == 1
    assert await listed(ListHandoffs(reason="out_of_hours")) == []
    assert len(await listed(ListHandoffs(since="1h"))) == 1
    assert await listed(ListHandoffs(since="2027-01-01")) == []
    assert parse_reason(" ") is None
    for query, field in (
        (ListHandoffs(reason="nope"), "reason"),
        (ListHandoffs(since="yesterday"), "since"),
        (ListHandoffs(limit=0), "limit"),
    ):
        with pytest.raises(ValidationError) as bad:
            await listed(query)
        assert bad.value.field == field
