"""Group commit: a round the store refuses is retried request by request, unless the store is down."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import attrs
import pytest

from lia_adapters.memory import FixedClock, InMemoryStore, SequentialIds
from lia_core.domain.inbound import InboundMessage, StatusUpdate
from lia_core.errors import DatabaseUnavailable, PortUnavailable
from lia_core.services.ingest import IngestHandler, IngestReport
from lia_entrypoints.inbound.group_commit import GroupCommit, Stored

from .texts import text


@attrs.define
class PickyIngest:
    """The real ingest over the fake store, refusing any write that holds the text *refused*."""

    store: InMemoryStore
    refused: str = "unstorable"
    down: bool = False
    calls: list[int] = attrs.field(factory=list)
    ids: SequentialIds = attrs.field(factory=SequentialIds)

    async def __call__(
        self, messages: Sequence[InboundMessage], receipts: Sequence[StatusUpdate] = ()
    ) -> IngestReport:
        """Count the call, then store or refuse."""
        self.calls.append(len(messages))
        if self.down:
            raise DatabaseUnavailable("connection refused", retry_after=5)
        if any(m.text == self.refused for m in messages):
            raise ValueError("the database cannot hold this text")
        return await IngestHandler(self.store.unit_of_work, FixedClock(), self.ids)(
            messages, receipts
        )


async def one_round(ingest: PickyIngest, *requests: list[InboundMessage]) -> list[object]:
    """Submit *requests* concurrently so they share one round; each one's result or error."""
    reports: list[IngestReport] = []
    group = GroupCommit(ingest=ingest, on_stored=reports.append, window=0.05)
    group.start()
    try:
        return await asyncio.gather(*(group.submit(r) for r in requests), return_exceptions=True)
    finally:
        await group.close()


async def test_only_the_request_the_store_refuses_fails() -> None:
    """Three requests share a round; the store refuses one: the other two are stored and acked."""
    store = InMemoryStore()
    ingest = PickyIngest(store)
    results = await one_round(
        ingest, [text(1, "oi")], [text(2, "unstorable"), text(3, "x")], [text(4, "olá")]
    )
    assert results[0] == Stored(messages=1, receipts=0)
    assert isinstance(results[1], ValueError)
    assert results[2] == Stored(messages=1, receipts=0)
    stored = {p.message.provider_message_id for p in store.conversation_tables.inbound.values()}
    assert stored == {"wamid.1", "wamid.4"}
    assert ingest.calls == [4, 1, 2, 1]  # the round, then each request alone


async def test_an_unavailable_store_fails_the_round_without_retrying() -> None:
    """When the database is down every request hears it at once: no one-by-one retries."""
    ingest = PickyIngest(InMemoryStore(), down=True)
    results = await one_round(ingest, [text(1, "oi")], [text(2, "olá")])
    assert all(isinstance(r, PortUnavailable) for r in results)
    assert ingest.calls == [2]


@pytest.mark.parametrize("requests", [1, 3])
async def test_a_clean_round_is_one_write(requests: int) -> None:
    """Without failures, a round of any size is written once."""
    ingest = PickyIngest(InMemoryStore())
    await one_round(ingest, *([text(n, "oi")] for n in range(requests)))
    assert ingest.calls == [requests]


@attrs.define
class HeldIngest:
    """The real ingest, but every write waits until the test lets it through."""

    inner: PickyIngest
    release: asyncio.Event = attrs.field(factory=asyncio.Event)
    started: asyncio.Event = attrs.field(factory=asyncio.Event)

    async def __call__(
        self, messages: Sequence[InboundMessage], receipts: Sequence[StatusUpdate] = ()
    ) -> IngestReport:
        """Signal the write began, wait for the release, then write."""
        self.started.set()
        await self.release.wait()
        return await self.inner(messages, receipts)


async def test_without_a_window_what_arrives_during_a_write_is_the_next_round() -> None:
    """The default (no window): the first request is written at once, and the five that
    arrive while it is written share one round after it, not one each."""
    held = HeldIngest(PickyIngest(InMemoryStore()))
    group = GroupCommit(ingest=held, on_stored=lambda report: None)
    assert group.window == 0
    group.start()
    try:
        first = asyncio.create_task(group.submit([text(0, "oi")]))
        await asyncio.wait_for(held.started.wait(), 1)
        later = [asyncio.create_task(group.submit([text(n, "oi")])) for n in range(1, 6)]
        await asyncio.sleep(0.01)  # they queue behind the write in flight
        assert not any(task.done() for task in [first, *later])
        held.release.set()
        results = await asyncio.gather(first, *later)
    finally:
        await group.close()
    assert results == [Stored(messages=1, receipts=0)] * 6
    assert held.inner.calls == [1, 5]
