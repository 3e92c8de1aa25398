"""Conversions between failures, regions and rows of the outage tables (dicts in, rows out)."""

from __future__ import annotations

from collections.abc import Mapping

from lia_adapters.sql.base import Row
from lia_core.domain.failures import FailureStatus, MassiveFailure, Severity
from lia_core.domain.regions import AffectedRegions, Area, CityArea, NamedRegion, parse_cep_rule

__all__ = [
    "area_from_json",
    "area_to_json",
    "failure_from_row",
    "failure_values",
    "region_from_row",
    "region_values",
]


def _strings(document: Mapping[str, object], name: str) -> tuple[str, ...]:
    value = document.get(name, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"stored JSON field {name!r} must be a list of strings, got {value!r}")
    return tuple(value)


def _cities(document: Mapping[str, object]) -> tuple[CityArea, ...]:
    value = document.get("cities", [])
    if not isinstance(value, list):
        raise ValueError(f"stored JSON field 'cities' must be a list, got {value!r}")
    cities: list[CityArea] = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("city"), str):
            raise ValueError(f"stored city must be an object with a 'city' name, got {item!r}")
        # Built directly, not through CityArea.of: stored names were validated when written.
        cities.append(CityArea(city=item["city"], neighbourhoods=_strings(item, "neighbourhoods")))
    return tuple(cities)


def area_to_json(area: Area) -> dict[str, object]:
    """An area as a JSON document; CEP rules in their command-line form."""
    return {
        "cities": [{"city": c.city, "neighbourhoods": list(c.neighbourhoods)} for c in area.cities],
        "ceps": [rule.spec() for rule in area.ceps],
    }


def area_from_json(document: Mapping[str, object]) -> Area:
    """The area stored by `area_to_json`."""
    return Area(
        cities=_cities(document),
        ceps=tuple(parse_cep_rule(spec) for spec in _strings(document, "ceps")),
    )


def failure_values(failure: MassiveFailure) -> dict[str, object]:
    """Every column of a `massive_failures` row for *failure*."""
    return {
        "id": failure.id,
        "name": failure.name,
        "notification_message": failure.notification_message,
        "resolution_message": failure.resolution_message,
        "severity": failure.severity.value,
        "status": failure.status.value,
        "affected_regions": {
            **area_to_json(failure.regions.area),
            "region_ids": list(failure.regions.region_ids),
            "region_names": list(failure.regions.region_names),
        },
        "starts_at": failure.starts_at,
        "estimated_resolution": failure.estimated_resolution,
        "created_by": failure.created_by,
        "created_at": failure.created_at,
        "updated_at": failure.updated_at,
        "activated_at": failure.activated_at,
        "paused_at": failure.paused_at,
        "resolved_at": failure.resolved_at,
        "resolved_by": failure.resolved_by,
        "cancelled_at": failure.cancelled_at,
        "cancelled_by": failure.cancelled_by,
        "version": failure.version,
    }


def failure_from_row(row: Row) -> MassiveFailure:
    """The failure stored in a `massive_failures` row."""
    affected: Mapping[str, object] = row["affected_regions"]
    return MassiveFailure(
        id=row["id"],
        name=row["name"],
        notification_message=row["notification_message"],
        resolution_message=row["resolution_message"],
        severity=Severity(row["severity"]),
        regions=AffectedRegions(
            area=area_from_json(affected),
            region_ids=_strings(affected, "region_ids"),
            # Absent from rows written before the names were kept: shown by id.
            region_names=_strings(affected, "region_names"),
        ),
        starts_at=row["starts_at"],
        estimated_resolution=row["estimated_resolution"],
        status=FailureStatus(row["status"]),
        created_by=row["created_by"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        activated_at=row["activated_at"],
        paused_at=row["paused_at"],
        resolved_at=row["resolved_at"],
        resolved_by=row["resolved_by"],
        cancelled_at=row["cancelled_at"],
        cancelled_by=row["cancelled_by"],
        version=row["version"],
    )


def region_values(region: NamedRegion) -> dict[str, object]:
    """The domain columns of a `regions` row (the audit timestamps are the database's)."""
    return {
        "id": region.id,
        "name": region.name,
        "rules": area_to_json(region.area),
        "version": region.version,
    }


def region_from_row(row: Row) -> NamedRegion:
    """The region stored in a `regions` row."""
    return NamedRegion(
        id=row["id"], name=row["name"], area=area_from_json(row["rules"]), version=row["version"]
    )
