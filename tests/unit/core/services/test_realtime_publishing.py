"""Which use cases publish which realtime events, over the fakes: a customer's message, the
ticket it opens, a reply sent and its receipts, a ticket command — and never text or phones."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import pytest

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_core.desk.commands import DEFAULT_DEPARTMENT, OpenTicket, SetPriority
from lia_core.domain.activity import Actor
from lia_core.domain.delivery import Channel
from lia_core.domain.delivery_policy import FailureKind
from lia_core.domain.inbound import InboundMessage, MessageStatus, StatusUpdate
from lia_core.domain.realtime import RealtimeEvent, RealtimeKind, to_wire
from lia_core.domain.recipients import Phone
from lia_core.domain.tickets import Priority
from lia_core.errors import ConcurrencyConflict
from lia_core.services import Services
from lia_core.services.dispatch import DeliveryPolicy
from lia_core.services.inbound import InboundPolicy
from tests.unit.core.services.delivery_harness import ScriptedSender

T0 = datetime(2026, 5, 20, 14, 30, tzinfo=UTC)
PHONE = "5531987654321"
TEXT = "minha internet caiu de novo"
REPLY = "Recebemos sua mensagem, já vamos atender."


@attrs.define
class Desk:
    """Use cases over one fake store, with a scripted WhatsApp sender."""

    store: InMemoryStore
    clock: FixedClock
    services: Services
    sender: ScriptedSender

    def published(self) -> list[RealtimeEvent]:
        """Every event committed so far, and forget them."""
        events = list(self.store.bus.delivered)
        self.store.bus.delivered.clear()
        return events

    async def customer_writes(self, pid: str) -> None:
        """A WhatsApp message stored by ingest and handled by the gate."""
        message = InboundMessage(
            channel=Channel.WHATSAPP,
            provider_message_id=pid,
            sender=Phone(PHONE),
            reply_to=PHONE,
            sent_at=self.clock.now(),
            text=TEXT,
        )
        report = await self.services.ingest([message])
        await self.services.gate(report.new)

    async def receipt(self, pid: str, status: MessageStatus) -> None:
        """A delivery receipt from the provider."""
        update = StatusUpdate(
            channel=Channel.WHATSAPP, provider_message_id=pid, status=status, at=self.clock.now()
        )
        await self.services.ingest([], [update])


@pytest.fixture
def desk() -> Desk:
    """The queue says something when a conversation enters it, so there is a reply to follow."""
    store, clock = InMemoryStore(), FixedClock(T0)
    sender = ScriptedSender(Channel.WHATSAPP)
    services = Services.build(
        uow=store.unit_of_work,
        clock=clock,
        ids=SequentialIds("id"),
        hasher=PlainTextHasher(),
        senders={Channel.WHATSAPP: sender},
        inbound_policy=InboundPolicy(queue_reply=REPLY),
        delivery_policy=DeliveryPolicy(rates={}, pair_intervals={}),
    )
    return Desk(store, clock, services, sender)


def _kinds(events: list[RealtimeEvent]) -> list[str]:
    return [e.kind.value for e in events]


async def test_a_handed_message_publishes_its_ticket_and_itself(desk: Desk) -> None:
    """The first message opens a ticket (`ticket.updated`) and is `message.received` with the
    ticket's department and id; the next one feeds the same ticket."""
    await desk.customer_writes("wamid.1")
    events = desk.published()
    assert _kinds(events) == ["ticket.updated", "message.received"]
    ticket, received = events
    assert ticket.department == received.department == DEFAULT_DEPARTMENT
    assert received.ticket_id == ticket.ticket_id is not None
    assert received.conversation_id == ticket.conversation_id is not None
    assert (received.channel, received.status) == ("whatsapp", "waiting")
    assert received.message_id is not None
    assert (ticket.status, ticket.priority, ticket.waiting_since) == ("open", "medium", T0)
    assert ticket.due_at is not None
    assert ticket.due_at > T0
    await desk.customer_writes("wamid.2")
    fed, again = desk.published()
    assert (fed.kind, again.kind) == (RealtimeKind.TICKET_UPDATED, RealtimeKind.MESSAGE_RECEIVED)
    assert fed.ticket_id == ticket.ticket_id
    assert again.message_id != received.message_id


async def test_a_reply_is_sent_then_moved_by_its_receipts(desk: Desk) -> None:
    """The queue's reply: `message.sent` when the provider takes it, then one
    `message.status_updated` per receipt that moves it (a repeated one publishes nothing)."""
    await desk.customer_writes("wamid.1")
    received = desk.published()[-1]
    await desk.services.dispatcher.run_once(owner="w-1")
    (sent,) = desk.published()
    assert sent.kind is RealtimeKind.MESSAGE_SENT
    assert (sent.conversation_id, sent.department) == (received.conversation_id, DEFAULT_DEPARTMENT)
    assert (sent.status, sent.ticket_id) == ("SENT", received.ticket_id)
    assert sent.message_id not in (None, received.message_id)
    await desk.receipt("whatsapp-1", MessageStatus.DELIVERED)
    await desk.receipt("whatsapp-1", MessageStatus.READ)
    await desk.receipt("whatsapp-1", MessageStatus.DELIVERED)  # late: READ stays
    await desk.receipt("wamid.unknown", MessageStatus.READ)  # no message of ours
    moved = desk.published()
    assert [(e.kind.value, e.status) for e in moved] == [
        ("message.status_updated", "DELIVERED"),
        ("message.status_updated", "READ"),
    ]
    assert {e.message_id for e in moved} == {sent.message_id}


async def test_a_send_given_up_is_a_failed_status(desk: Desk) -> None:
    """A permanent failure dead-letters the reply: `message.status_updated` FAILED."""
    await desk.customer_writes("wamid.1")
    desk.published()
    desk.sender.fail_next(FailureKind.PERMANENT)
    await desk.services.dispatcher.run_once(owner="w-1")
    (failed,) = desk.published()
    assert (failed.kind, failed.status) == (RealtimeKind.MESSAGE_STATUS_UPDATED, "FAILED")


async def test_opening_and_acting_on_a_ticket_publish_it(desk: Desk) -> None:
    """`Desk.open` and every command publish `ticket.updated` with the state after the change."""
    ticket = await desk.services.desk.open(
        OpenTicket(subject="Sem sinal", department="suporte-n1"), Actor(name="ana")
    )
    await desk.services.desk.act(
        ticket.id, SetPriority(priority=Priority.URGENT, reason="cliente VIP"), Actor(name="ana")
    )
    opened, changed = desk.published()
    assert (opened.kind, opened.ticket_id, opened.department) == (
        RealtimeKind.TICKET_UPDATED,
        ticket.id,
        "suporte-n1",
    )
    assert (opened.priority, changed.priority) == ("medium", "urgent")


async def test_a_refused_command_publishes_nothing(desk: Desk) -> None:
    """A command that fails rolls back, and its event with it."""
    ticket = await desk.services.desk.open(OpenTicket(subject="Sem sinal"), Actor(name="ana"))
    desk.published()
    with pytest.raises(ConcurrencyConflict):
        await desk.services.desk.act(
            ticket.id,
            SetPriority(priority=Priority.HIGH, reason="x"),
            Actor(name="ana"),
            expected_version=ticket.version + 5,
        )
    assert desk.published() == []


async def test_no_event_carries_text_or_the_phone(desk: Desk) -> None:
    """Across a whole exchange, no payload holds the customer's words, the reply or the phone."""
    await desk.customer_writes("wamid.1")
    await desk.services.dispatcher.run_once(owner="w-1")
    await desk.receipt("whatsapp-1", MessageStatus.READ)
    wires = [to_wire(e) for e in desk.published()]
    assert len(wires) == 4
    for wire in wires:
        for secret in (TEXT, REPLY, PHONE, PHONE[4:]):
            assert secret not in wire
