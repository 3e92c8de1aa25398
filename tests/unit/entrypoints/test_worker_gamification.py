"""The worker's gamification timer: LIA_GAMIFICATION__* reach it; on 2 December it finishes
November and runs December; disabled, it runs nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_entrypoints.bootstrap import Runtime, bootstrap
from lia_entrypoints.settings import Settings
from lia_entrypoints.worker import WorkerReport, timers
from tests.contract.builders.gamification import store_november

DEC_2 = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


async def _runtime(tmp_path: Path, store: InMemoryStore, **gamification: object) -> Runtime:
    settings = Settings(_env_file=None, data_dir=tmp_path, gamification=gamification)
    return await bootstrap(
        settings,
        uow=store.unit_of_work,
        clock=FixedClock(DEC_2),
        ids=SequentialIds(),
        hasher=PlainTextHasher(),
    )


async def test_the_timer_runs_the_due_months(tmp_path: Path) -> None:
    """Every LIA_GAMIFICATION__INTERVAL_SECONDS: November (finished once) and December."""
    store = InMemoryStore()
    await store_november(store.unit_of_work)
    runtime = await _runtime(tmp_path, store, interval_seconds=600)
    (timer,) = [t for t in timers(runtime) if t.name == "gamification"]
    assert timer.every == 600
    await timer.job(runtime, WorkerReport())
    assert sorted(store.gamification.runs) == ["2026-11", "2026-12"]
    assert [s.agent_id for s in store.gamification.runs["2026-11"].scores] == ["bia", "ana", "caio"]
    await runtime.aclose()


async def test_disabled_it_runs_nothing(tmp_path: Path) -> None:
    """LIA_GAMIFICATION__ENABLED=false: the timer does nothing."""
    store = InMemoryStore()
    runtime = await _runtime(tmp_path, store, enabled=False)
    (timer,) = [t for t in timers(runtime) if t.name == "gamification"]
    await timer.job(runtime, WorkerReport())
    assert store.gamification.runs == {}
    await runtime.aclose()
