"""One harmless authenticated call per provider, for `lia doctor`: are these credentials good?

Each probe reads a resource (or, for FCM, validates a message without sending it), so it costs
nothing and texts nobody; it returns a short description of what answered, or raises
`ProbeFailed` with why not. Endpoints as the providers document them:

- WhatsApp Cloud: ``GET /{version}/{phone-number-id}?fields=display_phone_number,verified_name``
- Evolution: ``GET /instance/connectionState/{instance}`` (``{"instance": {"state": "open"}}``)
- Twilio: ``GET /2010-04-01/Accounts/{AccountSid}.json`` (``status``: active, suspended, closed)
- FCM HTTP v1: ``POST /v1/projects/{project}/messages:send`` with ``validate_only: true`` to a
  topic: the OAuth token is obtained and the request checked, nothing is delivered.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from urllib.parse import quote

import httpx

from lia_adapters.channels.evolution import EvolutionSender
from lia_adapters.channels.fcm import FcmPushSender
from lia_adapters.channels.twilio_sms import TwilioSmsSender
from lia_adapters.channels.whatsapp_cloud import CloudApiWhatsAppSender

__all__ = [
    "PROBE_TOPIC",
    "ProbeFailed",
    "probe_evolution",
    "probe_fcm",
    "probe_twilio",
    "probe_whatsapp",
]

PROBE_TOPIC = "lia-doctor"
"""The FCM topic the validate-only message names (nothing is sent to it)."""


class ProbeFailed(Exception):
    """The provider could not be reached, refused the credentials, or answered unexpectedly."""


async def _get_json(
    call: Callable[[], Awaitable[httpx.Response]], provider: str
) -> dict[str, object]:
    try:
        response = await call()
    except httpx.TimeoutException as exc:
        raise ProbeFailed(f"{provider} did not answer in time ({type(exc).__name__})") from exc
    except httpx.HTTPError as exc:
        raise ProbeFailed(f"cannot reach {provider} ({type(exc).__name__}: {exc})") from exc
    if response.status_code in (401, 403):
        raise ProbeFailed(f"{provider} refused the credentials (HTTP {response.status_code})")
    if not response.is_success:
        raise ProbeFailed(f"{provider} answered HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError as exc:
        raise ProbeFailed(f"{provider} answered HTTP {response.status_code}, not JSON") from exc
    return body if isinstance(body, dict) else {}


async def probe_whatsapp(sender: CloudApiWhatsAppSender) -> str:
    """Read the sending phone number's resource with the access token."""
    c = sender.config
    url = f"{c.base_url.rstrip('/')}/{c.api_version}/{quote(c.phone_number_id, safe='')}"
    body = await _get_json(
        lambda: sender.client.get(
            url,
            params={"fields": "display_phone_number,verified_name"},
            headers={"Authorization": f"Bearer {c.access_token}"},
        ),
        "WhatsApp Cloud API",
    )
    shown = body.get("display_phone_number") or c.phone_number_id
    name = body.get("verified_name")
    return f"phone number {shown}" + (f" ({name})" if name else "")


async def probe_evolution(sender: EvolutionSender) -> str:
    """Read the instance's connection state with the API key; only ``open`` can send."""
    c = sender.config
    url = f"{c.base_url.rstrip('/')}/instance/connectionState/{quote(c.instance, safe='')}"
    body = await _get_json(
        lambda: sender.client.get(url, headers={"apikey": c.api_key}), "Evolution"
    )
    inner = body.get("instance")
    state = inner.get("state") if isinstance(inner, dict) else body.get("state")
    if state != "open":
        raise ProbeFailed(f"instance {c.instance} is {state or 'in an unknown state'}, not open")
    return f"instance {c.instance} is open"


async def probe_twilio(sender: TwilioSmsSender) -> str:
    """Read the Account resource with the account SID and auth token; it must be active."""
    c = sender.config
    url = f"{c.base_url.rstrip('/')}/2010-04-01/Accounts/{quote(c.account_sid, safe='')}.json"
    auth = base64.b64encode(f"{c.account_sid}:{c.auth_token}".encode()).decode("ascii")
    body = await _get_json(
        lambda: sender.client.get(url, headers={"Authorization": f"Basic {auth}"}), "Twilio"
    )
    status = body.get("status")
    if status != "active":
        raise ProbeFailed(f"account {c.account_sid} is {status or 'of unknown status'}")
    return f"account {c.account_sid} is active"


async def probe_fcm(sender: FcmPushSender) -> str:
    """Get an OAuth token and have FCM validate (not deliver) a message to a topic."""
    try:
        token = await sender.token_provider()
    except Exception as exc:  # google-auth raises its own tree; any failure means no token
        raise ProbeFailed(f"no OAuth token ({type(exc).__name__}: {exc})") from exc
    body = {"validate_only": True, "message": {"topic": PROBE_TOPIC, "data": {"probe": "1"}}}
    await _get_json(
        lambda: sender.client.post(
            sender.url, json=body, headers={"Authorization": f"Bearer {token}"}
        ),
        "FCM",
    )
    return f"project {sender.config.project_id} accepts a validate-only message"
