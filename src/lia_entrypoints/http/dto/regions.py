"""Request bodies of the region catalogue: define a region, replace its rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from litestar.openapi.spec import Schema
from pydantic import Field

from lia_core.domain.activity import Actor
from lia_core.errors import ValidationError
from lia_core.services import DefineRegion, UpdateRegion
from lia_entrypoints.http.dto.base import (
    CEP_EXAMPLE,
    REGION_ID_PATTERN,
    TEXT_PATTERN,
    CepSpec,
    CityAreaIn,
    In,
    ceps_of,
    cities_of,
)
from lia_entrypoints.http.openapi import one_of_present

__all__ = ["RegionIn", "RegionUpdateIn"]


class RegionIn(In):
    """A catalogue region: a reusable area failures refer to by id."""

    id: str = Field(
        min_length=1, max_length=63, pattern=REGION_ID_PATTERN, examples=["serra-norte"]
    )
    """Lowercase slug of letters, digits, `-` and `_`."""
    name: str = Field(
        min_length=1, max_length=200, pattern=TEXT_PATTERN, examples=["Serra — zona norte"]
    )
    """Readable name."""
    cities: list[CityAreaIn] = Field(default_factory=list, max_length=500)
    """Cities, whole or only some bairros."""
    ceps: list[CepSpec] = Field(default_factory=list, max_length=1000, examples=[CEP_EXAMPLE])
    """CEP prefixes or inclusive ranges."""

    openapi_any_of: ClassVar[tuple[Mapping[str, Schema], ...]] = (
        one_of_present(cities=Schema(min_items=1)),
        one_of_present(ceps=Schema(min_items=1)),
    )
    """A region has at least one city or CEP rule."""

    def to_command(self, *, actor: Actor) -> DefineRegion:
        """The core command, done by *actor*."""
        return DefineRegion(
            actor=actor,
            region_id=self.id,
            name=self.name,
            cities=cities_of(self.cities),
            ceps=ceps_of(self.ceps),
        )


class RegionUpdateIn(In):
    """A region's new name and rules; the rules given replace all the current ones."""

    name: str = Field(
        min_length=1, max_length=200, pattern=TEXT_PATTERN, examples=["Serra — zona norte"]
    )
    """Readable name."""
    cities: list[CityAreaIn] = Field(default_factory=list, max_length=500)
    """Cities, whole or only some bairros."""
    ceps: list[CepSpec] = Field(default_factory=list, max_length=1000, examples=[CEP_EXAMPLE])
    """CEP prefixes or inclusive ranges."""

    openapi_any_of: ClassVar[tuple[Mapping[str, Schema], ...]] = (
        one_of_present(cities=Schema(min_items=1)),
        one_of_present(ceps=Schema(min_items=1)),
    )
    """The rules given replace the current ones, so at least one is needed."""

    def to_command(self, region_id: str, *, actor: Actor) -> UpdateRegion:
        """The core command for the region *region_id* by *actor* (PUT: rules are required)."""
        if not self.cities and not self.ceps:
            # UpdateRegion keeps the current rules when none are given; a PUT must not.
            raise ValidationError("a region needs at least one city or CEP rule", field="cities")
        return UpdateRegion(
            actor=actor,
            region_id=region_id,
            name=self.name,
            cities=cities_of(self.cities),
            ceps=ceps_of(self.ceps),
        )
