"""The gate loop's failure isolation and the recovery sweep, over the in-memory store."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import attrs

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_core.domain.conversations import Conversation
from lia_core.domain.inbound import InboundMessage
from lia_core.ports import Routing
from lia_core.services.inbound import HumanQueueRouter
from lia_core.services.ingest import IngestHandler
from lia_entrypoints.bootstrap import bootstrap
from lia_entrypoints.settings import Settings

from .texts import text


@attrs.define
class PoisonRouter:
    """Raises for one text (a bug in a bot, say), queues everything else; `poison=None` heals it."""

    poison: str | None

    async def route(self, conversation: Conversation, message: InboundMessage) -> Routing:
        """Fail on the poison text."""
        if self.poison is not None and message.text == self.poison:
            raise RuntimeError("the bot crashed on this message")
        return await HumanQueueRouter().route(conversation, message)


async def test_one_bad_message_does_not_hold_back_its_batch(tmp_path: Path) -> None:
    """A batch that raises is retried message by message; only the bad one stays unprocessed,
    and the sweep tries it again later without looping."""
    store, clock, ids = InMemoryStore(), FixedClock(), SequentialIds()
    settings = Settings(_env_file=None, data_dir=tmp_path)
    router = PoisonRouter("boom")
    runtime = await bootstrap(
        settings,
        uow=store.unit_of_work,
        clock=clock,
        ids=ids,
        hasher=PlainTextHasher(),
        router=router,
    )
    stored = await IngestHandler(store.unit_of_work, clock, ids)(
        [text(1, "oi"), text(2, "boom"), text(3, "olá")]
    )
    await runtime.services.gate(stored.new)
    unhandled = set(store.conversation_tables.inbound) - set(store.conversation_tables.processed)
    (poison,) = [p.id for p in stored.new if p.message.text == "boom"]
    assert unhandled == {poison}
    metrics = runtime.metrics.registry.get_sample_value(
        "lia_gate_outcomes_total", {"outcome": "failed"}
    )
    assert metrics == 1.0
    clock.advance(minutes=5)
    sweep = runtime.services.sweep_stale_inbound
    assert await sweep() == 1  # tried once, still failing, and the sweep ends
    router.poison = None
    clock.advance(seconds=timedelta(minutes=1).total_seconds())
    assert await sweep() == 1
    assert set(store.conversation_tables.inbound) == set(store.conversation_tables.processed)
