"""The ConversationRepository contract on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import attrs
import pytest

from lia_core.domain.conversations import (
    ConversationStatus,
    GateMemory,
)
from lia_core.domain.delivery import (
    Channel,
)
from lia_core.errors import NotFound
from lia_core.ports import UnitOfWorkFactory
from tests.contract.builders.conversations import PHONE, T0, WA, a_conversation


async def test_conversation_round_trips_with_its_gate_memory(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Every field and the whole gate memory survive get and get_many, keyed by chat."""
    conversation = a_conversation()
    async with uow_factory() as uow:
        await uow.conversations.save_many([conversation])
        await uow.commit()

    async with uow_factory() as uow:
        loaded = await uow.conversations.get("c-1")
        by_chat = await uow.conversations.get_many(
            [(WA, "552199990001"), (Channel.SMS, "552199990001")]
        )
        with pytest.raises(NotFound):
            await uow.conversations.get("c-404")
    assert loaded == conversation
    assert loaded.gate == conversation.gate
    assert loaded.answered_by_outage
    assert by_chat == {(WA, "552199990001"): conversation}


async def test_conversation_save_replaces_by_id(uow_factory: UnitOfWorkFactory) -> None:
    """A known id is rewritten (status, gate, timestamps); new ones in the batch are inserted."""
    async with uow_factory() as uow:
        await uow.conversations.save_many([a_conversation()])
        await uow.commit()
    changed = a_conversation(
        status=ConversationStatus.WAITING, gate=GateMemory(), at=T0 + timedelta(hours=1), version=1
    )
    other = a_conversation("c-2", chat="5521911112222", gate=GateMemory())
    async with uow_factory() as uow:
        await uow.conversations.save_many([changed, other])
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.conversations.get("c-1") == changed
        assert await uow.conversations.get("c-2") == other
        assert not (await uow.conversations.get("c-1")).answered_by_outage


async def test_a_stored_conversation_keeps_its_chat_key(uow_factory: UnitOfWorkFactory) -> None:
    """Saving a known id under another chat key rewrites the rest but keeps the stored key."""
    async with uow_factory() as uow:
        await uow.conversations.save_many([a_conversation()])
        await uow.commit()
    async with uow_factory() as uow:
        moved = a_conversation(chat="elsewhere", status=ConversationStatus.WAITING, version=1)
        await uow.conversations.save_many([moved])
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.conversations.get_many([(WA, "elsewhere")]) == {}
        assert await uow.conversations.get("c-1") == attrs.evolve(moved, chat_id="552199990001")


async def test_a_chat_key_keeps_its_first_conversation(uow_factory: UnitOfWorkFactory) -> None:
    """A second id for a stored or same-batch chat key is skipped; the rest is saved."""
    async with uow_factory() as uow:
        await uow.conversations.save_many([a_conversation()])
        await uow.commit()
    async with uow_factory() as uow:
        await uow.conversations.save_many(
            [
                a_conversation("c-9"),
                a_conversation("c-2", chat="x"),
                a_conversation("c-3", chat="x"),
            ]
        )
        await uow.commit()

    async with uow_factory() as uow:
        chats = await uow.conversations.get_many([(WA, "552199990001"), (WA, "x")])
        with pytest.raises(NotFound):
            await uow.conversations.get("c-9")
    assert {key: c.id for key, c in chats.items()} == {
        (WA, "552199990001"): "c-1",
        (WA, "x"): "c-2",
    }


async def test_concurrent_writers_of_one_chat_keep_one_conversation(
    sql_uow_factory: UnitOfWorkFactory,
) -> None:
    """Two transactions creating the same chat under different ids both commit; one id wins."""

    async def create(conversation_id: str) -> None:
        async with sql_uow_factory() as uow:
            await uow.conversations.save_many([a_conversation(conversation_id)])
            await asyncio.sleep(0.05)  # hold the transaction open while the other writes
            await uow.commit()

    await asyncio.gather(create("c-a"), create("c-b"))

    async with sql_uow_factory() as uow:
        chats = await uow.conversations.get_many([(WA, "552199990001")])
        listed = await uow.conversations.list()
    assert [c.id for c in listed] == [chats[(WA, "552199990001")].id]


async def test_list_filters_and_orders_by_last_message(uow_factory: UnitOfWorkFactory) -> None:
    """list() filters by status and phone, most recent message first, up to the limit."""
    rows = [
        a_conversation("c-1", chat="a", at=T0),
        a_conversation(
            "c-2", chat="b", at=T0 + timedelta(minutes=2), status=ConversationStatus.WAITING
        ),
        a_conversation("c-3", chat="c", at=T0 + timedelta(minutes=1), phone="5521900000000"),
        a_conversation("c-4", chat="d", at=T0 + timedelta(minutes=2)),
    ]
    async with uow_factory() as uow:
        await uow.conversations.save_many(rows)
        await uow.commit()

    async with uow_factory() as uow:
        conversations = uow.conversations
        assert [c.id for c in await conversations.list()] == ["c-4", "c-2", "c-3", "c-1"]
        assert [c.id for c in await conversations.list(limit=2)] == ["c-4", "c-2"]
        waiting = await conversations.list(status=ConversationStatus.WAITING)
        assert [c.id for c in waiting] == ["c-2"]
        mine = await conversations.list(contact_phone=PHONE, status=ConversationStatus.ACTIVE)
        assert [c.id for c in mine] == ["c-4", "c-1"]
