"""The inline gate's lanes on PostgreSQL: two batches at once, never one conversation in both."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from lia_adapters.memory import FixedClock
from lia_adapters.sql import SqlUnitOfWorkFactory
from lia_adapters.sql.conversations.tables import conversations, messages
from lia_core.domain.conversations import PendingInbound
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.recipients import Phone
from lia_entrypoints.bootstrap import bootstrap
from lia_entrypoints.inbound import InboundRuntime
from lia_entrypoints.settings import Settings
from tests.conftest import connected_engine, migrate_from_template

T0 = FixedClock().now()
CHATS = 6
PER_CHAT = 10


def text(chat: int, n: int) -> InboundMessage:
    """Message *n* of customer *chat*, a second apart."""
    phone = f"55219888800{chat:02d}"
    return InboundMessage(
        channel=Channel.WHATSAPP,
        provider_message_id=f"wamid.{chat}.{n}",
        sender=Phone(phone),
        reply_to=phone,
        sent_at=T0 + timedelta(seconds=n),
        text=f"mensagem {n}",
    )


async def test_two_lanes_gate_a_burst_once_each_and_in_order_per_chat(
    request: pytest.FixtureRequest, postgres_url: str, tmp_path: Path
) -> None:
    """60 messages of 6 customers, interleaved, stored in rounds and gated in two lanes (the
    PostgreSQL default, small batches so both lanes run batches at once): one conversation
    per customer holding all its messages, each gated once, each customer's in stored order,
    the last message the conversation's."""
    settings = Settings(
        _env_file=None, database_url=postgres_url, data_dir=tmp_path,
        inbound={"process_batch": 4, "gate_window_ms": 0},
    )  # fmt: skip
    assert settings.inbound.gate_lanes == 2
    migrate_from_template(request, postgres_url)
    engine = await connected_engine(postgres_url)
    runtime = await bootstrap(settings, uow=SqlUnitOfWorkFactory(engine))
    inbound = InboundRuntime.create(runtime.services, runtime.metrics, settings.inbound)
    assert len(inbound.waiting.queues) == 2
    inbound.start()
    try:
        for n in range(PER_CHAT):
            await inbound.group.submit([text(chat, n) for chat in range(CHATS)])
        await inbound.drain()
    finally:
        await inbound.close()
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(
                        messages.c.provider_message_id,
                        messages.c.conversation_id,
                        messages.c.processed_at,
                    ).order_by(messages.c.stored_at, messages.c.provider_message_id)
                )
            ).all()
            talks = (
                await conn.execute(select(conversations.c.id, conversations.c.last_message))
            ).all()
    finally:
        await runtime.aclose()
        await engine.dispose()
    inbound_rows = [r for r in rows if r.provider_message_id is not None]
    assert len(inbound_rows) == CHATS * PER_CHAT
    assert all(r.processed_at is not None for r in inbound_rows)
    by_chat: dict[str, list[tuple[int, object]]] = defaultdict(list)
    conversation_of: dict[str, set[str]] = defaultdict(set)
    for r in inbound_rows:
        _, chat, n = r.provider_message_id.split(".")
        by_chat[chat].append((int(n), r.processed_at))
        conversation_of[chat].add(r.conversation_id)
    assert all(len(ids) == 1 for ids in conversation_of.values())
    assert len(talks) == CHATS
    for gated in by_chat.values():
        in_stored_order = [at for _, at in sorted(gated, key=lambda pair: pair[0])]
        assert in_stored_order == sorted(in_stored_order)  # type: ignore[type-var]
    assert {t.last_message for t in talks} == {f"mensagem {PER_CHAT - 1}"}
    firsts = [PendingInbound(id=f"p{c}", message=text(c, 0), stored_at=T0) for c in range(CHATS)]
    assert len({id(inbound.waiting.lane_of(p)) for p in firsts}) == 2  # both lanes had customers
