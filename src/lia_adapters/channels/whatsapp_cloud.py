"""WhatsApp Cloud API sender (Graph v21+): text and template messages, Meta error codes to retry classes.

Idempotency: the Cloud API takes no idempotency key, so a send that timed out is never
repeated here (it is UNCERTAIN); the key travels in ``biz_opaque_callback_data``, which Meta
echoes in the status webhooks, so the callback that settles the job can find it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import attrs
import httpx
import structlog

from lia_adapters.channels._http import dig, failure, failure_from_response, json_object
from lia_adapters.channels._phone import phone_e164, to_e164
from lia_adapters.channels.poster import HttpxPoster, JsonPoster, Reply
from lia_core.domain.delivery import Channel
from lia_core.domain.delivery_policy import FailureKind, classify_http_status
from lia_core.domain.recipients import Phone, ProviderIdentity, is_meta_bsuid
from lia_core.domain.template_parts import ButtonKind, HeaderKind, TemplateButton, TemplateHeader
from lia_core.ports import OutboundMessage

__all__ = [
    "CloudApiConfig",
    "CloudApiWhatsAppSender",
    "TemplateRef",
    "classify_cloud_api_error",
]

log = structlog.get_logger(__name__)

PROVIDER = "whatsapp_cloud"
MAX_TEXT = 4096
"""Meta's limit for a text message body, in characters."""
MAX_CALLBACK_DATA = 512
RE_ENGAGEMENT = 131047
"""More than 24 hours since the customer last wrote: only a template may be sent."""

_KINDS: Mapping[int, FailureKind] = {
    131026: FailureKind.UNREACHABLE,  # undeliverable: not on WhatsApp, old app, terms not accepted
    4: FailureKind.RATE_LIMITED,  # app-level call limit
    17: FailureKind.RATE_LIMITED,
    613: FailureKind.RATE_LIMITED,
    80007: FailureKind.RATE_LIMITED,  # WhatsApp Business Account rate limit
    130429: FailureKind.RATE_LIMITED,  # Cloud API throughput reached
    131048: FailureKind.RATE_LIMITED,  # spam rate limit on this number: slow down
    131056: FailureKind.RATE_LIMITED,  # business/consumer pair limit (~1 msg per 6 s)
    0: FailureKind.CHANNEL_DOWN,  # AuthException
    3: FailureKind.CHANNEL_DOWN,  # capability or permission missing
    10: FailureKind.CHANNEL_DOWN,  # permission denied
    190: FailureKind.CHANNEL_DOWN,  # access token expired: hold the channel, alert the admin
    368: FailureKind.CHANNEL_DOWN,  # temporarily blocked for policy violations
    131031: FailureKind.CHANNEL_DOWN,  # business account locked
    131042: FailureKind.CHANNEL_DOWN,  # payment method problem
    1: FailureKind.TRANSIENT,  # API unknown
    2: FailureKind.TRANSIENT,  # API service: downtime or overload
    131000: FailureKind.TRANSIENT,  # something went wrong
    131016: FailureKind.TRANSIENT,  # service unavailable
    RE_ENGAGEMENT: FailureKind.PERMANENT,  # when no fallback template is configured
    131062: FailureKind.PERMANENT,  # this message type cannot go to a business-scoped user id
}


def classify_cloud_api_error(code: int | None, http_status: int) -> FailureKind:
    """The retry class of a Cloud API error code (also as reported by the status webhooks)."""
    if code is not None:
        if code in _KINDS:
            return _KINDS[code]
        if 200 <= code <= 299:  # API permission errors
            return FailureKind.CHANNEL_DOWN
    return classify_http_status(http_status)


@attrs.frozen(kw_only=True)
class TemplateRef:
    """An approved message template, by name and language."""

    name: str
    language: str = "pt_BR"


@attrs.frozen(kw_only=True)
class CloudApiConfig:
    """Where and as whom to call the Cloud API."""

    phone_number_id: str
    access_token: str = attrs.field(repr=False)
    base_url: str = "https://graph.facebook.com"
    api_version: str = "v21.0"
    fallback_template: TemplateRef | None = None
    """Sent instead of free text when Meta answers 131047 (outside the 24-hour window)."""
    default_region: str = "BR"
    """How numbers written without ``+`` and country code are read."""


def _address(to: str) -> dict[str, str]:
    # Phone numbers go in "to"; a BSUID in "recipient" (Meta's usernames, 2026).
    return {"recipient": to} if is_meta_bsuid(to) else {"to": to}


def _text(to: str, body: str) -> dict[str, object]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        **_address(to),
        "type": "text",
        "text": {"body": body[:MAX_TEXT], "preview_url": False},
    }


def _header(header: TemplateHeader) -> dict[str, object]:
    """The header component as Meta documents it: one text, image, video or document."""
    if header.kind is HeaderKind.TEXT:
        parameter: dict[str, object] = {"type": "text", "text": header.value}
    else:
        media: dict[str, str] = {"link": header.value}
        if header.filename is not None:
            media["filename"] = header.filename
        parameter = {"type": header.kind.value, header.kind.value: media}
    return {"type": "header", "parameters": [parameter]}


def _button(button: TemplateButton) -> dict[str, object]:
    """One button component: a URL's variable end (text), or a quick reply's payload."""
    if button.kind is ButtonKind.URL:
        parameter = {"type": "text", "text": button.value}
    else:
        parameter = {"type": "payload", "payload": button.value}
    return {
        "type": "button",
        "sub_type": button.kind.value,
        "index": str(button.index),
        "parameters": [parameter],
    }


def _template(
    to: str,
    name: str,
    language: str,
    params: Sequence[str],
    *,
    header: TemplateHeader | None = None,
    buttons: Sequence[TemplateButton] = (),
) -> dict[str, object]:
    template: dict[str, object] = {"name": name, "language": {"code": language}}
    components: list[dict[str, object]] = []
    if header is not None:
        components.append(_header(header))
    if params:
        components.append(
            {"type": "body", "parameters": [{"type": "text", "text": p} for p in params]}
        )
    components.extend(_button(b) for b in buttons)
    if components:
        template["components"] = components
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        **_address(to),
        "type": "template",
        "template": template,
    }


def _error_code(response: Reply) -> int | None:
    code = dig(json_object(response), "error", "code")
    return code if isinstance(code, int) and not isinstance(code, bool) else None


@attrs.define
class CloudApiWhatsAppSender:
    """Sends WhatsApp messages through Meta's Cloud API (``POST /{version}/{phone-number-id}/messages``).

    Sends go through *poster* (the worker's: `AiohttpPoster`), by default through *client*;
    *client* also serves `lia doctor`'s probe.
    """

    client: httpx.AsyncClient
    config: CloudApiConfig
    poster: JsonPoster | None = attrs.field(default=None, kw_only=True)
    # Built once: parsing the URL and building the auth header per send showed in the profile.
    _endpoint: str = attrs.field(init=False)
    _auth: dict[str, str] = attrs.field(init=False, repr=False)
    _post_json: JsonPoster = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        self._endpoint = self.url
        self._auth = {"Authorization": f"Bearer {self.config.access_token}"}
        self._post_json = self.poster or HttpxPoster(self.client)

    @property
    def channel(self) -> Channel:
        """WhatsApp."""
        return Channel.WHATSAPP

    @property
    def url(self) -> str:
        """The messages endpoint of the configured phone number."""
        c = self.config
        return f"{c.base_url.rstrip('/')}/{c.api_version}/{c.phone_number_id}/messages"

    async def send(self, message: OutboundMessage) -> str:
        """Send a template (when the content names one) or text; 131047 falls back to the template."""
        recipient = message.recipient
        if isinstance(recipient, Phone):
            to: str | None = phone_e164(recipient)
        elif isinstance(recipient, ProviderIdentity) and is_meta_bsuid(recipient.value):
            to = recipient.value
        else:
            to = to_e164(str(recipient), region=self.config.default_region, strict=False)
        if to is None:
            raise failure(FailureKind.PERMANENT, PROVIDER, code="invalid-recipient")
        content = message.content
        if content.template:
            body = _template(
                to,
                content.template,
                content.template_language,
                content.params,
                header=content.header,
                buttons=content.buttons,
            )
        elif content.text and content.text.strip():
            body = _text(to, content.text)
        else:
            raise failure(
                FailureKind.PERMANENT, PROVIDER, code="no-content", excerpt="no text or template"
            )
        response = await self._post(body, message)
        code = None if response.is_success else _error_code(response)
        fallback = self.config.fallback_template
        if code == RE_ENGAGEMENT and fallback is not None and body["type"] == "text":
            # The text was definitively refused, so one template request cannot double-send.
            log.info("whatsapp.template_fallback", job_id=message.job_id, template=fallback.name)
            body = _template(to, fallback.name, fallback.language, content.params)
            response = await self._post(body, message)
            code = None if response.is_success else _error_code(response)
        if not response.is_success:
            raise failure_from_response(
                response,
                provider=PROVIDER,
                kind=classify_cloud_api_error(code, response.status_code),
                code=None if code is None else str(code),
            )
        wamid = dig(json_object(response), "messages", 0, "id")
        if not isinstance(wamid, str) or not wamid:
            # Accepted, but we cannot tell which message it is: settle it, do not resend.
            raise failure_from_response(
                response, provider=PROVIDER, kind=FailureKind.UNCERTAIN, code="no-message-id"
            )
        return wamid

    async def _post(self, body: dict[str, object], message: OutboundMessage) -> Reply:
        body["biz_opaque_callback_data"] = message.idempotency_key[:MAX_CALLBACK_DATA]
        return await self._post_json.post_json(
            self._endpoint, _encode(body), self._auth, provider=PROVIDER
        )


def _encode(body: Mapping[str, object]) -> bytes:
    """Compact UTF-8 JSON, accents as they are (what httpx's ``json=`` wrote)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
