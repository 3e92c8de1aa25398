"""The LoginFailureLog contract (uow.login_failures) on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lia_core.ports import UnitOfWorkFactory

T0 = datetime(2026, 5, 20, 15, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


async def _record(uow_factory: UnitOfWorkFactory, *keys: str, at: datetime) -> dict[str, int]:
    async with uow_factory() as uow:
        counted = await uow.login_failures.record(list(keys), at=at, since=at - HOUR)
        await uow.commit()
    return {key: value.count for key, value in counted.items()}


async def test_failures_add_up_per_key_across_units_of_work(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Each committed failure adds one to each of its keys; recent reads the counts back."""
    assert await _record(uow_factory, "user:ana", "ip:10.0.0.7", at=T0) == {
        "user:ana": 1,
        "ip:10.0.0.7": 1,
    }
    assert await _record(uow_factory, "user:bia", "ip:10.0.0.7", at=T0 + timedelta(seconds=1)) == {
        "user:bia": 1,
        "ip:10.0.0.7": 2,
    }
    async with uow_factory() as uow:
        recent = await uow.login_failures.recent(
            ["user:ana", "ip:10.0.0.7", "user:nobody"], since=T0 - HOUR
        )
    assert {key: (f.count, f.last_at) for key, f in recent.items()} == {
        "user:ana": (1, T0),
        "ip:10.0.0.7": (2, T0 + timedelta(seconds=1)),
    }


async def test_a_count_restarts_after_a_quiet_spell_and_old_ones_are_not_recent(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """A failure after `since` passed the last one counts 1 again; older rows are left out."""
    for _ in range(3):
        await _record(uow_factory, "user:ana", at=T0)
    later = T0 + 2 * HOUR
    async with uow_factory() as uow:
        assert await uow.login_failures.recent(["user:ana"], since=later - HOUR) == {}
    assert await _record(uow_factory, "user:ana", at=later) == {"user:ana": 1}


async def test_forget_drops_the_key_and_a_rollback_counts_nothing(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """forget removes one key's count; a unit of work left uncommitted changes nothing."""
    await _record(uow_factory, "user:ana", "ip:10.0.0.7", at=T0)
    async with uow_factory() as uow:
        await uow.login_failures.forget("user:ana")
        await uow.commit()
    async with uow_factory() as uow:
        await uow.login_failures.record(["ip:10.0.0.7"], at=T0, since=T0 - HOUR)  # not committed
    async with uow_factory() as uow:
        recent = await uow.login_failures.recent(["user:ana", "ip:10.0.0.7"], since=T0 - HOUR)
    assert {key: f.count for key, f in recent.items()} == {"ip:10.0.0.7": 1}


async def test_a_key_given_twice_counts_once(uow_factory: UnitOfWorkFactory) -> None:
    """One attempt counts once per key, even if the caller repeats a key."""
    assert await _record(uow_factory, "user:ana", "user:ana", at=T0) == {"user:ana": 1}


async def test_purge_deletes_only_counts_idle_since_before_and_in_batches(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Keys last failed before the cutoff go, at most *limit* per call; newer ones stay."""
    for n in range(3):
        await _record(uow_factory, f"ip:10.0.0.{n}", at=T0 + timedelta(seconds=n))
    await _record(uow_factory, "user:ana", at=T0 + HOUR)
    cutoff = T0 + timedelta(minutes=30)
    async with uow_factory() as uow:
        assert await uow.login_failures.purge(before=cutoff, limit=2) == 2
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.login_failures.purge(before=cutoff, limit=2) == 1
        assert await uow.login_failures.purge(before=cutoff, limit=2) == 0
        await uow.commit()
    keys = ["user:ana", *(f"ip:10.0.0.{n}" for n in range(3))]
    async with uow_factory() as uow:
        recent = await uow.login_failures.recent(keys, since=T0 - HOUR)
    assert set(recent) == {"user:ana"}
    assert await _record(uow_factory, "ip:10.0.0.0", at=T0 + HOUR) == {"ip:10.0.0.0": 1}
