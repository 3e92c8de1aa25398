"""Builders for the outage suites: failures, regions, users."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from lia_core.domain.failures import FailureStatus, MassiveFailure, Severity
from lia_core.domain.regions import (
    AffectedRegions,
    Area,
    CepPrefix,
    CepRange,
    CityArea,
    NamedRegion,
)
from lia_core.domain.users import Role, User
from lia_core.ports import UnitOfWorkFactory

__all__ = [
    "BRT",
    "T0",
    "a_failure",
    "a_full_failure",
    "a_region",
    "a_user",
    "revision",
    "store_failures",
]


BRT = timezone(timedelta(hours=-3), "BRT")


T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def a_failure(
    failure_id: str = "f-1",
    *,
    status: FailureStatus = FailureStatus.ACTIVE,
    starts_at: datetime = T0,
) -> MassiveFailure:
    """A minimal valid failure; optional fields left empty."""
    return MassiveFailure(
        id=failure_id,
        name=f"Falha {failure_id}",
        notification_message="Olá {nome}, estamos com uma falha em {regiao}.",
        resolution_message=None,
        severity=Severity.MEDIUM,
        regions=AffectedRegions(area=Area(cities=(CityArea(city="Teresópolis"),))),
        starts_at=starts_at,
        estimated_resolution=None,
        status=status,
        created_by="ana",
        created_at=T0 - timedelta(days=1),
        updated_at=T0 - timedelta(days=1),
    )


def a_full_failure() -> MassiveFailure:
    """A failure with every field set, in several timezones and with accented bairros."""
    return MassiveFailure(
        id="3f1c9a2e-8d4b-4c1e-9a7f-0b6d5e4c3b2a",
        name="Rompimento de fibra na Várzea",
        notification_message="Olá {nome}! Falha em {regiao}; previsão {previsao}.",
        resolution_message="{nome}, o serviço foi normalizado. Obrigado pela paciência!",
        severity=Severity.CRITICAL,
        regions=AffectedRegions(
            area=Area(
                cities=(
                    CityArea(city="Teresópolis", neighbourhoods=("Várzea", "Agriões", "São Pedro")),
                    CityArea(city="Nova Friburgo"),
                ),
                ceps=(
                    CepPrefix(prefix="2595"),
                    CepRange(start="25960000", end="25969999"),
                    CepPrefix(prefix="25953120"),
                ),
            ),
            region_ids=("teresopolis-centro", "friburgo_sul"),
            region_names=("Teresópolis — Centro", "Friburgo Sul"),
        ),
        starts_at=datetime(2026, 3, 10, 9, 30, 15, 123456, tzinfo=BRT),
        estimated_resolution=datetime(2026, 3, 10, 18, 0, 0, 1, tzinfo=UTC),
        status=FailureStatus.RESOLVED,
        created_by="supervisor@isp.com.br",
        created_at=datetime(2026, 3, 10, 12, 0, tzinfo=UTC),
        updated_at=datetime(2026, 3, 10, 17, 45, tzinfo=UTC),
        activated_at=datetime(2026, 3, 10, 12, 31, tzinfo=UTC),
        paused_at=datetime(2026, 3, 10, 14, 0, tzinfo=BRT),
        resolved_at=datetime(2026, 3, 10, 17, 45, tzinfo=UTC),
        resolved_by="ana.souza",
        cancelled_at=datetime(2026, 3, 10, 17, 46, tzinfo=UTC),
        cancelled_by="scheduler",
    )


def a_region(
    region_id: str = "teresopolis-centro", name: str = "Teresópolis — Centro"
) -> NamedRegion:
    """A catalogue region with bairros and both kinds of CEP rule."""
    return NamedRegion.define(
        region_id=region_id,
        name=name,
        area=Area(
            cities=(CityArea.of("Teresópolis", ["Várzea", "Agriões", "Alto"]),),
            ceps=(CepPrefix(prefix="2596"), CepRange(start="25953000", end="25953999")),
        ),
    )


def a_user(username: str = "ana.souza", *, user_id: str | None = None) -> User:
    """A staff account."""
    return User(
        id=user_id or f"id-{username}",
        username=username,
        role=Role.SUPERVISOR,
        password_hash="$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
        created_at=T0,
    )


async def store_failures(uow_factory: UnitOfWorkFactory, *failures: MassiveFailure) -> None:
    """Add and commit *failures* in one unit of work."""
    async with uow_factory() as uow:
        for failure in failures:
            await uow.failures.add(failure)
        await uow.commit()


async def revision(uow_factory: UnitOfWorkFactory) -> int:
    """The committed outage-catalogue revision."""
    async with uow_factory() as uow:
        return await uow.failures.revision()
