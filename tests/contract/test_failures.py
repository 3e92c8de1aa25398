"""The FailureRepository contract (and the outage-catalogue revision) on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import attrs
import pytest

from lia_core.domain.failures import FailureAction, FailureStatus, MassiveFailure
from lia_core.errors import AlreadyExists, ConcurrencyConflict, NotFound
from lia_core.ports import UnitOfWorkFactory
from tests.contract.builders.outages import (
    BRT,
    T0,
    a_failure,
    a_full_failure,
    a_region,
    a_user,
    revision,
    store_failures,
)


async def test_full_failure_round_trips(uow_factory: UnitOfWorkFactory) -> None:
    """Every field of a failure, timestamps as the same aware instants, survives a round trip."""
    original = a_full_failure()
    await store_failures(uow_factory, original)

    async with uow_factory() as uow:
        loaded = await uow.failures.get(original.id)

    assert loaded == original
    assert loaded.version == 1
    for field in attrs.fields(MassiveFailure):
        value = getattr(loaded, field.name)
        if isinstance(value, datetime):
            assert value.utcoffset() is not None, field.name
    assert loaded.regions.area.cities[0].neighbourhoods == ("Várzea", "Agriões", "São Pedro")


async def test_minimal_failure_round_trips(uow_factory: UnitOfWorkFactory) -> None:
    """A failure whose optional fields are empty comes back with them still empty."""
    original = a_failure()
    await store_failures(uow_factory, original)

    async with uow_factory() as uow:
        assert await uow.failures.get(original.id) == original


async def test_add_sets_version_one(uow_factory: UnitOfWorkFactory) -> None:
    """Adding a failure sets its version to 1."""
    failure = a_failure()
    async with uow_factory() as uow:
        await uow.failures.add(failure)
        assert failure.version == 1
        await uow.commit()


async def test_add_duplicate_failure_raises_already_exists(uow_factory: UnitOfWorkFactory) -> None:
    """Adding a failure whose id is taken raises AlreadyExists and leaves the copy untouched."""
    await store_failures(uow_factory, a_failure("f-1"))

    duplicate = a_failure("f-1")
    async with uow_factory() as uow:
        with pytest.raises(AlreadyExists) as raised:
            await uow.failures.add(duplicate)
    assert (raised.value.entity, raised.value.entity_id) == ("failure", "f-1")
    assert duplicate.version == 0


async def test_unit_of_work_stays_usable_after_already_exists(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """After AlreadyExists the same unit of work can still write and commit."""
    async with uow_factory() as uow:
        await uow.failures.add(a_failure("f-1"))
        with pytest.raises(AlreadyExists):
            await uow.failures.add(a_failure("f-1"))
        await uow.failures.add(a_failure("f-2"))
        await uow.commit()

    async with uow_factory() as uow:
        assert [f.id for f in await uow.failures.list()] == ["f-2", "f-1"]


async def test_get_missing_failure_raises_not_found(uow_factory: UnitOfWorkFactory) -> None:
    """Getting an unknown failure raises NotFound."""
    async with uow_factory() as uow:
        with pytest.raises(NotFound) as raised:
            await uow.failures.get("nope")
    assert (raised.value.entity, raised.value.entity_id) == ("failure", "nope")


async def test_update_saves_changes_and_bumps_version(uow_factory: UnitOfWorkFactory) -> None:
    """Updating saves the changed failure and increments the version of the object passed."""
    await store_failures(uow_factory, a_failure())

    async with uow_factory() as uow:
        failure = await uow.failures.get("f-1")
        failure.apply(
            FailureAction.RESOLVE,
            by="bruno",
            at=T0 + timedelta(hours=2),
            resolution_message="Tudo certo, {nome}.",
        )
        await uow.failures.update(failure)
        assert failure.version == 2
        await uow.commit()

    async with uow_factory() as uow:
        stored = await uow.failures.get("f-1")
    assert stored == failure
    assert stored.status is FailureStatus.RESOLVED
    assert stored.resolved_at == T0 + timedelta(hours=2)


async def test_update_saves_a_revised_form(uow_factory: UnitOfWorkFactory) -> None:
    """An edit of a scheduled failure is stored whole: texts, severity, every region rule, times."""
    await store_failures(uow_factory, a_failure(status=FailureStatus.SCHEDULED, starts_at=T0))
    form = a_full_failure()

    async with uow_factory() as uow:
        failure = await uow.failures.get("f-1")
        failure.revise(
            name=form.name,
            notification_message=form.notification_message,
            resolution_message=form.resolution_message,
            severity=form.severity,
            regions=form.regions,
            starts_at=T0 + timedelta(hours=3),
            estimated_resolution=T0 + timedelta(hours=9),
            by="bruno",
            at=T0 - timedelta(hours=1),
        )
        await uow.failures.update(failure)
        await uow.commit()

    async with uow_factory() as uow:
        stored = await uow.failures.get("f-1")
    assert stored == failure
    assert (stored.name, stored.regions, stored.status) == (
        form.name,
        form.regions,
        FailureStatus.SCHEDULED,
    )


async def test_concurrent_update_raises_concurrency_conflict(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Of two units of work that read the same version, the second to save gets a conflict."""
    await store_failures(uow_factory, a_failure())

    async with uow_factory() as first, uow_factory() as second:
        mine = await first.failures.get("f-1")
        theirs = await second.failures.get("f-1")
        mine.apply(FailureAction.PAUSE, by="ana", at=T0 + timedelta(minutes=5))
        await first.failures.update(mine)
        await first.commit()

        theirs.apply(FailureAction.RESOLVE, by="bruno", at=T0 + timedelta(minutes=6))
        with pytest.raises(ConcurrencyConflict) as raised:
            await second.failures.update(theirs)
    assert (raised.value.entity, raised.value.entity_id) == ("failure", "f-1")

    async with uow_factory() as uow:
        stored = await uow.failures.get("f-1")
    assert (stored.status, stored.version) == (FailureStatus.PAUSED, 2)


async def test_racing_updates_have_exactly_one_winner(uow_factory: UnitOfWorkFactory) -> None:
    """Two tasks that read the same version and save at once: one commits, one conflicts."""
    await store_failures(uow_factory, a_failure())
    both_read = asyncio.Barrier(2)

    async def pause(actor: str) -> None:
        async with uow_factory() as uow:
            failure = await uow.failures.get("f-1")
            await both_read.wait()
            failure.apply(FailureAction.PAUSE, by=actor, at=T0 + timedelta(minutes=1))
            await uow.failures.update(failure)
            await uow.commit()

    outcomes = await asyncio.wait_for(
        asyncio.gather(pause("ana"), pause("bruno"), return_exceptions=True), timeout=10
    )

    assert sorted(type(o).__name__ for o in outcomes) == ["ConcurrencyConflict", "NoneType"]
    async with uow_factory() as uow:
        stored = await uow.failures.get("f-1")
    assert (stored.version, stored.status, stored.updated_at) == (
        2,
        FailureStatus.PAUSED,
        T0 + timedelta(minutes=1),
    )


async def test_update_missing_failure_raises_not_found(uow_factory: UnitOfWorkFactory) -> None:
    """Updating a failure that was never stored raises NotFound."""
    async with uow_factory() as uow:
        with pytest.raises(NotFound):
            await uow.failures.update(a_failure("ghost"))


async def test_reads_see_own_uncommitted_writes(uow_factory: UnitOfWorkFactory) -> None:
    """Inside a unit of work, reads see its own writes before they are committed."""
    async with uow_factory() as uow:
        await uow.failures.add(a_failure("f-1"))
        assert (await uow.failures.get("f-1")).id == "f-1"
        assert [f.id for f in await uow.failures.list()] == ["f-1"]
        assert (await uow.failures.count_by_status())[FailureStatus.ACTIVE] == 1


async def test_list_filters_by_status_most_recent_start_first(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """list() keeps the given statuses, ordered by start descending then id descending."""
    active = a_failure("f-a", status=FailureStatus.ACTIVE, starts_at=T0)
    paused = a_failure("f-d", status=FailureStatus.PAUSED, starts_at=T0)  # same start: id breaks
    scheduled = a_failure("f-b", status=FailureStatus.SCHEDULED, starts_at=T0 + timedelta(hours=2))
    resolved = a_failure("f-c", status=FailureStatus.RESOLVED, starts_at=T0 - timedelta(days=1))
    await store_failures(uow_factory, active, paused, scheduled, resolved)

    async with uow_factory() as uow:
        everything = await uow.failures.list()
        current = await uow.failures.list({FailureStatus.ACTIVE, FailureStatus.PAUSED})
        none = await uow.failures.list(set())
        cancelled = await uow.failures.list([FailureStatus.CANCELLED])

    assert everything == [scheduled, paused, active, resolved]
    assert [f.id for f in current] == ["f-d", "f-a"]
    assert none == []
    assert cancelled == []


async def test_list_pages_with_limit_and_offset_in_the_same_order(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """list(limit, offset) walks the same order page by page; past the end it is empty."""
    failures = [
        a_failure(f"f-{n}", status=FailureStatus.RESOLVED, starts_at=T0 + timedelta(hours=n % 3))
        for n in range(7)
    ]
    await store_failures(uow_factory, *failures)
    resolved = {FailureStatus.RESOLVED}

    async with uow_factory() as uow:
        everything = await uow.failures.list(resolved)
        pages = [await uow.failures.list(resolved, limit=3, offset=o) for o in (0, 3, 6, 9)]
        skipped = await uow.failures.list(resolved, offset=5)

    assert [len(p) for p in pages] == [3, 3, 1, 0]
    assert [f.id for p in pages for f in p] == [f.id for f in everything]
    assert skipped == everything[5:]


async def test_due_returns_scheduled_failures_whose_start_has_come(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """due(now) returns scheduled failures starting at or before now, earliest then by id."""
    early_b = a_failure("s-b", status=FailureStatus.SCHEDULED, starts_at=T0 - timedelta(hours=1))
    early_a = a_failure("s-a", status=FailureStatus.SCHEDULED, starts_at=T0 - timedelta(hours=1))
    exactly_now = a_failure("s-0", status=FailureStatus.SCHEDULED, starts_at=T0)
    later = a_failure("s-l", status=FailureStatus.SCHEDULED, starts_at=T0 + timedelta(seconds=1))
    started = a_failure("a-1", status=FailureStatus.ACTIVE, starts_at=T0 - timedelta(hours=3))
    await store_failures(uow_factory, later, exactly_now, early_b, started, early_a)

    async with uow_factory() as uow:
        due = await uow.failures.due(T0.astimezone(BRT))  # the same instant in another zone
        nothing = await uow.failures.due(T0 - timedelta(days=1))

    assert [f.id for f in due] == ["s-a", "s-b", "s-0"]
    assert due[0] == early_a
    assert nothing == []


async def test_count_by_status_counts_absent_statuses_as_zero(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """count_by_status() counts failures per status and reports zero for absent ones."""
    async with uow_factory() as uow:
        assert (await uow.failures.count_by_status())[FailureStatus.ACTIVE] == 0

    await store_failures(
        uow_factory,
        a_failure("f-1", status=FailureStatus.ACTIVE),
        a_failure("f-2", status=FailureStatus.ACTIVE),
        a_failure("f-3", status=FailureStatus.SCHEDULED, starts_at=T0 + timedelta(hours=1)),
        a_failure("f-4", status=FailureStatus.RESOLVED),
    )

    async with uow_factory() as uow:
        counts = await uow.failures.count_by_status()
    assert {status: counts[status] for status in FailureStatus} == {
        FailureStatus.SCHEDULED: 1,
        FailureStatus.ACTIVE: 2,
        FailureStatus.PAUSED: 0,
        FailureStatus.RESOLVED: 1,
        FailureStatus.CANCELLED: 0,
    }


async def test_revision_changes_after_committed_failure_writes(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Committing an added or an updated failure changes the revision."""
    before = await revision(uow_factory)
    await store_failures(uow_factory, a_failure())
    after_add = await revision(uow_factory)

    async with uow_factory() as uow:
        failure = await uow.failures.get("f-1")
        failure.apply(FailureAction.PAUSE, by="ana", at=T0 + timedelta(minutes=1))
        await uow.failures.update(failure)
        await uow.commit()
    after_update = await revision(uow_factory)

    assert len({before, after_add, after_update}) == 3


async def test_revision_changes_after_committed_region_writes(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Committing an added, updated or removed catalogue region changes the revision."""
    seen = [await revision(uow_factory)]
    async with uow_factory() as uow:
        await uow.regions.add(a_region())
        await uow.commit()
    seen.append(await revision(uow_factory))
    async with uow_factory() as uow:
        region = await uow.regions.get("teresopolis-centro")
        await uow.regions.update(attrs.evolve(region, name="Centro"))
        await uow.commit()
    seen.append(await revision(uow_factory))
    async with uow_factory() as uow:
        await uow.regions.remove("teresopolis-centro")
        await uow.commit()
    seen.append(await revision(uow_factory))

    assert len(set(seen)) == 4


async def test_revision_unchanged_after_rollback_or_user_write(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Rolled-back outage writes and committed user writes leave the revision alone."""
    before = await revision(uow_factory)
    async with uow_factory() as uow:
        await uow.failures.add(a_failure())
        await uow.regions.add(a_region())
    async with uow_factory() as uow:
        await uow.users.add(a_user())
        await uow.commit()

    assert await revision(uow_factory) == before
