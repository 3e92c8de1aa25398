"""Composition root: every adapter, policy and use case built once from settings, per process.

Nothing else wires: the HTTP app, the CLI and the worker take what `bootstrap` returns.
Everything that can refuse a setting is built here, eagerly, so a misconfiguration stops
`lia serve` and `lia worker` with one line before they listen.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Mapping
from datetime import timedelta

import attrs
import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.memory import InMemoryStore
from lia_adapters.memory.realtime import InProcessEventBus
from lia_adapters.sql import SqlRateGate, SqlUnitOfWorkFactory, create_engine
from lia_adapters.sql.migrations import current_revision, head_revision, upgrade
from lia_adapters.sql.realtime import PgEventListener, libpq_conninfo
from lia_adapters.sql.relay.relay import SqliteEventRelay
from lia_adapters.sql.wakeup import PgWakeup
from lia_adapters.system import Argon2PasswordHasher, SystemClock, UuidGenerator
from lia_core.desk.alerts import OutboxStaffNotifier
from lia_core.desk.monitor import SlaMonitor
from lia_core.domain.delivery import Channel
from lia_core.errors import DomainError, SchemaOutdated
from lia_core.ports import (
    Clock,
    ConversationRouter,
    CustomerDirectory,
    CustomerRoster,
    IdGenerator,
    MessageSender,
    PasswordHasher,
    RateGate,
    UnitOfWorkFactory,
)
from lia_core.services import DeskPolicySource, Services
from lia_core.services.proactive import NotifyAffectedCustomersHandler
from lia_entrypoints import policies
from lia_entrypoints.adapters import (
    HttpClients,
    build_audit_sink,
    build_customer_directory,
    build_customer_roster,
    build_senders,
    http_url,
)
from lia_entrypoints.delivery_log import LoggedSender
from lia_entrypoints.desk import LoggingAlertObserver, LoggingMonitorObserver
from lia_entrypoints.inbound.metrics import InboundMetrics
from lia_entrypoints.inbound.observer import LoggingGateObserver
from lia_entrypoints.invalid_setting import InvalidSetting
from lia_entrypoints.realtime import RealtimeHub
from lia_entrypoints.settings import Settings
from lia_entrypoints.state_metrics import StateMetrics

__all__ = ["Runtime", "SchemaOutdated", "bootstrap", "stored_channel"]

log = structlog.get_logger(__name__)


@attrs.define
class Runtime:
    """What an entrypoint needs: settings, use cases, and the resources to release at exit."""

    settings: Settings
    services: Services
    clock: Clock
    uow: UnitOfWorkFactory
    ids: IdGenerator
    metrics: InboundMetrics
    """This process's Prometheus counters (`GET /metrics`)."""
    state_metrics: StateMetrics
    """The stored state's gauges in `metrics.registry`, refreshed by each scrape."""
    feed: InProcessEventBus
    """This process's realtime feed: what committed units of work published (the WebSocket hub listens)."""
    hub: RealtimeHub
    """Fans `feed` out to this process's WebSocket clients (`lia serve` starts it)."""
    sla_monitor: SlaMonitor
    """The SLA monitor the worker ticks (`LIA_DESK__MONITOR_INTERVAL_SECONDS`)."""
    directory: CustomerDirectory | None = None
    """The CRM the gate asks (`lia crm lookup` asks it too); None without one."""
    engine: AsyncEngine | None = None
    clients: HttpClients = attrs.field(factory=HttpClients)

    def event_listener(self) -> PgEventListener | SqliteEventRelay | None:
        """What feeds `feed` with the other processes' events (`lia serve` starts it): on
        PostgreSQL the LISTEN connection, on SQLite the relay reader; None over the fakes."""
        uow = self.uow
        if not isinstance(uow, SqlUnitOfWorkFactory):
            return None
        if uow.engine.dialect.name != "postgresql":
            return SqliteEventRelay(uow.engine, uow.bus, origin=uow.origin)
        return PgEventListener(
            libpq_conninfo(uow.engine.url.render_as_string(hide_password=False)),
            uow.bus,
            channel=uow.channel,
            backoff_max=self.settings.realtime.reconnect_max_seconds,
        )

    def gate_wakeup(self, wake: asyncio.Event) -> PgWakeup | None:
        """On PostgreSQL with `LIA_INBOUND__GATE=worker`, the LISTEN connection that sets
        *wake* when `lia serve` stored messages; None elsewhere (the gate worker polls)."""
        uow = self.uow
        if not isinstance(uow, SqlUnitOfWorkFactory) or uow.stored_channel is None:
            return None
        if uow.engine.dialect.name != "postgresql":
            return None
        return PgWakeup(
            libpq_conninfo(uow.engine.url.render_as_string(hide_password=False)),
            uow.stored_channel,
            wake,
            backoff_max=self.settings.realtime.reconnect_max_seconds,
        )

    def proactive_notice(self) -> NotifyAffectedCustomersHandler:
        """The proactive-notice use case; DomainError when the CRM cannot list its customers."""
        if self.services.proactive_notice is None:
            raise DomainError(
                "the configured CRM cannot list its customers; proactive notices need "
                "LIA_CRM__KIND=file (a CSV export)"
            )
        return self.services.proactive_notice

    async def aclose(self) -> None:
        """Release database connections and HTTP clients."""
        await self.clients.aclose()
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


def _engine(settings: Settings) -> AsyncEngine:
    if settings.uses_embedded_database:
        try:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InvalidSetting(
                "LIA_DATA_DIR", f"cannot create {exc.filename}: {exc.strerror}"
            ) from None
    try:
        return create_engine(settings.effective_database_url)
    except (ValueError, ImportError, LookupError) as exc:
        # sqlalchemy's ArgumentError is a ValueError: a URL it cannot parse or a bad option.
        raise InvalidSetting("LIA_DATABASE_URL", str(exc).splitlines()[0]) from None


def _monitor_lanes(uow: UnitOfWorkFactory, lanes: int) -> int:
    """The setting on PostgreSQL; one lane elsewhere (SQLite has one writer at a time)."""
    if isinstance(uow, SqlUnitOfWorkFactory) and uow.engine.dialect.name == "postgresql":
        return lanes
    return 1


def _rate_gate(uow: UnitOfWorkFactory, settings: Settings) -> RateGate | None:
    """The database's shared rate caps (`LIA_DELIVERY__RATE_SCOPE=shared`); None: per process.

    SQLite shares them too: several workers on one file would otherwise send at several
    times the cap, and a take is one short write per lease, not per message. Over the
    in-memory fakes there is one process, so nothing to share.
    """
    if settings.delivery.rate_scope == "shared" and isinstance(uow, SqlUnitOfWorkFactory):
        return SqlRateGate(uow.engine)
    return None


def _feed_of(uow: UnitOfWorkFactory) -> InProcessEventBus:
    """The bus the units of work deliver to (a fake store's, or the SQL factory's)."""
    if isinstance(uow, SqlUnitOfWorkFactory):
        return uow.bus
    store = getattr(uow, "__self__", None)  # `InMemoryStore().unit_of_work`, a bound method
    if isinstance(store, InMemoryStore):
        return store.bus
    return InProcessEventBus()  # another factory: it publishes nowhere this process hears


def stored_channel(settings: Settings) -> str | None:
    """The NOTIFY channel of stored messages with `LIA_INBOUND__GATE=worker` (None: inline)."""
    if settings.inbound.gate != "worker":
        return None
    return f"{settings.realtime.channel[:56]}_stored"


def _log_alert(kind: str, text: str) -> None:
    log.warning("alert.raised", alert=kind, text=text)


async def bootstrap(
    settings: Settings,
    *,
    uow: UnitOfWorkFactory | None = None,
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
    hasher: PasswordHasher | None = None,
    directory: CustomerDirectory | None = None,
    roster: CustomerRoster | None = None,
    senders: Mapping[Channel, MessageSender] | None = None,
    router: ConversationRouter | None = None,
) -> Runtime:
    """Build every use case from *settings*; pass fakes to replace any adapter (tests, demos).

    *directory* replaces the CRM the gate asks, *roster* the CRM the proactive notice walks,
    *senders* the channel adapters, *router* the normal flow after the gate. Raises
    `InvalidSetting` for a setting that cannot work, before anything is opened.
    """
    real_clock = clock or SystemClock()
    clients = HttpClients()
    order = policies.channel_order(settings)
    alerts = policies.alert_policy(settings)
    try:
        # The CSV CRM is parsed once and serves both the gate and the proactive notice.
        file_roster = build_customer_roster(settings)
        roster = roster if roster is not None else file_roster
        if directory is None:
            directory = build_customer_directory(
                settings, clock=real_clock, clients=clients, roster=file_roster
            )
        if settings.http.public_url:
            http_url(settings.http.public_url, "LIA_HTTP__PUBLIC_URL")
        built = senders if senders is not None else build_senders(settings, clients)
        # Each send logs under its job's id and the id of the request that queued it.
        channel_senders = {channel: LoggedSender(sender) for channel, sender in built.items()}
        audit_sink = build_audit_sink(settings, clients)
        engine: AsyncEngine | None = None
        if uow is None:
            engine = _engine(settings)
            try:
                await prepare_database(engine, settings)
            except BaseException:
                await engine.dispose()
                raise
            uow = SqlUnitOfWorkFactory(
                engine,
                bus=InProcessEventBus(),
                channel=settings.realtime.channel,
                stored_channel=stored_channel(settings),
            )
    except BaseException:
        await clients.aclose()
        raise
    metrics = InboundMetrics()
    real_ids = ids or UuidGenerator()
    desk_policy = DeskPolicySource(
        uow=uow,
        clock=real_clock,
        timezone=settings.timezone,
        refresh=policies.desk_policy_refresh(settings),
    )
    staff_notifier = OutboxStaffNotifier(real_ids, observer=LoggingAlertObserver())
    services = Services.build(
        uow=uow,
        clock=real_clock,
        ids=real_ids,
        hasher=hasher or Argon2PasswordHasher(),
        tz=settings.tz,
        channel_order=order,
        audit_sink=audit_sink,
        senders=channel_senders,
        delivery_policy=policies.delivery_policy(settings),
        alert_policy=alerts,
        alert_hook=_log_alert,
        inbound_policy=policies.inbound_policy(settings),
        directory=directory,
        roster=roster,
        router=router,
        gate_observer=LoggingGateObserver(metrics),
        monotonic=time.monotonic,
        sleep=asyncio.sleep,
        jitter=random.SystemRandom().random,
        desk_policies=desk_policy,
        staff_notifier=staff_notifier,
        assignment_policy=policies.assignment_policy(settings),
        nps_policy=policies.nps_policy(settings),
        rate_gate=_rate_gate(uow, settings),
        login_policy=policies.login_policy(settings),
    )
    sla_monitor = SlaMonitor(
        uow=uow,
        clock=real_clock,
        desk=services.desk,
        policies=services.desk.policies,
        observer=LoggingMonitorObserver(),
        notifier=staff_notifier,
        batch=settings.desk.monitor_batch,
        lanes=_monitor_lanes(uow, settings.desk.monitor_lanes),
        digest_after=settings.desk.alert_digest_after,
    )
    feed = _feed_of(uow)
    state_metrics = StateMetrics(
        uow,
        real_clock,
        presence_ttl=policies.assignment_policy(settings).presence_ttl,
        cache=timedelta(seconds=settings.http.metrics_cache_seconds),
        monotonic=time.monotonic,
        registry=metrics.registry,
    )
    return Runtime(
        feed=feed,
        hub=RealtimeHub(feed, registry=metrics.registry, backlog=settings.realtime.client_backlog),
        settings=settings,
        services=services,
        sla_monitor=sla_monitor,
        clock=real_clock,
        uow=uow,
        ids=real_ids,
        metrics=metrics,
        state_metrics=state_metrics,
        directory=directory,
        engine=engine,
        clients=clients,
    )
