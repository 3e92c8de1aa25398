"""The worker runs the assignment tick: settings reach it, and `--once` makes due offers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_core.domain.agents import AgentProfile, Presence
from lia_core.domain.assignments import Assignment, OfferStatus
from lia_core.domain.users import Role, User
from lia_entrypoints.bootstrap import bootstrap
from lia_entrypoints.settings import Settings
from lia_entrypoints.worker import run_worker, timers

T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


async def test_once_offers_a_waiting_conversation_with_the_configured_time_limit(
    tmp_path: Path,
) -> None:
    """LIA_ASSIGNMENT__TICK_SECONDS paces the timer; the offer lasts OFFER_TIMEOUT_SECONDS."""
    clock, store = FixedClock(T0), InMemoryStore()
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        assignment={"tick_seconds": 3, "offer_timeout_seconds": 45, "strategy": "least_load"},
    )
    runtime = await bootstrap(
        settings, uow=store.unit_of_work, clock=clock, ids=SequentialIds(), hasher=PlainTextHasher()
    )
    assert {t.name: t.every for t in timers(runtime)}["assignment"] == 3
    async with store.unit_of_work() as uow:
        await uow.users.add(
            User(
                id="u-1",
                username="ana",
                role=Role.AGENT,
                password_hash="x",
                created_at=T0,
                departments=frozenset({"support"}),
            )
        )
        await uow.agents.save(AgentProfile(username="ana", status=Presence.ONLINE, last_seen_at=T0))
        await uow.assignments.save_many(
            [
                Assignment(
                    conversation_id="c-1", department="support", waiting_since=T0, updated_at=T0
                )
            ]
        )
        await uow.commit()
    await run_worker(runtime, once=True)
    (offer,) = store.assignment_tables.offers.values()
    assert (offer.agent, offer.status) == ("ana", OfferStatus.PENDING)
    assert offer.due_at == T0 + timedelta(seconds=45)
    await runtime.aclose()
