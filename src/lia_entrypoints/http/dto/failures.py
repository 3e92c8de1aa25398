"""Request bodies of the failure routes: declare or edit, resolve, check a location, notify contacts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from typing import ClassVar

from litestar.openapi.spec import OpenAPIType, Schema
from pydantic import BaseModel, ConfigDict, Field

from lia_core.domain.activity import Actor
from lia_core.domain.delivery import Channel
from lia_core.domain.failures import Severity
from lia_core.domain.regions import Location
from lia_core.services import CheckLocation, DeclareFailure, EditFailure, NotifyContact
from lia_entrypoints.http.dto.base import (
    CEP_EXAMPLE,
    CEP_PATTERN,
    INSTANT_PATTERN,
    NAME_PATTERN,
    TEMPLATE_PATTERN,
    TEXT_PATTERN,
    CepSpec,
    CityAreaIn,
    In,
    RegionId,
    ceps_of,
    cities_of,
    read_instant,
)
from lia_entrypoints.http.openapi import one_of_present

_ANY = "[^0-9]*"

__all__ = [
    "CheckIn",
    "FailureIn",
    "NotifyCustomersIn",
    "NotifyCustomersOut",
    "NotifyIn",
    "ResolveIn",
]


class FailureIn(In):
    """A mass outage to register (or a scheduled one's new form): active at once, or scheduled
    when `starts_at` is in the future."""

    name: str = Field(
        min_length=1,
        max_length=200,
        json_schema_extra={"pattern": TEXT_PATTERN},
        examples=["Fibra rompida em Teresópolis"],
    )
    """Short name shown to staff (and to customers through `{falha}`)."""
    message: str = Field(
        min_length=1,
        max_length=4096,
        json_schema_extra={"pattern": TEMPLATE_PATTERN},
        examples=["Olá {nome}, identificamos uma falha em {regiao}. Previsão: {previsao}."],
    )
    """Notification to affected customers; placeholders: {nome}, {previsao}, {falha}, {regiao}."""
    resolution_message: str | None = Field(
        default=None, min_length=1, max_length=4096, json_schema_extra={"pattern": TEMPLATE_PATTERN}
    )
    """Message sent when the failure is resolved; same placeholders."""
    severity: Severity = Severity.MEDIUM
    """low, medium, high or critical."""
    cities: list[CityAreaIn] = Field(default_factory=list, max_length=500)
    """Affected cities, whole or only some bairros."""
    ceps: list[CepSpec] = Field(default_factory=list, max_length=1000, examples=[CEP_EXAMPLE])
    """Affected CEPs: a prefix (`2595`) or an inclusive range (`25950-000..25959-999`)."""
    region_ids: list[RegionId] = Field(
        default_factory=list, max_length=100, examples=[["serra-norte"]]
    )
    """Catalogue regions also affected."""
    starts_at: str | None = Field(
        default=None, pattern=INSTANT_PATTERN, examples=["2026-05-21T02:00"]
    )
    """When the outage starts (ISO 8601 text; without an offset, in the ISP's timezone); omitted: now."""
    estimated_resolution: str | None = Field(
        default=None, pattern=INSTANT_PATTERN, examples=["2026-05-21T06:00-03:00"]
    )
    """When service should be back (ISO 8601 text; without an offset, in the ISP's timezone)."""

    openapi_any_of: ClassVar[tuple[Mapping[str, Schema], ...]] = (
        one_of_present(cities=Schema(min_items=1)),
        one_of_present(ceps=Schema(min_items=1)),
        one_of_present(region_ids=Schema(min_items=1)),
    )
    """A failure covers at least one city, CEP rule or catalogue region."""

    def to_command(self, *, actor: Actor, tz: tzinfo) -> DeclareFailure:
        """The core command, with naive times read in *tz*."""
        starts, eta = self.starts_at, self.estimated_resolution
        return DeclareFailure(
            name=self.name,
            message=self.message,
            resolution_message=self.resolution_message,
            severity=self.severity,
            cities=cities_of(self.cities),
            ceps=ceps_of(self.ceps),
            region_ids=tuple(self.region_ids),
            starts_at=None if starts is None else read_instant(starts, tz, field="starts_at"),
            estimated_resolution=(
                None if eta is None else read_instant(eta, tz, field="estimated_resolution")
            ),
            actor=actor,
        )

    def to_edit(self, failure_id: str, *, actor: Actor, tz: tzinfo) -> EditFailure:
        """The core command replacing failure *failure_id*'s form with this one."""
        return EditFailure.of(failure_id, self.to_command(actor=actor, tz=tz))


class ResolveIn(In):
    """Optional details when resolving a failure, and whether to broadcast the resolution."""

    resolution_message: str | None = Field(
        default=None,
        min_length=1,
        max_length=4096,
        json_schema_extra={"pattern": TEMPLATE_PATTERN},
        examples=["Olá {nome}, o serviço em {regiao} foi restabelecido."],
    )
    """Replaces the failure's resolution message; same placeholders as the notification."""
    broadcast: bool = True
    """Queue the resolution message for every contact that got the failure's notice."""


class CheckIn(In):
    """A customer's location; give at least a city or a CEP (a bairro needs its city)."""

    city: str | None = Field(default=None, max_length=120, examples=["teresopolis"])
    """City name, in any case, with or without accents."""
    neighbourhood: str | None = Field(default=None, max_length=120, examples=["ALTO"])
    """Bairro name, in any case, with or without accents."""
    cep: str | None = Field(
        default=None, max_length=20, pattern=CEP_PATTERN, examples=["25953-120"]
    )
    """CEP (8 digits), with or without punctuation."""

    openapi_any_of: ClassVar[tuple[Mapping[str, Schema], ...]] = (
        one_of_present(city=Schema(type=OpenAPIType.STRING, pattern=NAME_PATTERN)),
        one_of_present(cep=Schema(type=OpenAPIType.STRING, pattern=f"[0-9]{_ANY}" * 7 + "[0-9]")),
    )
    """A city with a letter or digit, or a CEP."""

    def to_query(self) -> CheckLocation:
        """The core query, with the location normalised."""
        return CheckLocation(
            location=Location.of(city=self.city, neighbourhood=self.neighbourhood, cep=self.cep)
        )


class NotifyIn(In):
    """A contact to tell about an active failure."""

    to: str = Field(min_length=1, max_length=4096, examples=["5521987654321"])
    """The contact's phone number (E.164)."""
    name: str = Field(default="", max_length=200, examples=["Ana"])
    """The contact's name, for `{nome}`."""
    channel: Channel | None = None
    """Channel to use; default: the first of `LIA_DELIVERY__NOTICE_CHANNELS`."""

    def to_command(self, failure_id: str) -> NotifyContact:
        """The core command."""
        return NotifyContact(
            failure_id=failure_id,
            recipient=self.to,
            name=self.name.strip(),
            channel=self.channel,
            source="api",
        )


class NotifyCustomersIn(In):
    """Options of a proactive notice run."""

    template: str | None = Field(default=None, min_length=1, max_length=512)
    """Approved WhatsApp template to send; default `LIA_INBOUND__PROACTIVE_TEMPLATE`."""


class NotifyCustomersOut(BaseModel):
    """How many CRM customers were read, covered, newly queued, and told before."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    failure_id: str
    """The failure."""
    scanned: int
    """CRM customers read."""
    covered: int
    """Customers with a contract inside the failure's regions."""
    queued: int
    """Notices queued now."""
    already_notified: int
    """Covered customers told before (proactively or when they wrote)."""
