"""Adapters made from settings: HTTP clients, channel senders, the CRM, the audit webhook.

Everything here can refuse a setting; it raises `InvalidSetting` naming the variable, so
`lia serve` and `lia worker` stop with one line before they listen.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import attrs
import httpx

from lia_adapters.audit_webhook import WebhookAuditSink
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
from lia_adapters.channels.poster import AiohttpPoster, HttpxPoster, JsonPoster
from lia_adapters.channels.transport import ProviderClient, ProviderTransport
from lia_adapters.crm import (
    CachedCustomerDirectory,
    CsvCustomerRoster,
    IxcConfig,
    IxcCustomerDirectory,
    RestConfig,
    RestCustomerDirectory,
    RestFieldMap,
)
from lia_core.domain.delivery import Channel
from lia_core.ports import AuditSink, Clock, CustomerDirectory, MessageSender
from lia_entrypoints.invalid_setting import InvalidSetting
from lia_entrypoints.settings import Settings

__all__ = [
    "HttpClients",
    "build_audit_sink",
    "build_customer_directory",
    "build_customer_roster",
    "build_senders",
    "channel_configured",
    "check_credentials",
    "configured_channels",
    "http_url",
    "secret",
]


def secret(value: object) -> str:
    """The plain text of a setting that may be a `SecretStr`."""
    getter = getattr(value, "get_secret_value", None)
    return str(getter() if getter else value)


def http_url(value: str, setting: str) -> str:
    """*value* if it is an http(s) URL with a host (`{phone}` placeholders allowed)."""
    try:
        url = httpx.URL(value.replace("{phone}", "0").replace("{national}", "0"))
    except (httpx.InvalidURL, TypeError) as exc:
        raise InvalidSetting(setting, f"{value!r} is not a URL ({exc})") from None
    if url.scheme not in {"http", "https"} or not url.host:
        raise InvalidSetting(setting, f"{value!r} is not an http(s) URL with a host")
    return value


def _required(value: object, setting: str, why: str) -> str:
    if value is None or value == "":
        raise InvalidSetting.missing(setting, why)
    return secret(value)


@attrs.define
class HttpClients:
    """The one factory of HTTP clients: each made on first need, all closed by `aclose`."""

    _open: list[httpx.AsyncClient] = attrs.field(factory=list)
    _sync: list[httpx.Client] = attrs.field(factory=list)
    _posters: list[AiohttpPoster] = attrs.field(factory=list)
    transport: httpx.AsyncBaseTransport | None = attrs.field(default=None, kw_only=True)
    """Every async client's transport instead of its own (`lia doctor`'s tests: a MockTransport)."""
    timeout: float | None = attrs.field(default=None, kw_only=True)
    """Every client's timeout instead of the one asked for (`lia doctor`: its own short one)."""

    def client(
        self, *, timeout: float, pool: int | None = None, user_agent: str | None = None
    ) -> httpx.AsyncClient:
        """An async client; with *pool*, connections are kept and shared up to that many."""
        transport = self.transport
        if transport is None and pool:
            transport = ProviderTransport.pooled(max_connections=pool)
        # Pooled clients are the provider senders': no cookie jar (see ProviderClient).
        client = (ProviderClient if pool else httpx.AsyncClient)(
            transport=transport,
            timeout=httpx.Timeout(self.timeout or timeout),
            headers={"user-agent": user_agent} if user_agent else None,
        )
        self._open.append(client)
        return client

    def poster(self, *, timeout: float, pool: int, user_agent: str | None = None) -> JsonPoster:
        """The provider sends' JSON poster: aiohttp straight, pooled up to *pool* connections
        (over an httpx client when a transport is injected, so it sees every request)."""
        if self.transport is not None:
            return HttpxPoster(self.client(timeout=timeout, pool=pool, user_agent=user_agent))
        poster = AiohttpPoster(
            timeout=self.timeout or timeout, max_connections=pool, user_agent=user_agent
        )
        self._posters.append(poster)
        return poster

    @property
    def made(self) -> int:
        """How many clients are open (a CRM read from a file needs none)."""
        return len(self._open) + len(self._sync) + len(self._posters)

    def sync_client(self, *, timeout: float) -> httpx.Client:
        """A blocking client (token refresh through google-auth)."""
        client = httpx.Client(timeout=self.timeout or timeout)
        self._sync.append(client)
        return client

    async def aclose(self) -> None:
        """Close every client made."""
        for client in self._open:
            await client.aclose()
        for sync in self._sync:
            sync.close()
        for poster in self._posters:
            await poster.aclose()
        self._open.clear()
        self._sync.clear()
        self._posters.clear()


def channel_configured(settings: Settings, channel: Channel) -> bool:
    """True when *channel*'s provider credentials are set (the sandbox always is)."""
    match channel:
        case Channel.WHATSAPP:
            return bool(settings.whatsapp.phone_number_id and settings.whatsapp.access_token)
        case Channel.EVOLUTION:
            e = settings.evolution
            return bool(e.base_url and e.instance and e.api_key)
        case Channel.SMS:
            return bool(settings.twilio.account_sid and settings.twilio.auth_token)
        case Channel.PUSH:
            f = settings.fcm
            return bool(f.project_id and (f.service_account_file or f.access_token))
        case _:
            return channel is Channel.SANDBOX


def configured_channels(settings: Settings) -> tuple[Channel, ...]:
    """The channels whose provider credentials are set, in preference order."""
    order = (Channel.WHATSAPP, Channel.EVOLUTION, Channel.SMS, Channel.PUSH)
    return tuple(c for c in order if channel_configured(settings, c))


def _all_or_none(names: dict[str, object]) -> None:
    """A provider is configured by a group of settings: some without the others is a mistake."""
    given = [name for name, value in names.items() if value]
    missing = [name for name, value in names.items() if not value]
    if given and missing:
        raise InvalidSetting.missing(missing[0], f"when {given[0]} is set")


def check_credentials(settings: Settings) -> None:
    """Refuse a provider configured by halves (it would silently fall back to the sandbox)."""
    w, e, t, f = settings.whatsapp, settings.evolution, settings.twilio, settings.fcm
    _all_or_none(
        {
            "LIA_WHATSAPP__PHONE_NUMBER_ID": w.phone_number_id,
            "LIA_WHATSAPP__ACCESS_TOKEN": w.access_token,
        }
    )
    _all_or_none(
        {
            "LIA_EVOLUTION__BASE_URL": e.base_url,
            "LIA_EVOLUTION__INSTANCE": e.instance,
            "LIA_EVOLUTION__API_KEY": e.api_key,
        }
    )
    # The auth token alone is right: it verifies inbound SMS webhooks without sending any.
    if t.account_sid and not t.auth_token:
        raise InvalidSetting.missing(
            "LIA_TWILIO__AUTH_TOKEN", "when LIA_TWILIO__ACCOUNT_SID is set"
        )
    if t.account_sid and not (t.from_number or t.messaging_service_sid):
        raise InvalidSetting.missing(
            "LIA_TWILIO__FROM_NUMBER",
            "(or LIA_TWILIO__MESSAGING_SERVICE_SID) when LIA_TWILIO__ACCOUNT_SID is set",
        )
    _all_or_none(
        {
            "LIA_FCM__PROJECT_ID": f.project_id,
            "LIA_FCM__SERVICE_ACCOUNT_FILE": f.service_account_file or f.access_token,
        }
    )


def _fixed_token(token: str) -> Callable[[], Awaitable[str]]:
    async def provide() -> str:
        return token

    return provide


def _fcm_token(settings: Settings, clients: HttpClients) -> Callable[[], Awaitable[str]]:
    f = settings.fcm
    if f.service_account_file is None:
        return _fixed_token(secret(f.access_token))
    setting = "LIA_FCM__SERVICE_ACCOUNT_FILE"
    try:
        info = json.loads(Path(f.service_account_file).read_text())
        return ServiceAccountTokenProvider.from_service_account_info(
            info,
            http=clients.sync_client(timeout=settings.delivery.request_timeout_seconds),
        )
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise InvalidSetting(setting, f"not a usable service-account key file ({exc})") from None


def build_senders(settings: Settings, clients: HttpClients) -> dict[Channel, MessageSender]:
    """A sender per channel: the real provider where credentials are set, else the sandbox."""
    check_credentials(settings)
    senders: dict[Channel, MessageSender] = {c: SandboxSender(channel=c) for c in Channel}
    if not configured_channels(settings):
        return senders
    d = settings.delivery
    client = clients.client(
        timeout=d.request_timeout_seconds, pool=d.concurrency, user_agent="lia-delivery"
    )
    if channel_configured(settings, Channel.WHATSAPP):
        w = settings.whatsapp
        template = (
            TemplateRef(name=w.fallback_template, language=w.fallback_template_language)
            if w.fallback_template
            else None
        )
        senders[Channel.WHATSAPP] = CloudApiWhatsAppSender(
            client,
            poster=clients.poster(
                timeout=d.request_timeout_seconds, pool=d.concurrency, user_agent="lia-delivery"
            ),
            config=CloudApiConfig(
                phone_number_id=secret(w.phone_number_id),
                access_token=secret(w.access_token),
                base_url=http_url(w.base_url, "LIA_WHATSAPP__BASE_URL"),
                api_version=w.api_version,
                fallback_template=template,
            ),
        )
    if channel_configured(settings, Channel.EVOLUTION):
        e = settings.evolution
        senders[Channel.EVOLUTION] = EvolutionSender(
            client,
            EvolutionConfig(
                base_url=http_url(secret(e.base_url), "LIA_EVOLUTION__BASE_URL"),
                instance=secret(e.instance),
                api_key=secret(e.api_key),
                api_version=e.api_version,
            ),
        )
    if channel_configured(settings, Channel.SMS):
        t = settings.twilio
        if t.status_callback_url:
            http_url(t.status_callback_url, "LIA_TWILIO__STATUS_CALLBACK_URL")
        senders[Channel.SMS] = TwilioSmsSender(
            client,
            TwilioConfig(
                account_sid=secret(t.account_sid),
                auth_token=secret(t.auth_token),
                from_number=t.from_number,
                messaging_service_sid=t.messaging_service_sid,
                status_callback_url=t.status_callback_url,
                base_url=http_url(t.base_url, "LIA_TWILIO__BASE_URL"),
            ),
        )
    if channel_configured(settings, Channel.PUSH):
        f = settings.fcm
        senders[Channel.PUSH] = FcmPushSender(
            client,
            FcmConfig(
                project_id=secret(f.project_id), base_url=http_url(f.base_url, "LIA_FCM__BASE_URL")
            ),
            _fcm_token(settings, clients),
        )
    return senders


def _field_map(raw: dict[str, str]) -> RestFieldMap:
    known = {f.name for f in attrs.fields(RestFieldMap)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise InvalidSetting(
            "LIA_CRM__REST_FIELDS",
            f"unknown REST field(s) {', '.join(unknown)}; use {', '.join(sorted(known))}",
        )
    return RestFieldMap(**raw)


def _csv(settings: Settings) -> Path:
    return Path(_required(settings.crm.file, "LIA_CRM__FILE", "when LIA_CRM__KIND=file"))


def _file_roster(settings: Settings) -> CsvCustomerRoster:
    try:
        return CsvCustomerRoster(_csv(settings))
    except ValueError as exc:
        raise InvalidSetting("LIA_CRM__FILE", str(exc)) from None


def build_customer_roster(settings: Settings) -> CsvCustomerRoster | None:
    """The CRM that can list every customer (the CSV file, re-read when it changes), or None."""
    return _file_roster(settings) if settings.crm.kind == "file" else None


def _rest(settings: Settings, clients: HttpClients) -> CustomerDirectory:
    crm = settings.crm
    template = _required(
        crm.rest_url_template, "LIA_CRM__REST_URL_TEMPLATE", "when LIA_CRM__KIND=rest"
    )
    config = RestConfig(
        url_template=http_url(template, "LIA_CRM__REST_URL_TEMPLATE"),
        bearer_token=secret(crm.rest_bearer_token) if crm.rest_bearer_token else None,
        header_name=crm.rest_header_name,
        header_value=secret(crm.rest_header_value) if crm.rest_header_value else None,
        fields=_field_map(crm.rest_fields),
    )
    return RestCustomerDirectory(clients.client(timeout=crm.timeout_seconds), config)


def _ixc(settings: Settings, clients: HttpClients) -> CustomerDirectory:
    crm, why = settings.crm, "when LIA_CRM__KIND=ixc"
    base_url = _required(crm.ixc_base_url, "LIA_CRM__IXC_BASE_URL", why)
    config = IxcConfig(
        base_url=http_url(base_url, "LIA_CRM__IXC_BASE_URL"),
        user_id=_required(crm.ixc_user_id, "LIA_CRM__IXC_USER_ID", why),
        token=_required(crm.ixc_token, "LIA_CRM__IXC_TOKEN", why),
    )
    return IxcCustomerDirectory(clients.client(timeout=crm.timeout_seconds), config)


def build_customer_directory(
    settings: Settings,
    *,
    clock: Clock,
    clients: HttpClients,
    roster: CsvCustomerRoster | None = None,
) -> CustomerDirectory | None:
    """The configured CRM; None when `LIA_CRM__KIND` is `none`.

    The file CRM reads *roster*'s customers (the file is parsed once per process), already in
    memory: no cache, whose copies of the customers would only double them. The REST and IXC
    CRMs each get an HTTP client and the per-phone cache.
    """
    crm = settings.crm
    if crm.kind == "none":
        return None
    if crm.kind == "file":
        return (roster or _file_roster(settings)).current()
    inner = _rest(settings, clients) if crm.kind == "rest" else _ixc(settings, clients)
    return CachedCustomerDirectory(
        inner,
        clock,
        ttl_seconds=crm.cache_ttl_seconds,
        negative_ttl_seconds=crm.negative_cache_ttl_seconds,
    )


def build_audit_sink(settings: Settings, clients: HttpClients) -> AuditSink | None:
    """Where dead-letter reprocessing runs are POSTed (`LIA_ALERTS__DLQ_WEBHOOK_URL`), if set."""
    url = settings.alerts.dlq_webhook_url
    if not url:
        return None
    return WebhookAuditSink(
        clients.client(timeout=5.0), http_url(url, "LIA_ALERTS__DLQ_WEBHOOK_URL")
    )
