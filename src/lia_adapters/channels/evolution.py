"""Evolution API sender (self-hosted WhatsApp gateway): ``POST /message/sendText/{instance}``.

Evolution takes no idempotency key and sends free text only (no Meta templates): a message
with only a template is refused as permanent before any request.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

import attrs
import httpx

from lia_adapters.channels._http import dig, failure, failure_from_response, json_object, send
from lia_adapters.channels._phone import phone_e164, to_e164
from lia_core.domain.delivery import Channel
from lia_core.domain.delivery_policy import FailureKind
from lia_core.domain.recipients import Phone, ProviderIdentity, Recipient
from lia_core.ports import OutboundMessage

__all__ = ["EvolutionConfig", "EvolutionSender", "classify_evolution_error"]

PROVIDER = "evolution"


@attrs.frozen(kw_only=True)
class EvolutionConfig:
    """Where the Evolution server is, which instance sends, and its API key."""

    base_url: str
    instance: str
    api_key: str = attrs.field(repr=False)
    api_version: Literal["v1", "v2"] = "v2"
    """v2 bodies are ``{"number","text"}``; v1 bodies ``{"number","textMessage":{"text"}}``."""
    default_region: str = "BR"
    """How numbers written without ``+`` and country code are read."""


def _not_on_whatsapp(body: object) -> bool:
    """Evolution's 400 for a number without WhatsApp: ``response.message[*].exists == false``."""
    entries = dig(body, "response", "message")
    return isinstance(entries, list) and any(
        isinstance(entry, dict) and entry.get("exists") is False for entry in entries
    )


def classify_evolution_error(http_status: int, body: object) -> FailureKind:
    """The retry class of an Evolution error response."""
    if http_status == 400 and _not_on_whatsapp(body):
        return FailureKind.UNREACHABLE
    if http_status in (401, 403, 404):
        # Bad API key, or the instance does not exist: every send would fail the same way.
        return FailureKind.CHANNEL_DOWN
    if http_status == 429:
        return FailureKind.RATE_LIMITED
    if http_status == 408 or http_status >= 500:
        return FailureKind.TRANSIENT
    return FailureKind.PERMANENT


def _number(recipient: Recipient, region: str) -> str | None:
    if isinstance(recipient, ProviderIdentity):  # a WhatsApp JID (groups, @lid contacts)
        return recipient.value
    # A Phone's digits are E.164: read with their "+", not in a region (1415… became +55 1415…).
    raw = phone_e164(recipient) if isinstance(recipient, Phone) else str(recipient)
    e164 = to_e164(raw, region=region, strict=False)
    return None if e164 is None else e164.lstrip("+")


@attrs.define
class EvolutionSender:
    """Sends WhatsApp text through an Evolution API instance."""

    client: httpx.AsyncClient
    config: EvolutionConfig

    @property
    def channel(self) -> Channel:
        """Evolution (WhatsApp through a self-hosted gateway)."""
        return Channel.EVOLUTION

    @property
    def url(self) -> str:
        """The instance's sendText endpoint."""
        instance = quote(self.config.instance, safe="")
        return f"{self.config.base_url.rstrip('/')}/message/sendText/{instance}"

    async def send(self, message: OutboundMessage) -> str:
        """Send the text; return Evolution's ``key.id``."""
        number = _number(message.recipient, self.config.default_region)
        if number is None:
            raise failure(FailureKind.PERMANENT, PROVIDER, code="invalid-recipient")
        text = message.content.text
        if not (text and text.strip()):
            raise failure(
                FailureKind.PERMANENT, PROVIDER, code="no-text", excerpt="Evolution sends text only"
            )
        body: dict[str, object] = (
            {"number": number, "text": text}
            if self.config.api_version == "v2"
            else {"number": number, "textMessage": {"text": text}}
        )
        request = self.client.build_request(
            "POST", self.url, json=body, headers={"apikey": self.config.api_key}
        )
        response = await send(self.client, request, provider=PROVIDER)
        parsed = json_object(response)
        if not response.is_success:
            kind = classify_evolution_error(response.status_code, parsed)
            code = "exists:false" if kind is FailureKind.UNREACHABLE else None
            raise failure_from_response(response, provider=PROVIDER, kind=kind, code=code)
        message_id = dig(parsed, "key", "id")
        if not isinstance(message_id, str) or not message_id:
            raise failure_from_response(
                response, provider=PROVIDER, kind=FailureKind.UNCERTAIN, code="no-message-id"
            )
        return message_id
