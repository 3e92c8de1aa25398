"""Request bodies of the region catalogue: define a region, replace its rules."""

from __future__ import annotations

from pydantic import Field

from lia_core.errors import ValidationError
from lia_core.services import DefineRegion, UpdateRegion
from lia_entrypoints.http.dto.base import CEP_EXAMPLE, CepSpec, CityAreaIn, In, ceps_of, cities_of

__all__ = ["RegionIn", "RegionUpdateIn"]


class RegionIn(In):
    """A catalogue region: a reusable area failures refer to by id."""

    id: str = Field(min_length=1, max_length=63, examples=["serra-norte"])
    """Lowercase slug of letters, digits, `-` and `_`."""
    name: str = Field(min_length=1, max_length=200, examples=["Serra — zona norte"])
    """Readable name."""
    cities: list[CityAreaIn] = Field(default_factory=list, max_length=500)
    """Cities, whole or only some bairros."""
    ceps: list[CepSpec] = Field(default_factory=list, max_length=1000, examples=[CEP_EXAMPLE])
    """CEP prefixes or inclusive ranges."""

    def to_command(self) -> DefineRegion:
        """The core command."""
        return DefineRegion(
            region_id=self.id,
            name=self.name,
            cities=cities_of(self.cities),
            ceps=ceps_of(self.ceps),
        )


class RegionUpdateIn(In):
    """A region's new name and rules; the rules given replace all the current ones."""

    name: str = Field(min_length=1, max_length=200, examples=["Serra — zona norte"])
    """Readable name."""
    cities: list[CityAreaIn] = Field(default_factory=list, max_length=500)
    """Cities, whole or only some bairros."""
    ceps: list[CepSpec] = Field(default_factory=list, max_length=1000, examples=[CEP_EXAMPLE])
    """CEP prefixes or inclusive ranges."""

    def to_command(self, region_id: str) -> UpdateRegion:
        """The core command for the region *region_id* (PUT: rules are required, never kept)."""
        if not self.cities and not self.ceps:
            # UpdateRegion keeps the current rules when none are given; a PUT must not.
            raise ValidationError("a region needs at least one city or CEP rule", field="cities")
        return UpdateRegion(
            region_id=region_id,
            name=self.name,
            cities=cities_of(self.cities),
            ceps=ceps_of(self.ceps),
        )
