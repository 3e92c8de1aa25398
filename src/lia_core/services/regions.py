"""Use cases for the named-region catalogue that failures refer to by id."""

from __future__ import annotations

import attrs

from lia_core.domain.activity import Actor, as_actor
from lia_core.domain.failures import FailureStatus
from lia_core.domain.regions import Area, CepRule, CityArea, NamedRegion, validate_region_id
from lia_core.errors import RegionInUse
from lia_core.ports import Clock, IdGenerator, UnitOfWork, UnitOfWorkFactory
from lia_core.services.activity import record

__all__ = [
    "DefineRegion",
    "DefineRegionHandler",
    "DeleteRegionHandler",
    "GetRegionHandler",
    "ListRegionsHandler",
    "UpdateRegion",
    "UpdateRegionHandler",
]

_LIVE = frozenset({FailureStatus.SCHEDULED, FailureStatus.ACTIVE, FailureStatus.PAUSED})


@attrs.frozen(kw_only=True)
class DefineRegion:
    """Add a region to the catalogue."""

    region_id: str
    name: str
    cities: tuple[CityArea, ...] = ()
    ceps: tuple[CepRule, ...] = ()
    actor: Actor = attrs.field(converter=as_actor)


@attrs.frozen(kw_only=True)
class UpdateRegion:
    """Replace a region's name (when given) and rules (when any are given)."""

    region_id: str
    name: str | None = None
    cities: tuple[CityArea, ...] = ()
    ceps: tuple[CepRule, ...] = ()
    actor: Actor = attrs.field(converter=as_actor)


def _rules(region: NamedRegion) -> str:
    """A region's rules as the audit log shows them: how many cities and CEP rules."""
    cities, ceps = len(region.area.cities), len(region.area.ceps)
    return f"{cities} {'city' if cities == 1 else 'cities'}, {ceps} CEP {'rule' if ceps == 1 else 'rules'}"


async def _record(
    uow: UnitOfWork,
    ids: IdGenerator,
    clock: Clock,
    actor: Actor,
    verb: str,
    region_id: str,
    *,
    before: NamedRegion | None = None,
    after: NamedRegion | None = None,
) -> None:
    await record(
        uow,
        ids,
        actor,
        at=clock.now(),
        action=f"region.{verb}",
        entity="region",
        entity_id=region_id,
        from_state=_rules(before) if before else None,
        to_state=_rules(after) if after else None,
        details={"name": shown.name} if (shown := after or before) is not None else None,
    )


@attrs.frozen
class DefineRegionHandler:
    """Validate and store a catalogue region."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator

    async def __call__(self, cmd: DefineRegion) -> NamedRegion:
        """Return the stored region; raises AlreadyExists when the id is taken."""
        region = NamedRegion.define(
            region_id=cmd.region_id, name=cmd.name, area=Area(cities=cmd.cities, ceps=cmd.ceps)
        )
        async with self.uow() as uow:
            await uow.regions.add(region)
            stored = await uow.regions.get(region.id)
            await _record(uow, self.ids, self.clock, cmd.actor, "define", region.id, after=stored)
            await uow.commit()
        return stored


@attrs.frozen
class UpdateRegionHandler:
    """Change a region; active failures that name it follow the new rules at once."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator

    async def __call__(self, cmd: UpdateRegion) -> NamedRegion:
        """Return the region as stored after the change."""
        async with self.uow() as uow:
            current = await uow.regions.get(validate_region_id(cmd.region_id))
            replace_rules = bool(cmd.cities or cmd.ceps)
            region = NamedRegion.define(
                region_id=current.id,
                name=cmd.name if cmd.name is not None else current.name,
                area=Area(cities=cmd.cities, ceps=cmd.ceps) if replace_rules else current.area,
            )
            region = attrs.evolve(region, version=current.version)
            await uow.regions.update(region)
            await _record(
                uow,
                self.ids,
                self.clock,
                cmd.actor,
                "update",
                region.id,
                before=current,
                after=region,
            )
            await uow.commit()
        return await GetRegionHandler(self.uow)(region.id)


@attrs.frozen
class DeleteRegionHandler:
    """Remove a region no scheduled, active or paused failure refers to."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator

    async def __call__(self, region_id: str, *, actor: Actor | str) -> None:
        """Delete it, or raise RegionInUse naming the failures that still use it."""
        async with self.uow() as uow:
            region = await uow.regions.get(validate_region_id(region_id))
            users = [f for f in await uow.failures.list(_LIVE) if region.id in f.regions.region_ids]
            if users:
                raise RegionInUse(
                    region_id=region.id, failures=tuple((f.id, f.name) for f in users)
                )
            await uow.regions.remove(region.id)
            await _record(
                uow, self.ids, self.clock, as_actor(actor), "delete", region.id, before=region
            )
            await uow.commit()


@attrs.frozen
class GetRegionHandler:
    """Load one catalogue region."""

    uow: UnitOfWorkFactory

    async def __call__(self, region_id: str) -> NamedRegion:
        """Return the region or raise NotFound."""
        async with self.uow() as uow:
            return await uow.regions.get(validate_region_id(region_id))


@attrs.frozen
class ListRegionsHandler:
    """List the catalogue."""

    uow: UnitOfWorkFactory

    async def __call__(self) -> tuple[NamedRegion, ...]:
        """Every region, by id."""
        async with self.uow() as uow:
            regions = await uow.regions.all()
        return tuple(regions[k] for k in sorted(regions))
