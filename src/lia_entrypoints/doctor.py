"""`lia doctor`: is this installation able to work? One line per check, each ok, FAIL or skip.

The checks: the database answers and is at the code's migration; each configured provider
accepts its credentials (one harmless authenticated call, `lia_adapters.channels.probes`);
the CRM answers a lookup; each configured provider's webhook secrets are set; the public URL
answers ``GET /health`` from this machine. Every network call is bounded by one short timeout
(5 s by default), and the checks run concurrently, so the whole run takes about that long at
worst. No check prints a secret: settings are named, never shown.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import attrs
import httpx

from lia_adapters.channels import (
    CloudApiWhatsAppSender,
    EvolutionSender,
    FcmPushSender,
    TwilioSmsSender,
)
from lia_adapters.channels.probes import (
    ProbeFailed,
    probe_evolution,
    probe_fcm,
    probe_twilio,
    probe_whatsapp,
)
from lia_adapters.system import SystemClock
from lia_core.domain.delivery import Channel
from lia_core.errors import DirectoryUnavailable
from lia_core.ports import MessageSender
from lia_entrypoints.adapters import (
    HttpClients,
    build_customer_directory,
    build_senders,
    channel_configured,
    configured_channels,
    http_url,
)
from lia_entrypoints.invalid_setting import InvalidSetting
from lia_entrypoints.settings import Settings

__all__ = ["DEFAULT_TIMEOUT", "PROBE_PHONE", "Check", "Status", "run_checks"]

DEFAULT_TIMEOUT = 5.0
"""Seconds any one check may wait for an answer."""
PROBE_PHONE = "5511900000000"
"""The number the CRM check looks up: a read, whatever it finds."""


class Status(enum.StrEnum):
    """A check's outcome."""

    OK = "ok"
    FAIL = "FAIL"
    SKIP = "skip"
    """Nothing to check (not configured)."""


@attrs.frozen
class Check:
    """One line of `lia doctor`."""

    status: Status
    name: str
    detail: str

    def line(self) -> str:
        """``ok    database: …`` (the status padded so the names line up)."""
        return f"{self.status.value:<4}  {self.name}: {self.detail}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


async def _bounded(call: Awaitable[str], wait: float, what: str) -> str:
    try:
        return await asyncio.wait_for(call, wait)
    except TimeoutError:
        raise ProbeFailed(f"{what} did not answer in {wait:g} s") from None


async def _database(settings: Settings, wait: float) -> list[Check]:
    from sqlalchemy.engine import make_url

    from lia_adapters.sql import create_engine  # lazy, as in `lia db`
    from lia_adapters.sql.migrations import current_revision, head_revision

    name, head = "database", head_revision()
    url = make_url(settings.effective_database_url)
    file = Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None
    if file is not None and not await asyncio.to_thread(file.exists):
        # Connecting would create an empty file; `lia serve` makes and migrates it.
        return [Check(Status.FAIL, name, f"no SQLite file at {url.database} yet")]
    engine = create_engine(settings.effective_database_url)
    try:
        current = await asyncio.wait_for(current_revision(engine), wait)
    except TimeoutError:
        return [Check(Status.FAIL, name, f"no answer in {wait:g} s")]
    except Exception as exc:  # any driver error: the check reports it, the others still run
        return [Check(Status.FAIL, name, _one_line(f"unreachable ({type(exc).__name__}: {exc})"))]
    finally:
        await engine.dispose()
    if current == head:
        return [Check(Status.OK, name, f"reachable, at revision {head} (the code's)")]
    found = f"at revision {current}" if current else "empty (no revision)"
    return [Check(Status.FAIL, name, f"{found}, this LIA needs {head}: run `lia db upgrade`")]


_PROBES: dict[Channel, tuple[type[object], Callable[..., Awaitable[str]]]] = {
    Channel.WHATSAPP: (CloudApiWhatsAppSender, probe_whatsapp),
    Channel.EVOLUTION: (EvolutionSender, probe_evolution),
    Channel.SMS: (TwilioSmsSender, probe_twilio),
    Channel.PUSH: (FcmPushSender, probe_fcm),
}


async def _probe(channel: Channel, sender: MessageSender, wait: float) -> Check:
    name = f"{channel.value} credentials"
    kind, probe = _PROBES[channel]
    if not isinstance(sender, kind):  # the sandbox stands in: nothing to call
        return Check(Status.SKIP, name, "not configured")
    try:
        return Check(Status.OK, name, await _bounded(probe(sender), wait, channel.value))
    except ProbeFailed as exc:
        return Check(Status.FAIL, name, _one_line(str(exc)))


async def _providers(settings: Settings, clients: HttpClients, wait: float) -> list[Check]:
    try:
        senders = build_senders(settings, clients)
    except InvalidSetting as exc:
        return [Check(Status.FAIL, "provider credentials", _one_line(str(exc)))]
    channels = configured_channels(settings)
    if not channels:
        return [Check(Status.SKIP, "providers", "none configured: messages go to the sandbox")]
    return list(await asyncio.gather(*(_probe(c, senders[c], wait) for c in channels)))


async def _crm(settings: Settings, clients: HttpClients, wait: float) -> list[Check]:
    name = f"crm ({settings.crm.kind})"
    try:
        directory = build_customer_directory(settings, clock=SystemClock(), clients=clients)
    except InvalidSetting as exc:
        return [Check(Status.FAIL, name, _one_line(str(exc)))]
    if directory is None:
        return [Check(Status.SKIP, name, "LIA_CRM__KIND is none")]
    try:
        await asyncio.wait_for(directory.find_by_phone(PROBE_PHONE), wait)
    except TimeoutError:
        return [Check(Status.FAIL, name, f"no answer in {wait:g} s")]
    except DirectoryUnavailable as exc:
        return [Check(Status.FAIL, name, _one_line(str(exc)))]
    return [Check(Status.OK, name, "answered a lookup")]


def _secrets(provider: str, names: dict[str, object]) -> Check:
    missing = [n for n, value in names.items() if not value]
    name = f"{provider} webhook secrets"
    if missing:
        return Check(
            Status.FAIL, name, f"{', '.join(missing)} not set: its webhook refuses everything"
        )
    return Check(Status.OK, name, f"{', '.join(names)} set")


def _webhook_secrets(settings: Settings) -> list[Check]:
    w, e, t = settings.whatsapp, settings.evolution, settings.twilio
    checks = []
    if channel_configured(settings, Channel.WHATSAPP):
        checks.append(
            _secrets(
                "whatsapp",
                {
                    "LIA_WHATSAPP__APP_SECRET": w.app_secret,
                    "LIA_WHATSAPP__VERIFY_TOKEN": w.verify_token,
                },
            )
        )
    if channel_configured(settings, Channel.EVOLUTION):
        checks.append(_secrets("evolution", {"LIA_EVOLUTION__WEBHOOK_TOKEN": e.webhook_token}))
    if channel_configured(settings, Channel.SMS):
        checks.append(_secrets("twilio", {"LIA_TWILIO__AUTH_TOKEN": t.auth_token}))
    return checks or [Check(Status.SKIP, "webhook secrets", "no provider with webhooks configured")]


async def _public_url(settings: Settings, clients: HttpClients, wait: float) -> list[Check]:
    name, public = "public url", settings.http.public_url
    if not public:
        return [Check(Status.SKIP, name, "LIA_HTTP__PUBLIC_URL not set")]
    try:
        url = http_url(public, "LIA_HTTP__PUBLIC_URL").rstrip("/") + "/health"
    except InvalidSetting as exc:
        return [Check(Status.FAIL, name, _one_line(str(exc)))]
    try:
        response = await clients.client(timeout=wait).get(url)
    except httpx.HTTPError as exc:
        return [Check(Status.FAIL, name, _one_line(f"GET {url}: {type(exc).__name__} {exc}"))]
    if response.status_code != 200:
        return [Check(Status.FAIL, name, f"GET {url} answered HTTP {response.status_code}")]
    return [Check(Status.OK, name, f"GET {url} answered 200")]


async def run_checks(
    settings: Settings,
    *,
    wait: float = DEFAULT_TIMEOUT,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Sequence[Check]:
    """Every check, in a fixed order (database, providers, CRM, webhook secrets, public URL).

    *transport* replaces every HTTP client's (tests); each call waits *wait* seconds at most.
    """
    clients = HttpClients(transport=transport, timeout=wait)
    try:
        groups = await asyncio.gather(
            _database(settings, wait),
            _providers(settings, clients, wait),
            _crm(settings, clients, wait),
            _public_url(settings, clients, wait),
        )
    finally:
        await clients.aclose()
    database, providers, crm, public = groups
    return [*database, *providers, *crm, *_webhook_secrets(settings), *public]
