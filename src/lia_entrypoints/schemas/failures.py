"""The public shapes of mass outages: failures, their areas, listings, checks and resolutions."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Literal

from lia_core.domain.failures import FailureStatus, MassiveFailure, Severity
from lia_core.domain.regions import Location
from lia_core.services import FailureListing, FailureTab
from lia_core.services.broadcast import FailureWithCounts, ResolutionReport
from lia_entrypoints.schemas.base import Out, local
from lia_entrypoints.schemas.regions import AreaOut

__all__ = [
    "CheckOut",
    "FailureDetailsOut",
    "FailureListOut",
    "FailureOut",
    "LocationOut",
    "ResolutionOut",
]


class FailureOut(Out):
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
            estimated_resolution=local(failure.estimated_resolution, tz),
            created_by=failure.created_by,
            created_at=failure.created_at.astimezone(tz),
            updated_at=failure.updated_at.astimezone(tz),
            activated_at=local(failure.activated_at, tz),
            paused_at=local(failure.paused_at, tz),
            resolved_at=local(failure.resolved_at, tz),
            resolved_by=failure.resolved_by,
            cancelled_at=local(failure.cancelled_at, tz),
            cancelled_by=failure.cancelled_by,
            version=failure.version,
        )


class FailureListOut(Out):
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


class LocationOut(Out):
    """A location as matched: folded names and CEP digits."""

    city: str | None
    neighbourhood: str | None
    cep: str | None


class CheckOut(Out):
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


class ResolutionOut(Out):
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
