"""The RegionCatalogue contract on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

import attrs
import pytest

from lia_core.domain.regions import (
    Area,
    CepPrefix,
)
from lia_core.errors import AlreadyExists, ConcurrencyConflict, NotFound
from lia_core.ports import UnitOfWorkFactory
from tests.contract.builders.outages import a_region


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
