"""The gate workers' lease on stored messages (`claim_unprocessed`), on every backend.

One worker per message and per chat at a time, oldest first; an ended lease frees its
messages again; concurrent workers (real transactions on SQLite and PostgreSQL) never gate
a message twice and gate each chat's messages in the order they were stored.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import attrs

from lia_adapters.system import SystemClock
from lia_core.domain.conversations import PendingInbound
from lia_core.domain.inbound import InboundMessage
from lia_core.ports import UnitOfWorkFactory
from lia_core.services.recovery import GateStoredInboundHandler
from tests.contract.builders.conversations import T0, add_inbound, inbound

LEASE = timedelta(seconds=30)


def said(pid: str, chat: str, *, sent_at: datetime = T0) -> InboundMessage:
    """A message in *chat* (its reply-to id)."""
    return attrs.evolve(inbound(pid, sent_at=sent_at), reply_to=chat)


async def claim(
    uow_factory: UnitOfWorkFactory, *, now: datetime = T0, limit: int = 10
) -> list[str]:
    """Lease up to *limit* messages at *now* for `LEASE`; their ids, in the order given."""
    async with uow_factory() as uow:
        leased = await uow.messages.claim_unprocessed(now=now, lease_until=now + LEASE, limit=limit)
        await uow.commit()
    return [p.id for p in leased]


async def mark(uow_factory: UnitOfWorkFactory, *ids: str) -> None:
    """Record the messages as gated."""
    async with uow_factory() as uow:
        await uow.messages.mark_processed(dict.fromkeys(ids, "c-1"), at=T0)
        await uow.commit()


async def test_leased_messages_are_not_leased_again(uow_factory: UnitOfWorkFactory) -> None:
    """Oldest first, up to the limit; what is leased is skipped by the next claim."""
    await add_inbound(uow_factory, ("m-1", said("w.1", "c1")), ("m-2", said("w.2", "c2")), at=T0)
    await add_inbound(uow_factory, ("m-0", said("w.0", "c0")), at=T0 - timedelta(seconds=1))
    await add_inbound(uow_factory, ("m-3", said("w.3", "c3")), at=T0 + timedelta(seconds=1))

    assert await claim(uow_factory, limit=2) == ["m-0", "m-1"]
    assert await claim(uow_factory) == ["m-2", "m-3"]
    assert await claim(uow_factory) == []


async def test_a_chat_under_lease_waits_for_it(uow_factory: UnitOfWorkFactory) -> None:
    """A chat's later message is not leased while an earlier one is: one gate per chat."""
    await add_inbound(uow_factory, ("a-1", said("w.a1", "ana")), at=T0)
    later = T0 + timedelta(seconds=1)
    await add_inbound(
        uow_factory, ("a-2", said("w.a2", "ana")), ("b-1", said("w.b1", "bia")), at=later
    )

    assert await claim(uow_factory, limit=1) == ["a-1"]
    assert await claim(uow_factory) == ["b-1"]
    await mark(uow_factory, "a-1")
    assert await claim(uow_factory) == ["a-2"]
    await mark(uow_factory, "a-2", "b-1")
    assert await claim(uow_factory, now=T0 + 2 * LEASE) == []  # gated: never again


async def test_one_claim_takes_a_chat_in_the_order_sent(uow_factory: UnitOfWorkFactory) -> None:
    """Messages of one chat stored together come back by the time they were sent."""
    await add_inbound(
        uow_factory,
        ("m-1", said("w.late", "ana", sent_at=T0 + timedelta(seconds=5))),
        ("m-2", said("w.early", "ana", sent_at=T0)),
        at=T0,
    )

    assert await claim(uow_factory) == ["m-2", "m-1"]


async def test_an_ended_lease_frees_the_chat(uow_factory: UnitOfWorkFactory) -> None:
    """A worker that died: once its lease ends, its messages (and chat) are leased again."""
    await add_inbound(uow_factory, ("a-1", said("w.a1", "ana")), at=T0)
    assert await claim(uow_factory) == ["a-1"]
    await add_inbound(uow_factory, ("a-2", said("w.a2", "ana")), at=T0 + timedelta(seconds=1))

    assert await claim(uow_factory, now=T0 + LEASE - timedelta(seconds=1)) == []
    assert await claim(uow_factory, now=T0 + LEASE) == ["a-1", "a-2"]


async def test_leased_messages_come_back_whole(uow_factory: UnitOfWorkFactory) -> None:
    """The gate gets the message as stored, with when it was stored."""
    await add_inbound(uow_factory, ("a-1", said("w.a1", "ana")), at=T0)
    async with uow_factory() as uow:
        leased = await uow.messages.claim_unprocessed(now=T0, lease_until=T0 + LEASE, limit=5)
        await uow.commit()
    assert [(p.id, p.stored_at) for p in leased] == [("a-1", T0)]
    assert leased[0].message == said("w.a1", "ana")


async def test_concurrent_workers_gate_each_message_once_in_chat_order(
    sql_uow_factory: UnitOfWorkFactory,
) -> None:
    """Two gate workers on a real database, each with its own transactions: every message
    is gated exactly once, and each chat's messages in the order they were stored."""
    chats = [f"chat-{n}" for n in range(8)]
    rng = random.Random(16)
    stored_at = datetime.now(UTC) - timedelta(minutes=1)
    order: dict[str, list[str]] = {chat: [] for chat in chats}
    for round_ in range(12):
        pairs = []
        for chat in rng.sample(chats, 5):
            mid = f"m-{round_:02d}-{chat}"
            pairs.append((mid, said(f"w.{mid}", chat)))
            order[chat].append(mid)
        await add_inbound(sql_uow_factory, *pairs, at=stored_at + timedelta(seconds=round_))
    gated: list[tuple[str, str]] = []
    busy: set[str] = set()
    overlaps: list[str] = []

    def worker(name: str) -> GateStoredInboundHandler:
        async def gate(batch: Sequence[PendingInbound]) -> None:
            held = {p.message.reply_to for p in batch}
            overlaps.extend(sorted(held & busy))  # the other worker is gating that chat
            busy.update(held)
            for pending in batch:
                gated.append((name, pending.id))
            await asyncio.sleep(rng.random() / 50)  # the other worker claims meanwhile
            async with sql_uow_factory() as uow:
                handled = {p.id: "c-1" for p in batch}
                await uow.messages.mark_processed(handled, at=stored_at)
                await uow.commit()
            busy.difference_update(held)

        return GateStoredInboundHandler(sql_uow_factory, SystemClock(), gate, batch_size=7)

    async def run(name: str) -> None:
        handler = worker(name)
        idle = 0
        while idle < 5:  # the other worker may hold the last chats for a moment
            idle = 0 if await handler() else idle + 1
            await asyncio.sleep(0.01)

    await asyncio.gather(run("a"), run("b"))

    ids = [mid for _, mid in gated]
    assert sorted(ids) == sorted(mid for mids in order.values() for mid in mids)
    assert len(ids) == len(set(ids))
    assert {name for name, _ in gated} == {"a", "b"}
    assert overlaps == []
    for chat, mids in order.items():
        assert [mid for mid in ids if mid.endswith(chat)] == mids
