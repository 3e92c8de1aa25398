"""The public shapes of LIA's resources, shared by the HTTP API and the CLI's ``--json`` output."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from lia_core.domain.failures import FailureStatus, MassiveFailure, Severity
from lia_core.domain.regions import Area, CityArea, Location, NamedRegion
from lia_core.domain.users import Role, User
from lia_core.errors import ValidationError
from lia_core.services import FailureListing, FailureTab
from lia_core.services.broadcast import FailureWithCounts, ResolutionReport
from lia_entrypoints.delivery_schemas import (
    AuditOut,
    DeadLetterDetailsOut,
    DeadLetterOut,
    DeliveryErrorOut,
    EnqueueOut,
    JobOut,
    MessageContentOut,
    NoticeOut,
    ReprocessOut,
)

__all__ = [
    "AreaOut",
    "AuditOut",
    "CheckOut",
    "CityAreaIn",
    "DeadLetterDetailsOut",
    "DeadLetterOut",
    "DeliveryErrorOut",
    "EnqueueOut",
    "FailureDetailsOut",
    "FailureListOut",
    "FailureOut",
    "JobOut",
    "LocationOut",
    "MessageContentOut",
    "NoticeOut",
    "RegionOut",
    "ReprocessOut",
    "ResolutionOut",
    "UserOut",
    "parse_instant",
]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)


class CityAreaIn(BaseModel):
    """A city, whole (no bairros) or only the listed bairros."""

    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid")

    city: str = Field(min_length=1, max_length=120, examples=["Teresópolis"])
    """City name; case, accents and punctuation are ignored when matching."""
    neighbourhoods: list[str] = Field(
        default_factory=list, max_length=500, examples=[["Centro", "Alto"]]
    )
    """Bairros; empty means the whole city."""

    def to_domain(self, *, field: str) -> CityArea:
        """The core value."""
        return CityArea.of(self.city, self.neighbourhoods, field=field)


class CityAreaOut(_Out):
    """A city area as stored."""

    city: str
    neighbourhoods: list[str]


class AreaOut(_Out):
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


class FailureOut(_Out):
    """A mass outage."""

    id: str
    name: str
    status: FailureStatus
    severity: Severity
    message: str
    """Notification template sent to affected customers."""
    resolution_message: str | None
    regions: AreaOut
    """The failure's own rules."""
    region_ids: list[str]
    """Catalogue regions the failure also covers."""
    regions_summary: str
    starts_at: datetime
    estimated_resolution: datetime | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    activated_at: datetime | None
    paused_at: datetime | None
    resolved_at: datetime | None
    resolved_by: str | None
    cancelled_at: datetime | None
    cancelled_by: str | None
    version: int

    @classmethod
    def of(cls, failure: MassiveFailure, tz: tzinfo) -> FailureOut:
        """Render a failure with its times in the ISP's timezone."""

        def local(value: datetime | None) -> datetime | None:
            return value.astimezone(tz) if value is not None else None

        return cls(
            id=failure.id,
            name=failure.name,
            status=failure.status,
            severity=failure.severity,
            message=failure.notification_message,
            resolution_message=failure.resolution_message,
            regions=AreaOut.of(failure.regions.area),
            region_ids=list(failure.regions.region_ids),
            regions_summary=failure.regions.describe(),
            starts_at=failure.starts_at.astimezone(tz),
            estimated_resolution=local(failure.estimated_resolution),
            created_by=failure.created_by,
            created_at=failure.created_at.astimezone(tz),
            updated_at=failure.updated_at.astimezone(tz),
            activated_at=local(failure.activated_at),
            paused_at=local(failure.paused_at),
            resolved_at=local(failure.resolved_at),
            resolved_by=failure.resolved_by,
            cancelled_at=local(failure.cancelled_at),
            cancelled_by=failure.cancelled_by,
            version=failure.version,
        )


class FailureListOut(_Out):
    """One tab of the supervisor page and the counts of every tab."""

    status: Literal["active", "scheduled", "resolved", "all"]
    counts: dict[str, int]
    """Failures per tab: active (active + paused), scheduled, resolved (resolved + cancelled), all."""
    items: list[FailureOut]

    @classmethod
    def of(cls, listing: FailureListing, tz: tzinfo) -> FailureListOut:
        """Render a listing."""
        return cls(
            status=listing.tab.value,
            counts={tab.value: listing.counts.get(tab, 0) for tab in FailureTab},
            items=[FailureOut.of(f, tz) for f in listing.failures],
        )


class LocationOut(_Out):
    """A location as matched: folded names and CEP digits."""

    city: str | None
    neighbourhood: str | None
    cep: str | None


class CheckOut(_Out):
    """Which active failures cover a location."""

    location: LocationOut
    affected: bool
    failures: list[FailureOut]

    @classmethod
    def of(cls, location: Location, failures: tuple[MassiveFailure, ...], tz: tzinfo) -> CheckOut:
        """Render a check result."""
        return cls(
            location=LocationOut(
                city=location.city, neighbourhood=location.neighbourhood, cep=location.cep
            ),
            affected=bool(failures),
            failures=[FailureOut.of(f, tz) for f in failures],
        )


class RegionOut(_Out):
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


class UserOut(_Out):
    """A staff account (never its password)."""

    id: str
    username: str
    role: Role
    is_active: bool
    created_at: datetime

    @classmethod
    def of(cls, user: User, tz: tzinfo) -> UserOut:
        """Render an account."""
        return cls(
            id=user.id,
            username=user.username,
            role=user.role,
            is_active=user.is_active,
            created_at=user.created_at.astimezone(tz),
        )


def parse_instant(raw: str | datetime, tz: tzinfo, *, field: str) -> datetime:
    """Read an ISO 8601 time; one without an offset is taken in the ISP's timezone *tz*."""
    if isinstance(raw, datetime):
        value = raw
    else:
        try:
            value = datetime.fromisoformat(raw.strip())
        except ValueError:
            raise ValidationError(
                f"not an ISO 8601 time: {raw!r} (e.g. 2026-05-21T02:00 or 2026-05-21T02:00-03:00)",
                field=field,
            ) from None
    return value if value.utcoffset() is not None else value.replace(tzinfo=tz)


class FailureDetailsOut(FailureOut):
    """A failure with how many contacts got its notice and its resolution message."""

    notices: int
    """Contacts notified of the outage."""
    resolutions: int
    """Contacts sent the resolution message."""

    @classmethod
    def of_counts(cls, details: FailureWithCounts, tz: tzinfo) -> FailureDetailsOut:
        """Render a failure with its notice counts."""
        base = FailureOut.of(details.failure, tz).model_dump()
        return cls(**base, notices=details.notices, resolutions=details.resolutions)


class ResolutionOut(_Out):
    """A resolved failure and its resolution broadcast."""

    failure: FailureOut
    notified: int
    """Contacts that had received the outage notice."""
    queued: int
    """Resolution messages queued now."""
    already_queued: int
    """Contacts whose resolution message was already queued."""

    @classmethod
    def of(cls, report: ResolutionReport, tz: tzinfo) -> ResolutionOut:
        """Render a resolution report."""
        return cls(
            failure=FailureOut.of(report.failure, tz),
            notified=report.notified,
            queued=report.queued,
            already_queued=report.already_queued,
        )
