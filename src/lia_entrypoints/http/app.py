"""The Litestar application factory: routes, auth, problem details, OpenAPI, lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.openapi.spec import Tag
from litestar.plugins.pydantic import PydanticPlugin

from lia_core import __version__
from lia_entrypoints import heap
from lia_entrypoints.bootstrap import Runtime, bootstrap
from lia_entrypoints.console import (
    SecurityHeaders,
    console_routers,
    for_console_too,
    root,
    template_config,
)
from lia_entrypoints.http.access_log import AccessLog
from lia_entrypoints.http.auth import build_jwt_auth
from lia_entrypoints.http.context import (
    INBOUND_KEY,
    RUNTIME_KEY,
    TZ_KEY,
    provide_services,
    provide_tz,
)
from lia_entrypoints.http.openapi import ClosedBodies
from lia_entrypoints.http.options import AnswerOptions
from lia_entrypoints.http.problems import exception_handlers
from lia_entrypoints.http.request_id import RequestIds
from lia_entrypoints.http.routes import (
    ContactController,
    ConversationController,
    DlqController,
    FailureController,
    GamificationController,
    MessageController,
    NpsController,
    OutboxController,
    RegionController,
    ReplyController,
    RulesController,
    TemplateController,
    TicketController,
    UserController,
    change_password,
    explain_ticket,
    get_report,
    health,
    list_activity,
    list_handoffs,
    login,
    metrics,
)
from lia_entrypoints.http.routes.assignment import (
    AgentController,
    AssignmentController,
    OfferController,
    list_queues,
)
from lia_entrypoints.http.routes.proactive import notify_customers
from lia_entrypoints.http.routes.realtime import realtime
from lia_entrypoints.http.routes.webhooks import (
    evolution_webhook,
    twilio_sms_webhook,
    twilio_status_webhook,
    whatsapp_verify,
    whatsapp_webhook,
)
from lia_entrypoints.inbound import InboundRuntime
from lia_entrypoints.settings import Settings

__all__ = ["create_app"]

_TAGS = [
    Tag(name="failures", description="Mass outages: declare, list, check a location, lifecycle."),
    Tag(name="regions", description="The catalogue of named regions failures refer to."),
    Tag(name="delivery", description="Outbound messages: queue, outbox, dead letters."),
    Tag(name="conversations", description="Contacts and their conversations."),
    Tag(name="webhooks", description="Provider callbacks: WhatsApp Cloud, Evolution, Twilio."),
    Tag(
        name="tickets",
        description="The support desk: tickets, their timelines, SLA clocks, commands.",
    ),
    Tag(name="auth", description="Log in for a bearer token."),
    Tag(name="agents", description="Agents, presence, queues, offers and claims (docs/desk.md)."),
    Tag(name="users", description="Staff accounts and their contact fields."),
    Tag(name="rules", description="The desk policy: rules, SLA policies, calendar, revisions."),
    Tag(name="audit", description="The audit log: who did what, from where, when."),
    Tag(name="handoffs", description="The handoff ledger: why, where, who accepted, when."),
    Tag(name="nps", description="NPS answers and the follow-up of detractors (docs/nps.md)."),
    Tag(name="gamification", description="Agents' monthly ranking (docs/gamification.md)."),
    Tag(name="service", description="Health."),
]


def _operation_id(handler: HTTPRouteHandler, _method: Any, _path: Any) -> str:
    # Handler functions are named for their operation (`create_failure`, `delete_region`, …).
    return handler.handler_name


def create_app(
    settings: Settings,
    *,
    runtime: Runtime | None = None,
    close_runtime: bool = False,
    settle_heap: bool = False,
) -> Litestar:
    """Build the app; without *runtime* it bootstraps one at startup and closes it at shutdown.

    Pass a *runtime* built by `bootstrap` (with fakes to test or demo); the caller closes it,
    unless *close_runtime* hands that to the app's shutdown. *settle_heap* tunes the garbage
    collector for a long-running server (`lia serve`).
    """
    jwt_auth = build_jwt_auth(settings)
    state = State({TZ_KEY: settings.tz})
    if runtime is not None:
        state[RUNTIME_KEY] = runtime

    @asynccontextmanager
    async def own_runtime(app: Litestar) -> AsyncIterator[None]:
        if runtime is not None:
            try:
                yield
            finally:
                if close_runtime:
                    await runtime.aclose()
            return
        app.state[RUNTIME_KEY] = built = await bootstrap(settings)
        try:
            yield
        finally:
            del app.state[RUNTIME_KEY]
            await built.aclose()

    @asynccontextmanager
    async def realtime_events(app: Litestar) -> AsyncIterator[None]:
        live: Runtime = app.state[RUNTIME_KEY]
        live.hub.start()
        listener = live.event_listener()
        if listener is not None:  # other processes' events: LISTEN (PostgreSQL), relay (SQLite)
            listener.on_restored = live.hub.resync
            listener.start()
        try:
            yield
        finally:
            if listener is not None:
                await listener.close()
            live.hub.close()

    @asynccontextmanager
    async def inbound_pipeline(app: Litestar) -> AsyncIterator[None]:
        live = app.state[RUNTIME_KEY]
        # SQLite writes one transaction at a time: a second lane would only wait for the first.
        lanes = 1 if settings.uses_embedded_database else None
        inbound = InboundRuntime.create(live.services, live.metrics, settings.inbound, lanes=lanes)
        inbound.start()
        app.state[INBOUND_KEY] = inbound
        if settle_heap:
            heap.settle_heap()
        try:
            yield
        finally:
            del app.state[INBOUND_KEY]
            await inbound.close()

    api = Router(
        path="/api/v1",
        route_handlers=[
            FailureController,
            RegionController,
            MessageController,
            OutboxController,
            DlqController,
            ContactController,
            ConversationController,
            ReplyController,
            TemplateController,
            notify_customers,
            UserController,
            change_password,
            RulesController,
            explain_ticket,
            TicketController,
            list_activity,
            list_handoffs,
            NpsController,
            get_report,
            GamificationController,
            AgentController,
            AssignmentController,
            OfferController,
            list_queues,
        ],
        middleware=[jwt_auth.middleware],
        security=[jwt_auth.security_requirement],
    )
    dependencies: dict[str, Any] = {
        "services": Provide(provide_services, sync_to_thread=False),
        "tz": Provide(provide_tz, sync_to_thread=False),
        "jwt_auth": Provide(lambda: jwt_auth, sync_to_thread=False),
    }
    return Litestar(
        route_handlers=[
            root,
            *console_routers(settings),
            health,
            login,
            api,
            whatsapp_verify,
            whatsapp_webhook,
            evolution_webhook,
            twilio_sms_webhook,
            twilio_status_webhook,
            metrics,
            realtime,
        ],
        dependencies=dependencies,
        exception_handlers={
            kind: for_console_too(handler) for kind, handler in exception_handlers.items()
        },
        middleware=[RequestIds(), AccessLog(), AnswerOptions(), SecurityHeaders],
        template_config=template_config(),
        lifespan=[own_runtime, realtime_events, inbound_pipeline],
        state=state,
        logging_config=None,
        plugins=[ClosedBodies(), PydanticPlugin()],
        openapi_config=OpenAPIConfig(
            title="LIA",
            version=__version__,
            description="Customer-support orchestration for ISPs: the mass-outage register.",
            path="/schema",
            tags=_TAGS,
            components=[jwt_auth.openapi_components],
            render_plugins=[ScalarRenderPlugin()],
            operation_id_creator=_operation_id,
        ),
    )
