"""The repository contract: the in-memory fake, SQLite and PostgreSQL must behave alike."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest

from lia_core.domain.failures import FailureAction, FailureStatus, MassiveFailure, Severity
from lia_core.domain.regions import (
    AffectedRegions,
    Area,
    CepPrefix,
    CepRange,
    CityArea,
    NamedRegion,
)
from lia_core.domain.users import Role, User
from lia_core.errors import AlreadyExists, ConcurrencyConflict, NotFound
from lia_core.ports import UnitOfWorkFactory

BRT = timezone(timedelta(hours=-3), "BRT")
T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def a_failure(
    failure_id: str = "f-1",
    *,
    status: FailureStatus = FailureStatus.ACTIVE,
    starts_at: datetime = T0,
) -> MassiveFailure:
    """A minimal valid failure; optional fields left empty."""
    return MassiveFailure(
        id=failure_id,
        name=f"Falha {failure_id}",
        notification_message="Olá {nome}, estamos com uma falha em {regiao}.",
        resolution_message=None,
        severity=Severity.MEDIUM,
        regions=AffectedRegions(area=Area(cities=(CityArea(city="Teresópolis"),))),
        starts_at=starts_at,
        estimated_resolution=None,
        status=status,
        created_by="ana",
        created_at=T0 - timedelta(days=1),
        updated_at=T0 - timedelta(days=1),
    )


def a_full_failure() -> MassiveFailure:
    """A failure with every field set, in several timezones and with accented bairros."""
    return MassiveFailure(
        id="3f1c9a2e-8d4b-4c1e-9a7f-0b6d5e4c3b2a",
        name="Rompimento de fibra na Várzea",
        notification_message="Olá {nome}! Falha em {regiao}; previsão {previsao}.",
        resolution_message="{nome}, o serviço foi normalizado. Obrigado pela paciência!",
        severity=Severity.CRITICAL,
        regions=AffectedRegions(
            area=Area(
                cities=(
                    CityArea(city="Teresópolis", neighbourhoods=("Várzea", "Agriões", "São Pedro")),
                    CityArea(city="Nova Friburgo"),
                ),
                ceps=(
                    CepPrefix(prefix="2595"),
                    CepRange(start="25960000", end="25969999"),
                    CepPrefix(prefix="25953120"),
                ),
            ),
            region_ids=("teresopolis-centro", "friburgo_sul"),
        ),
        starts_at=datetime(2026, 3, 10, 9, 30, 15, 123456, tzinfo=BRT),
        estimated_resolution=datetime(2026, 3, 10, 18, 0, 0, 1, tzinfo=UTC),
        status=FailureStatus.RESOLVED,
        created_by="supervisor@isp.com.br",
        created_at=datetime(2026, 3, 10, 12, 0, tzinfo=UTC),
        updated_at=datetime(2026, 3, 10, 17, 45, tzinfo=UTC),
        activated_at=datetime(2026, 3, 10, 12, 31, tzinfo=UTC),
        paused_at=datetime(2026, 3, 10, 14, 0, tzinfo=BRT),
        resolved_at=datetime(2026, 3, 10, 17, 45, tzinfo=UTC),
        resolved_by="ana.souza",
        cancelled_at=datetime(2026, 3, 10, 17, 46, tzinfo=UTC),
        cancelled_by="scheduler",
    )


def a_region(
    region_id: str = "teresopolis-centro", name: str = "Teresópolis — Centro"
) -> NamedRegion:
    """A catalogue region with bairros and both kinds of CEP rule."""
    return NamedRegion.define(
        region_id=region_id,
        name=name,
        area=Area(
            cities=(CityArea.of("Teresópolis", ["Várzea", "Agriões", "Alto"]),),
            ceps=(CepPrefix(prefix="2596"), CepRange(start="25953000", end="25953999")),
        ),
    )


def a_user(username: str = "ana.souza", *, user_id: str | None = None) -> User:
    """A staff account."""
    return User(
        id=user_id or f"id-{username}",
        username=username,
        role=Role.SUPERVISOR,
        password_hash="$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
        created_at=T0,
    )


async def store_failures(uow_factory: UnitOfWorkFactory, *failures: MassiveFailure) -> None:
    """Add and commit *failures* in one unit of work."""
    async with uow_factory() as uow:
        for failure in failures:
            await uow.failures.add(failure)
        await uow.commit()


async def revision(uow_factory: UnitOfWorkFactory) -> int:
    """The committed outage-catalogue revision."""
    async with uow_factory() as uow:
        return await uow.failures.revision()


# --- failures -------------------------------------------------------------------------------


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


# --- transactions ---------------------------------------------------------------------------


async def test_changes_are_rolled_back_unless_committed(uow_factory: UnitOfWorkFactory) -> None:
    """Leaving a unit of work without commit discards its writes."""
    async with uow_factory() as uow:
        await uow.failures.add(a_failure())
        await uow.regions.add(a_region())
        await uow.users.add(a_user())

    async with uow_factory() as uow:
        assert await uow.failures.list() == []
        assert await uow.regions.all() == {}
        assert await uow.users.list() == []


async def test_changes_are_rolled_back_on_exception(uow_factory: UnitOfWorkFactory) -> None:
    """An exception escaping the unit of work discards its writes."""

    async def add_then_fail() -> None:
        async with uow_factory() as uow:
            await uow.failures.add(a_failure())
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await add_then_fail()

    async with uow_factory() as uow:
        with pytest.raises(NotFound):
            await uow.failures.get("f-1")


async def test_explicit_rollback_discards_changes(uow_factory: UnitOfWorkFactory) -> None:
    """rollback() discards the writes so far; a later commit keeps only the later ones."""
    async with uow_factory() as uow:
        await uow.failures.add(a_failure("f-1"))
        await uow.rollback()
        await uow.failures.add(a_failure("f-2"))
        await uow.commit()

    async with uow_factory() as uow:
        assert [f.id for f in await uow.failures.list()] == ["f-2"]


async def test_writes_after_commit_need_another_commit(uow_factory: UnitOfWorkFactory) -> None:
    """After commit the unit of work goes on; its later writes are discarded unless committed."""
    async with uow_factory() as uow:
        await uow.failures.add(a_failure("f-1"))
        await uow.commit()
        await uow.failures.add(a_failure("f-2"))

    async with uow_factory() as uow:
        assert [f.id for f in await uow.failures.list()] == ["f-1"]


# --- queries --------------------------------------------------------------------------------


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


# --- revision -------------------------------------------------------------------------------


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


# --- regions --------------------------------------------------------------------------------


async def test_region_round_trips_at_version_one(uow_factory: UnitOfWorkFactory) -> None:
    """A stored region comes back equal, at version 1; the object passed is not changed."""
    region = a_region()
    async with uow_factory() as uow:
        await uow.regions.add(region)
        await uow.commit()

    async with uow_factory() as uow:
        loaded = await uow.regions.get(region.id)
    assert loaded == attrs.evolve(region, version=1)
    assert region.version == 0


async def test_add_duplicate_region_raises_already_exists(uow_factory: UnitOfWorkFactory) -> None:
    """Adding a region whose id is taken raises AlreadyExists."""
    async with uow_factory() as uow:
        await uow.regions.add(a_region())
        await uow.commit()

    async with uow_factory() as uow:
        with pytest.raises(AlreadyExists) as raised:
            await uow.regions.add(a_region(name="Outro nome"))
    assert (raised.value.entity, raised.value.entity_id) == ("region", "teresopolis-centro")


async def test_get_missing_region_raises_not_found(uow_factory: UnitOfWorkFactory) -> None:
    """Getting an unknown region raises NotFound."""
    async with uow_factory() as uow:
        with pytest.raises(NotFound):
            await uow.regions.get("nowhere")


async def test_region_update_stores_next_version(uow_factory: UnitOfWorkFactory) -> None:
    """Updating a region replaces its name and rules and stores it at the next version."""
    async with uow_factory() as uow:
        await uow.regions.add(a_region())
        await uow.commit()

    new_area = Area(ceps=(CepPrefix(prefix="28"),))
    async with uow_factory() as uow:
        current = await uow.regions.get("teresopolis-centro")
        changed = attrs.evolve(current, name="Região Serrana", area=new_area)
        await uow.regions.update(changed)
        await uow.commit()
    assert changed.version == 1

    async with uow_factory() as uow:
        stored = await uow.regions.get("teresopolis-centro")
    assert stored == attrs.evolve(changed, version=2)


async def test_stale_region_update_raises_concurrency_conflict(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Updating a region from a version someone else already replaced raises ConcurrencyConflict."""
    async with uow_factory() as uow:
        await uow.regions.add(a_region())
        await uow.commit()

    async with uow_factory() as first, uow_factory() as second:
        mine = await first.regions.get("teresopolis-centro")
        theirs = await second.regions.get("teresopolis-centro")
        await first.regions.update(attrs.evolve(mine, name="Mine"))
        await first.commit()
        with pytest.raises(ConcurrencyConflict):
            await second.regions.update(attrs.evolve(theirs, name="Theirs"))

    async with uow_factory() as uow:
        assert (await uow.regions.get("teresopolis-centro")).name == "Mine"


async def test_update_missing_region_raises_not_found(uow_factory: UnitOfWorkFactory) -> None:
    """Updating a region that does not exist raises NotFound."""
    async with uow_factory() as uow:
        with pytest.raises(NotFound):
            await uow.regions.update(attrs.evolve(a_region(), version=1))


async def test_region_remove_and_all(uow_factory: UnitOfWorkFactory) -> None:
    """all() maps every region by id; a removed region is gone; removing it again is NotFound."""
    centro, alto = a_region("teresopolis-centro"), a_region("teresopolis-alto", name="Alto")
    async with uow_factory() as uow:
        await uow.regions.add(centro)
        await uow.regions.add(alto)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.regions.all() == {
            "teresopolis-alto": attrs.evolve(alto, version=1),
            "teresopolis-centro": attrs.evolve(centro, version=1),
        }
        await uow.regions.remove("teresopolis-centro")
        await uow.commit()

    async with uow_factory() as uow:
        assert list(await uow.regions.all()) == ["teresopolis-alto"]
        with pytest.raises(NotFound):
            await uow.regions.get("teresopolis-centro")
        with pytest.raises(NotFound):
            await uow.regions.remove("teresopolis-centro")


# --- users ----------------------------------------------------------------------------------


async def test_user_round_trips(uow_factory: UnitOfWorkFactory) -> None:
    """A stored account, disabled or not, comes back equal."""
    active = a_user("ana.souza")
    disabled = attrs.evolve(a_user("bruno"), role=Role.AGENT, is_active=False)
    async with uow_factory() as uow:
        await uow.users.add(active)
        await uow.users.add(disabled)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.users.get_by_username("ana.souza") == active
        assert await uow.users.get_by_username("bruno") == disabled


async def test_add_duplicate_username_raises_already_exists(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Adding an account whose username is taken raises AlreadyExists, whatever its id."""
    async with uow_factory() as uow:
        await uow.users.add(a_user("ana.souza", user_id="u-1"))
        await uow.commit()

    async with uow_factory() as uow:
        with pytest.raises(AlreadyExists) as raised:
            await uow.users.add(a_user("ana.souza", user_id="u-2"))
    assert (raised.value.entity, raised.value.entity_id) == ("user", "ana.souza")


async def test_get_missing_user_raises_not_found(uow_factory: UnitOfWorkFactory) -> None:
    """Getting an unknown username raises NotFound."""
    async with uow_factory() as uow:
        with pytest.raises(NotFound):
            await uow.users.get_by_username("ninguem")


async def test_users_are_listed_by_username(uow_factory: UnitOfWorkFactory) -> None:
    """list() orders accounts by username in code-point order, punctuation included."""
    names = ["anabela", "ana_paula", "ana.souza", "ana2", "ana-lima", "bruno"]
    async with uow_factory() as uow:
        for name in names:
            await uow.users.add(a_user(name))
        await uow.commit()

    async with uow_factory() as uow:
        listed = await uow.users.list()
    assert [u.username for u in listed] == sorted(names)
    assert listed[0] == a_user("ana-lima")
