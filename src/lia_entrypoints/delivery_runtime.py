"""Builds the worker's delivery machinery from settings: pooled HTTP client, channel senders, dispatcher."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Awaitable, Callable, Mapping

import attrs
import httpx
import structlog

from lia_adapters.channels import (
    CloudApiConfig,
    CloudApiWhatsAppSender,
    EvolutionConfig,
    EvolutionSender,
    FcmConfig,
    FcmPushSender,
    SandboxSender,
    ServiceAccountTokenProvider,
    TemplateRef,
    TwilioConfig,
    TwilioSmsSender,
)
from lia_adapters.channels.transport import ProviderTransport
from lia_core.domain.delivery import Channel
from lia_core.ports import Clock, IdGenerator, MessageSender, UnitOfWorkFactory
from lia_core.services.alerts import Alerter
from lia_core.services.dispatch import Dispatcher
from lia_entrypoints.delivery_config import alert_policy, delivery_policy
from lia_entrypoints.settings import Settings

__all__ = ["DeliveryRuntime", "build_delivery", "build_senders", "http_client"]

log = structlog.get_logger(__name__)


def http_client(settings: Settings) -> httpx.AsyncClient:
    """One pooled client for every provider (connections reused across sends)."""
    return httpx.AsyncClient(
        transport=ProviderTransport.pooled(max_connections=settings.delivery.concurrency),
        timeout=httpx.Timeout(settings.delivery.request_timeout_seconds),
        headers={"user-agent": "lia-delivery"},
    )


def _secret(value: object) -> str:
    getter = getattr(value, "get_secret_value", None)
    return str(getter() if getter else value)


def build_senders(
    settings: Settings, client: httpx.AsyncClient, sync_client: httpx.Client
) -> dict[Channel, MessageSender]:
    """A sender per channel: the real provider where credentials are set, else the sandbox."""
    senders: dict[Channel, MessageSender] = {c: SandboxSender(channel=c) for c in Channel}
    w = settings.whatsapp
    if w.phone_number_id and w.access_token:
        template = (
            TemplateRef(name=w.fallback_template, language=w.fallback_template_language)
            if w.fallback_template
            else None
        )
        senders[Channel.WHATSAPP] = CloudApiWhatsAppSender(
            client,
            CloudApiConfig(
                phone_number_id=w.phone_number_id,
                access_token=_secret(w.access_token),
                base_url=w.base_url,
                api_version=w.api_version,
                fallback_template=template,
            ),
        )
    e = settings.evolution
    if e.base_url and e.instance and e.api_key:
        senders[Channel.EVOLUTION] = EvolutionSender(
            client,
            EvolutionConfig(
                base_url=e.base_url,
                instance=e.instance,
                api_key=_secret(e.api_key),
                api_version=e.api_version,
            ),
        )
    t = settings.twilio
    if t.account_sid and t.auth_token:
        senders[Channel.SMS] = TwilioSmsSender(
            client,
            TwilioConfig(
                account_sid=t.account_sid,
                auth_token=_secret(t.auth_token),
                from_number=t.from_number,
                messaging_service_sid=t.messaging_service_sid,
                status_callback_url=t.status_callback_url,
                base_url=t.base_url,
            ),
        )
    f = settings.fcm
    if f.project_id and (f.service_account_file or f.access_token):
        token_provider: Callable[[], Awaitable[str]]
        if f.service_account_file is not None:
            info = json.loads(f.service_account_file.read_text())
            token_provider = ServiceAccountTokenProvider.from_service_account_info(
                info, http=sync_client
            )
        else:
            token_provider = _fixed_token(_secret(f.access_token))
        senders[Channel.PUSH] = FcmPushSender(
            client, FcmConfig(project_id=f.project_id, base_url=f.base_url), token_provider
        )
    real = sorted(c.value for c, s in senders.items() if not isinstance(s, SandboxSender))
    log.info("delivery.channels", providers=real or ["sandbox only"])
    return senders


def _fixed_token(token: str) -> Callable[[], Awaitable[str]]:
    async def provide() -> str:
        return token

    return provide


@attrs.define
class DeliveryRuntime:
    """The dispatcher and alerter of one worker process, with the HTTP clients to close."""

    dispatcher: Dispatcher
    alerter: Alerter
    senders: Mapping[Channel, MessageSender]
    client: httpx.AsyncClient
    sync_client: httpx.Client

    async def aclose(self) -> None:
        """Close provider connections."""
        await self.client.aclose()
        self.sync_client.close()


def build_delivery(
    settings: Settings, *, uow: UnitOfWorkFactory, clock: Clock, ids: IdGenerator
) -> DeliveryRuntime:
    """Wire the dispatcher to real (or sandbox) senders and the admin alerter."""
    client = http_client(settings)
    sync_client = httpx.Client(timeout=settings.delivery.request_timeout_seconds)
    senders = build_senders(settings, client, sync_client)

    def log_alert(kind: str, text: str) -> None:
        log.warning("alert.raised", alert=kind, text=text)

    alerter = Alerter(
        uow=uow,
        clock=clock,
        ids=ids,
        policy=alert_policy(settings),
        monotonic=time.monotonic,
        hook=log_alert,
    )
    rng = random.SystemRandom()
    dispatcher = Dispatcher(
        uow=uow,
        clock=clock,
        senders=senders,
        policy=delivery_policy(settings),
        alerter=alerter,
        monotonic=time.monotonic,
        sleep=asyncio.sleep,
        jitter=rng.random,
    )
    return DeliveryRuntime(dispatcher, alerter, senders, client, sync_client)
