"""The public shapes of location rules (areas) and of the catalogue regions that name them."""

from __future__ import annotations

from lia_core.domain.regions import Area, NamedRegion
from lia_entrypoints.schemas.base import Out

__all__ = ["AreaOut", "CityAreaOut", "RegionOut"]


class CityAreaOut(Out):
    """A city area as stored."""

    city: str
    neighbourhoods: list[str]


class AreaOut(Out):
    """Location rules: cities/bairros and CEP rules (``PREFIX`` or ``START..END``)."""

    cities: list[CityAreaOut]
    ceps: list[str]

    @classmethod
    def of(cls, area: Area) -> AreaOut:
        """Render a core area."""
        return cls(
            cities=[
                CityAreaOut(city=c.city, neighbourhoods=list(c.neighbourhoods)) for c in area.cities
            ],
            ceps=[c.spec() for c in area.ceps],
        )


class RegionOut(Out):
    """A catalogue region."""

    id: str
    name: str
    rules: AreaOut
    summary: str
    version: int

    @classmethod
    def of(cls, region: NamedRegion) -> RegionOut:
        """Render a region."""
        return cls(
            id=region.id,
            name=region.name,
            rules=AreaOut.of(region.area),
            summary=region.area.describe(),
            version=region.version,
        )
