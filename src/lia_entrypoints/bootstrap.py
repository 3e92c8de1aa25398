"""Composition root: build the adapters and use cases from settings, once per process."""

from __future__ import annotations

import attrs
import httpx
import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.audit_webhook import WebhookAuditSink
from lia_adapters.sql import SqlUnitOfWorkFactory, create_engine
from lia_adapters.sql.migrations import current_revision, head_revision, upgrade
from lia_adapters.system import Argon2PasswordHasher, SystemClock, UuidGenerator
from lia_core.errors import DomainError, SchemaOutdated
from lia_core.ports import Clock, CustomerRoster, IdGenerator, PasswordHasher, UnitOfWorkFactory
from lia_core.services import Services
from lia_core.services.proactive import NotifyAffectedCustomersHandler
from lia_entrypoints.crm_config import build_customer_roster
from lia_entrypoints.delivery_config import channel_order
from lia_entrypoints.settings import Settings

__all__ = ["Runtime", "SchemaOutdated", "bootstrap"]

log = structlog.get_logger(__name__)


@attrs.define
class Runtime:
    """What an entrypoint needs: settings, use cases, and the resources to release at exit."""

    settings: Settings
    services: Services
    clock: Clock
    uow: UnitOfWorkFactory
    ids: IdGenerator
    engine: AsyncEngine | None = None
    http: httpx.AsyncClient | None = None
    roster: CustomerRoster | None = None
    """Replaces the CRM's customer list (tests); by default it is read from settings when needed."""

    def proactive_notice(self) -> NotifyAffectedCustomersHandler:
        """The proactive-notice use case; DomainError when the CRM cannot list its customers."""
        roster = self.roster if self.roster is not None else build_customer_roster(self.settings)
        if roster is None:
            raise DomainError(
                "the configured CRM cannot list its customers; proactive notices need "
                "LIA_CRM__KIND=file (a CSV export)"
            )
        return NotifyAffectedCustomersHandler(
            self.uow,
            self.clock,
            self.ids,
            self.settings.tz,
            channel_order(self.settings),
            roster,
        )

    async def aclose(self) -> None:
        """Release database connections and HTTP clients."""
        if self.http is not None:
            await self.http.aclose()
        if self.engine is not None:
            await self.engine.dispose()


async def prepare_database(engine: AsyncEngine, settings: Settings) -> None:
    """Migrate the embedded SQLite database; refuse to run on an outdated PostgreSQL schema."""
    current = await current_revision(engine)
    head = head_revision()
    if current == head:
        return
    if settings.uses_embedded_database:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        log.info("database.migrating", from_revision=current, to_revision=head)
        await upgrade(engine)
        return
    found = f"is at revision {current}" if current else "has no LIA schema yet"
    raise SchemaOutdated(f"the database {found}, this LIA needs {head}: run `lia db upgrade`")


async def bootstrap(
    settings: Settings,
    *,
    uow: UnitOfWorkFactory | None = None,
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
    hasher: PasswordHasher | None = None,
    roster: CustomerRoster | None = None,
) -> Runtime:
    """Wire the use cases; pass fakes to replace any adapter (tests, demos)."""
    engine: AsyncEngine | None = None
    if uow is None:
        if settings.uses_embedded_database:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(settings.effective_database_url)
        try:
            await prepare_database(engine, settings)
        except BaseException:
            await engine.dispose()
            raise
        uow = SqlUnitOfWorkFactory(engine)
    real_clock = clock or SystemClock()
    real_ids = ids or UuidGenerator()
    webhook = settings.alerts.dlq_webhook_url
    http = httpx.AsyncClient(timeout=5.0) if webhook else None
    services = Services.build(
        uow=uow,
        clock=real_clock,
        ids=real_ids,
        hasher=hasher or Argon2PasswordHasher(),
        tz=settings.tz,
        channel_order=channel_order(settings),
        audit_sink=WebhookAuditSink(http, webhook) if http and webhook else None,
    )
    return Runtime(
        settings=settings,
        services=services,
        clock=real_clock,
        uow=uow,
        ids=real_ids,
        engine=engine,
        http=http,
        roster=roster,
    )
