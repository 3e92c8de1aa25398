"""What every request body shares: extra fields refused, CEP rules and city areas read alike."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from lia_core.domain.regions import CepRule, CityArea, parse_cep_rule

__all__ = ["CEP_EXAMPLE", "CepSpec", "CityAreaIn", "In", "RegionId", "ceps_of", "cities_of"]

CEP_EXAMPLE = ["25950-000..25959-999", "2596"]
"""An example list of CEP rules, for the OpenAPI document."""

CepSpec = Annotated[str, Field(min_length=1, max_length=40)]
"""A CEP prefix (`2595`) or inclusive range (`25950-000..25959-999`)."""
RegionId = Annotated[str, Field(min_length=1, max_length=63)]
"""A catalogue region id."""


class In(BaseModel):
    """Base of every request body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class CityAreaIn(In):
    """A city, whole (no bairros) or only the listed bairros."""

    city: str = Field(min_length=1, max_length=120, examples=["Teresópolis"])
    """City name; case, accents and punctuation are ignored when matching."""
    neighbourhoods: list[str] = Field(
        default_factory=list, max_length=500, examples=[["Centro", "Alto"]]
    )
    """Bairros; empty means the whole city."""

    def to_domain(self, *, field: str) -> CityArea:
        """The core value."""
        return CityArea.of(self.city, self.neighbourhoods, field=field)


def cities_of(cities: list[CityAreaIn]) -> tuple[CityArea, ...]:
    """The core city areas, each error naming its index (`cities.2`)."""
    return tuple(c.to_domain(field=f"cities.{i}") for i, c in enumerate(cities))


def ceps_of(ceps: list[str]) -> tuple[CepRule, ...]:
    """The core CEP rules, each error naming its index (`ceps.0`)."""
    return tuple(parse_cep_rule(spec, field=f"ceps.{i}") for i, spec in enumerate(ceps))
