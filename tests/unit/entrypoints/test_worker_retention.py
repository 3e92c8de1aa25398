"""The worker's retention timer: LIA_RETENTION__* reach it; with every retention at 0 (the
default) it purges nothing; with some on, only those."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_core.domain.delivery import JobStatus
from lia_entrypoints.bootstrap import Runtime, bootstrap
from lia_entrypoints.settings import Settings
from lia_entrypoints.worker import WorkerReport, timers
from tests.contract.builders.delivery import a_job, store_jobs

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


async def _runtime(tmp_path: Path, store: InMemoryStore, **retention: object) -> Runtime:
    settings = Settings(_env_file=None, data_dir=tmp_path, retention=retention)
    return await bootstrap(
        settings,
        uow=store.unit_of_work,
        clock=FixedClock(NOW),
        ids=SequentialIds(),
        hasher=PlainTextHasher(),
    )


async def _store() -> InMemoryStore:
    store = InMemoryStore()
    old = NOW - timedelta(days=40)
    await store_jobs(
        store.unit_of_work,
        a_job("j-sent", status=JobStatus.SENT, created_at=old),
        a_job("j-pending", status=JobStatus.PENDING, created_at=old),
        a_job("j-recent", status=JobStatus.SENT, created_at=NOW - timedelta(days=2)),
    )
    return store


async def test_the_timer_purges_what_is_past_its_retention(tmp_path: Path) -> None:
    """LIA_RETENTION__OUTBOX_DAYS=30 every LIA_RETENTION__INTERVAL_SECONDS: the old sent job
    goes, the old pending one and the recent one stay; the purge is audited by "retention"."""
    store = await _store()
    runtime = await _runtime(tmp_path, store, outbox_days=30, interval_seconds=900)
    (timer,) = [t for t in timers(runtime) if t.name == "retention"]
    assert timer.every == 900
    await timer.job(runtime, WorkerReport())
    assert set(store.jobs) == {"j-pending", "j-recent"}
    assert [(e.actor, e.entity_id) for e in store.activity.values()] == [("retention", "outbox")]
    await runtime.aclose()


async def test_by_default_it_keeps_everything(tmp_path: Path) -> None:
    """Every retention 0 (the default): nothing purged, nothing audited."""
    store = await _store()
    runtime = await _runtime(tmp_path, store)
    (timer,) = [t for t in timers(runtime) if t.name == "retention"]
    await timer.job(runtime, WorkerReport())
    assert len(store.jobs) == 3
    assert store.activity == {}
    await runtime.aclose()


async def test_failed_sign_in_counts_idle_past_forget_after_go_every_round(
    tmp_path: Path,
) -> None:
    """Even with every retention at 0: a count idle for LIA_LOGIN__FORGET_AFTER_MINUTES would
    start from zero anyway, so its row goes; a recent one stays and keeps throttling."""
    store = InMemoryStore()
    async with store.unit_of_work() as uow:
        for key, at in (("ip:203.0.113.9", NOW - timedelta(hours=2)), ("user:ana", NOW)):
            await uow.login_failures.record([key], at=at, since=at - timedelta(hours=1))
        await uow.commit()
    runtime = await _runtime(tmp_path, store)
    (timer,) = [t for t in timers(runtime) if t.name == "retention"]
    await timer.job(runtime, WorkerReport())
    assert set(store.login_failures) == {"user:ana"}
    assert store.activity == {}
    await runtime.aclose()
