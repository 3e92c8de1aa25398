"""Conversations are versioned: a save is refused if someone saved the conversation since it
was read, and the gate re-reads and re-decides rather than overwrite a person's change; on
the fake, SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest

from lia_adapters.memory import FixedClock, SequentialIds
from lia_core.domain.conversations import Conversation, ConversationStatus
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.recipients import Phone
from lia_core.errors import ConcurrencyConflict
from lia_core.ports import Routing, UnitOfWorkFactory
from lia_core.services.failures import CheckLocationHandler
from lia_core.services.inbound import HumanQueueRouter, ProcessInboundHandler
from lia_core.services.ingest import ActiveFailures, IngestHandler

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
PHONE = "5521999990001"
CHAT = "552199990001"
WA = Channel.WHATSAPP
CLAIMED = "claimed by agent ana"


def a_conversation(conversation_id: str = "c-1") -> Conversation:
    """A new conversation (version 0) in the human queue."""
    return Conversation(
        id=conversation_id,
        channel=WA,
        chat_id=CHAT,
        contact_phone=PHONE,
        status=ConversationStatus.WAITING,
        last_message_at=T0,
        created_at=T0,
        updated_at=T0,
    )


def message(pid: str) -> InboundMessage:
    """A customer's text on WhatsApp."""
    return InboundMessage(
        channel=WA,
        provider_message_id=pid,
        sender=Phone(PHONE),
        reply_to=CHAT,
        sent_at=T0,
        display_name="Ana Sá",
        text=f"alguém aí? ({pid})",
    )


async def save(uow_factory: UnitOfWorkFactory, conversation: Conversation) -> None:
    """Save one conversation in a unit of work of its own."""
    async with uow_factory() as uow:
        await uow.conversations.save_many([conversation])
        await uow.commit()


async def claim(uow_factory: UnitOfWorkFactory, conversation_id: str, *, by: str) -> None:
    """What a staff action does: read the conversation, change who holds it, commit."""
    async with uow_factory() as uow:
        conversation = await uow.conversations.get(conversation_id)
        conversation.status = ConversationStatus.TRANSFERRED
        conversation.status_reason = by
        await uow.conversations.save_many([conversation])
        await uow.commit()


@attrs.define
class ClaimingRouter:
    """The human queue, but a person claims the conversation while the gate decides it."""

    uow_factory: UnitOfWorkFactory
    claims: int = 1
    """How many of the first routings are raced by a claim."""
    seen: list[ConversationStatus] = attrs.Factory(list)

    async def route(self, conversation: Conversation, message: InboundMessage) -> Routing:
        """Route as the human queue does, after committing a claim the gate has not read."""
        self.seen.append(conversation.status)
        if len(self.seen) <= self.claims:
            await claim(self.uow_factory, conversation.id, by=f"{CLAIMED} #{len(self.seen)}")
        return await HumanQueueRouter().route(conversation, message)


def gate(
    uow_factory: UnitOfWorkFactory, router: ClaimingRouter, *, ids: SequentialIds
) -> ProcessInboundHandler:
    """The gate with no outage and no CRM, routing through *router*."""
    clock = FixedClock(T0 + timedelta(minutes=5))
    return ProcessInboundHandler(
        uow=uow_factory,
        clock=clock,
        ids=ids,
        failures=ActiveFailures(CheckLocationHandler(uow_factory), clock, timedelta(0)),
        router=router,
        tz=UTC,
    )


async def receive(uow_factory: UnitOfWorkFactory, pid: str, router: ClaimingRouter) -> None:
    """Store one message and run the gate over it."""
    ids = SequentialIds(pid)
    report = await IngestHandler(uow_factory, FixedClock(T0), ids)([message(pid)])
    await gate(uow_factory, router, ids=ids)(report.new)


async def test_versions_start_at_one_and_every_save_bumps_them(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """A new conversation is stored at version 1, and each save adds one to the saved object."""
    conversation = a_conversation()
    await save(uow_factory, conversation)
    assert conversation.version == 1

    async with uow_factory() as uow:
        loaded = await uow.conversations.get("c-1")
        assert loaded.version == 1
        await uow.conversations.save_many([loaded])
        await uow.commit()
    assert loaded.version == 2
    async with uow_factory() as uow:
        assert (await uow.conversations.get("c-1")).version == 2


async def test_saving_a_conversation_changed_since_it_was_read_conflicts(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """A save from a stale read raises ConcurrencyConflict and the other writer's change stays."""
    await save(uow_factory, a_conversation())
    async with uow_factory() as uow:
        stale = await uow.conversations.get("c-1")

    await claim(uow_factory, "c-1", by=CLAIMED)
    stale.status = ConversationStatus.ACTIVE
    with pytest.raises(ConcurrencyConflict):
        await save(uow_factory, stale)

    async with uow_factory() as uow:
        stored = await uow.conversations.get("c-1")
    assert (stored.status, stored.status_reason, stored.version) == (
        ConversationStatus.TRANSFERRED,
        CLAIMED,
        2,
    )


async def test_a_new_conversation_under_a_stored_id_conflicts(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Saving version 0 (new) for an id already stored is refused, not an overwrite."""
    await save(uow_factory, a_conversation())

    again = attrs.evolve(a_conversation(), status=ConversationStatus.ACTIVE)
    with pytest.raises(ConcurrencyConflict):
        await save(uow_factory, again)
    async with uow_factory() as uow:
        assert (await uow.conversations.get("c-1")).status is ConversationStatus.WAITING


async def test_a_change_committed_between_the_gates_read_and_write_survives(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """A claim committed while the gate decides is kept: the gate re-reads and re-decides."""
    await receive(uow_factory, "m1", ClaimingRouter(uow_factory, claims=0))
    router = ClaimingRouter(uow_factory, claims=1)

    await receive(uow_factory, "m2", router)

    async with uow_factory() as uow:
        [conversation] = await uow.conversations.list()
        unprocessed = await uow.messages.unprocessed(stored_before=T0 + timedelta(days=1), limit=9)
    assert router.seen == [ConversationStatus.WAITING, ConversationStatus.TRANSFERRED]
    assert conversation.status is ConversationStatus.TRANSFERRED
    assert conversation.status_reason == f"{CLAIMED} #1"
    assert conversation.last_message == "alguém aí? (m2)"  # the gate's own change is written too
    assert conversation.version == 3  # created by the gate, claimed, written by the gate again
    assert unprocessed == []


async def test_the_gate_gives_up_after_its_attempts_and_leaves_the_messages_unprocessed(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Raced on every attempt, the gate raises ConcurrencyConflict; the sweep will retry later."""
    await receive(uow_factory, "m1", ClaimingRouter(uow_factory, claims=0))
    router = ClaimingRouter(uow_factory, claims=3)

    with pytest.raises(ConcurrencyConflict):
        await receive(uow_factory, "m2", router)

    async with uow_factory() as uow:
        [conversation] = await uow.conversations.list()
        unprocessed = await uow.messages.unprocessed(stored_before=T0 + timedelta(days=1), limit=9)
    assert len(router.seen) == 3
    assert conversation.status_reason == f"{CLAIMED} #3"
    assert [p.message.provider_message_id for p in unprocessed] == ["m2"]
