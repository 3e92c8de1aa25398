"""Request bodies of the HTTP API, each turned into a core command; and the HTTP-only responses."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from lia_core.domain.failures import Severity
from lia_core.domain.regions import CepRule, CityArea, Location, parse_cep_rule
from lia_core.errors import ValidationError
from lia_core.services import CheckLocation, DeclareFailure, DefineRegion, UpdateRegion
from lia_entrypoints.schemas import CityAreaIn, parse_instant

__all__ = [
    "CheckIn",
    "FailureIn",
    "HealthOut",
    "LoginIn",
    "RegionIn",
    "RegionUpdateIn",
    "ResolveIn",
    "TokenOut",
]

_CEP_EXAMPLE = ["25950-000..25959-999", "2596"]

CepSpec = Annotated[str, Field(min_length=1, max_length=40)]
"""A CEP prefix (`2595`) or inclusive range (`25950-000..25959-999`)."""
RegionId = Annotated[str, Field(min_length=1, max_length=63)]
"""A catalogue region id."""


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


def _cities(cities: list[CityAreaIn]) -> tuple[CityArea, ...]:
    return tuple(c.to_domain(field=f"cities.{i}") for i, c in enumerate(cities))


def _ceps(ceps: list[str]) -> tuple[CepRule, ...]:
    return tuple(parse_cep_rule(spec, field=f"ceps.{i}") for i, spec in enumerate(ceps))


class LoginIn(_In):
    """Credentials of a staff account."""

    username: str = Field(min_length=1, max_length=64, examples=["maria"])
    """The account's username (any case)."""
    password: str = Field(min_length=1, max_length=1024, examples=["correct horse battery"])
    """The account's password."""


class TokenOut(BaseModel):
    """A bearer token to send as `Authorization: Bearer <access_token>`."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    access_token: str
    """The signed JWT."""
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth 2 token type, not a secret
    """Always `bearer`."""
    expires_in: int = Field(examples=[28800])
    """Seconds until the token expires."""


class HealthOut(BaseModel):
    """The service is up and its database answers."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    status: Literal["ok"] = "ok"
    """Always `ok` (failures are reported as 503 problem details)."""
    database: Literal["ok"] = "ok"
    """`ok` when a cheap query succeeded."""
    version: str = Field(examples=["0.1.0"])
    """The running LIA version."""


class FailureIn(_In):
    """A mass outage to register: active at once, or scheduled when `starts_at` is in the future."""

    name: str = Field(min_length=1, max_length=200, examples=["Fibra rompida em Teresópolis"])
    """Short name shown to staff (and to customers through `{falha}`)."""
    message: str = Field(
        min_length=1,
        max_length=4096,
        examples=["Olá {nome}, identificamos uma falha em {regiao}. Previsão: {previsao}."],
    )
    """Notification to affected customers; placeholders: {nome}, {previsao}, {falha}, {regiao}."""
    resolution_message: str | None = Field(default=None, min_length=1, max_length=4096)
    """Message sent when the failure is resolved; same placeholders."""
    severity: Severity = Severity.MEDIUM
    """low, medium, high or critical."""
    cities: list[CityAreaIn] = Field(default_factory=list, max_length=500)
    """Affected cities, whole or only some bairros."""
    ceps: list[CepSpec] = Field(default_factory=list, max_length=1000, examples=[_CEP_EXAMPLE])
    """Affected CEPs: a prefix (`2595`) or an inclusive range (`25950-000..25959-999`)."""
    region_ids: list[RegionId] = Field(
        default_factory=list, max_length=100, examples=[["serra-norte"]]
    )
    """Catalogue regions also affected."""
    starts_at: datetime | None = Field(default=None, examples=["2026-05-21T02:00"])
    """When the outage starts (ISO 8601; without an offset, in the ISP's timezone); omitted: now."""
    estimated_resolution: datetime | None = Field(default=None, examples=["2026-05-21T06:00-03:00"])
    """When service should be back (ISO 8601; without an offset, in the ISP's timezone)."""

    def to_command(self, *, actor: str, tz: tzinfo) -> DeclareFailure:
        """The core command, with naive times read in *tz*."""
        starts, eta = self.starts_at, self.estimated_resolution
        return DeclareFailure(
            name=self.name,
            message=self.message,
            resolution_message=self.resolution_message,
            severity=self.severity,
            cities=_cities(self.cities),
            ceps=_ceps(self.ceps),
            region_ids=tuple(self.region_ids),
            starts_at=None if starts is None else parse_instant(starts, tz, field="starts_at"),
            estimated_resolution=(
                None if eta is None else parse_instant(eta, tz, field="estimated_resolution")
            ),
            actor=actor,
        )


class ResolveIn(_In):
    """Optional details when resolving a failure, and whether to broadcast the resolution."""

    resolution_message: str | None = Field(
        default=None,
        min_length=1,
        max_length=4096,
        examples=["Olá {nome}, o serviço em {regiao} foi restabelecido."],
    )
    """Replaces the failure's resolution message; same placeholders as the notification."""
    broadcast: bool = True
    """Queue the resolution message for every contact that got the failure's notice."""


class CheckIn(_In):
    """A customer's location; give at least a city or a CEP (a bairro needs its city)."""

    city: str | None = Field(default=None, max_length=120, examples=["teresopolis"])
    """City name, in any case, with or without accents."""
    neighbourhood: str | None = Field(default=None, max_length=120, examples=["ALTO"])
    """Bairro name, in any case, with or without accents."""
    cep: str | None = Field(default=None, max_length=20, examples=["25953-120"])
    """CEP, with or without punctuation."""

    def to_query(self) -> CheckLocation:
        """The core query, with the location normalised."""
        return CheckLocation(
            location=Location.of(city=self.city, neighbourhood=self.neighbourhood, cep=self.cep)
        )


class RegionIn(_In):
    """A catalogue region: a reusable area failures refer to by id."""

    id: str = Field(min_length=1, max_length=63, examples=["serra-norte"])
    """Lowercase slug of letters, digits, `-` and `_`."""
    name: str = Field(min_length=1, max_length=200, examples=["Serra — zona norte"])
    """Readable name."""
    cities: list[CityAreaIn] = Field(default_factory=list, max_length=500)
    """Cities, whole or only some bairros."""
    ceps: list[CepSpec] = Field(default_factory=list, max_length=1000, examples=[_CEP_EXAMPLE])
    """CEP prefixes or inclusive ranges."""

    def to_command(self) -> DefineRegion:
        """The core command."""
        return DefineRegion(
            region_id=self.id, name=self.name, cities=_cities(self.cities), ceps=_ceps(self.ceps)
        )


class RegionUpdateIn(_In):
    """A region's new name and rules; the rules given replace all the current ones."""

    name: str = Field(min_length=1, max_length=200, examples=["Serra — zona norte"])
    """Readable name."""
    cities: list[CityAreaIn] = Field(default_factory=list, max_length=500)
    """Cities, whole or only some bairros."""
    ceps: list[CepSpec] = Field(default_factory=list, max_length=1000, examples=[_CEP_EXAMPLE])
    """CEP prefixes or inclusive ranges."""

    def to_command(self, region_id: str) -> UpdateRegion:
        """The core command for the region *region_id* (PUT: rules are required, never kept)."""
        if not self.cities and not self.ceps:
            # UpdateRegion keeps the current rules when none are given; a PUT must not.
            raise ValidationError("a region needs at least one city or CEP rule", field="cities")
        return UpdateRegion(
            region_id=region_id, name=self.name, cities=_cities(self.cities), ceps=_ceps(self.ceps)
        )
