"""Provider webhooks: verify, normalise, store (group commit), ack; the gate runs after the ack."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import msgspec
import structlog
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException

from lia_adapters.webhooks.batch import WebhookBatch
from lia_adapters.webhooks.evolution import parse_evolution_webhook
from lia_adapters.webhooks.signatures import (
    verify_meta_signature,
    verify_shared_secret,
    verify_twilio_signature,
)
from lia_adapters.webhooks.twilio import parse_twilio_inbound, parse_twilio_status
from lia_adapters.webhooks.whatsapp_cloud import parse_cloud_api_webhook
from lia_core.errors import ValidationError
from lia_entrypoints.http.context import inbound_of, runtime_of
from lia_entrypoints.http.problems import problem_responses
from lia_entrypoints.http.request_id import current_request_id

__all__ = [
    "evolution_webhook",
    "twilio_sms_webhook",
    "twilio_status_webhook",
    "whatsapp_verify",
    "whatsapp_webhook",
]

log = structlog.get_logger(__name__)
_EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
_RESPONSES = problem_responses(401, 403, 422, 503)


def _secret(value: Any, setting: str) -> str:
    if value is None:
        log.warning("webhook.not_configured", setting=setting)
        raise PermissionDeniedException(f"webhook not configured: set {setting}")
    return str(value.get_secret_value())


def _json(raw: bytes) -> object:
    try:
        return msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        raise ValidationError(f"the body is not JSON: {exc}", field="body") from None


def _count(state: State, provider: str, result: str) -> None:
    inbound_of(state).metrics.webhook(provider, result)


def _refuse(state: State, provider: str, exc: Exception) -> Exception:
    _count(state, provider, "rejected")
    return exc


def _parsed(state: State, provider: str, parse: Callable[[], WebhookBatch]) -> WebhookBatch:
    try:
        return parse()
    except ValidationError:
        _count(state, provider, "malformed")
        raise


async def _store(state: State, provider: str, batch: WebhookBatch) -> dict[str, int]:
    if batch.ignored:
        log.info("webhook.ignored", provider=provider, reasons=list(batch.ignored))
    if batch.unreadable:  # the rest of the body is stored: a refusal would be redelivered for days
        log.warning("webhook.unreadable", provider=provider, reasons=list(batch.unreadable))
    _count(state, provider, "stored" if batch.messages or batch.statuses else "ignored")
    request_id = current_request_id()
    messages = [attrs.evolve(m, request_id=request_id) for m in batch.messages]
    stored = await inbound_of(state).group.submit(messages, batch.statuses)
    return {
        "messages": stored.messages,
        "statuses": stored.receipts,
        "ignored": len(batch.ignored),
    }


@get("/webhooks/whatsapp", tags=["webhooks"], summary="WhatsApp verification", responses=_RESPONSES)
async def whatsapp_verify(request: Request[Any, Any, Any], state: State) -> Response[str]:
    """Answer Meta's subscription challenge when the verify token matches."""
    expected = _secret(
        runtime_of(state).settings.whatsapp.verify_token, "LIA_WHATSAPP__VERIFY_TOKEN"
    )
    params = request.query_params
    if params.get("hub.mode") != "subscribe" or not verify_shared_secret(
        params.get("hub.verify_token"), expected
    ):
        raise PermissionDeniedException(
            "hub.mode must be subscribe and hub.verify_token must match"
        )
    return Response(params.get("hub.challenge") or "", media_type="text/plain")


@post(
    "/webhooks/whatsapp",
    tags=["webhooks"],
    summary="WhatsApp Cloud API webhook",
    status_code=200,
    responses=_RESPONSES,
)
async def whatsapp_webhook(request: Request[Any, Any, Any], state: State) -> dict[str, int]:
    """Verify `X-Hub-Signature-256` over the raw body, then store messages and statuses."""
    secret = _secret(runtime_of(state).settings.whatsapp.app_secret, "LIA_WHATSAPP__APP_SECRET")
    raw = await request.body()
    header = request.headers.get("x-hub-signature-256")
    if header is None:
        raise _refuse(state, "whatsapp", NotAuthorizedException("X-Hub-Signature-256 is missing"))
    if not verify_meta_signature(raw, header, secret):
        log.warning("webhook.bad_signature", provider="whatsapp_cloud")
        raise _refuse(
            state,
            "whatsapp",
            PermissionDeniedException("X-Hub-Signature-256 does not match the body"),
        )
    now = runtime_of(state).clock.now()
    batch = _parsed(state, "whatsapp", lambda: parse_cloud_api_webhook(_json(raw), received_at=now))
    return await _store(state, "whatsapp", batch)


@post(
    "/webhooks/evolution",
    tags=["webhooks"],
    summary="Evolution API webhook",
    status_code=200,
    responses=_RESPONSES,
)
async def evolution_webhook(request: Request[Any, Any, Any], state: State) -> dict[str, int]:
    """Require the shared token (header or `?token=`), then store messages and statuses."""
    settings = runtime_of(state).settings.evolution
    expected = _secret(settings.webhook_token, "LIA_EVOLUTION__WEBHOOK_TOKEN")
    provided = request.headers.get(settings.webhook_header) or request.query_params.get("token")
    if not provided:
        missing = NotAuthorizedException(f"the {settings.webhook_header} header is missing")
        raise _refuse(state, "evolution", missing)
    if not verify_shared_secret(provided, expected):
        log.warning("webhook.bad_token", provider="evolution")
        raise _refuse(
            state, "evolution", PermissionDeniedException("the webhook token does not match")
        )
    raw = await request.body()
    now = runtime_of(state).clock.now()
    batch = _parsed(
        state, "evolution", lambda: parse_evolution_webhook(_json(raw), received_at=now)
    )
    return await _store(state, "evolution", batch)


async def _twilio_form(request: Request[Any, Any, Any], state: State) -> dict[str, str]:
    runtime = runtime_of(state)
    token = _secret(runtime.settings.twilio.auth_token, "LIA_TWILIO__AUTH_TOKEN")
    form = await request.form()
    params = {k: str(v) for k, v in form.items()}
    public = runtime.settings.http.public_url
    url = str(request.url)
    if public:
        query = f"?{request.url.query}" if request.url.query else ""
        url = public.rstrip("/") + request.url.path + query
    header = request.headers.get("x-twilio-signature")
    if header is None:
        raise _refuse(state, "twilio", NotAuthorizedException("X-Twilio-Signature is missing"))
    if not verify_twilio_signature(url, params, header, token):
        # The URL without its query: an operator may have put a credential there.
        log.warning("webhook.bad_signature", provider="twilio", url=url.split("?", 1)[0])
        raise _refuse(
            state,
            "twilio",
            PermissionDeniedException(
                "X-Twilio-Signature does not match (is LIA_HTTP__PUBLIC_URL the URL Twilio calls?)"
            ),
        )
    return params


@post(
    "/webhooks/twilio/sms",
    tags=["webhooks"],
    summary="Twilio inbound SMS",
    status_code=200,
    responses=_RESPONSES,
)
async def twilio_sms_webhook(request: Request[Any, Any, Any], state: State) -> Response[str]:
    """Verify the signature, store the SMS, answer empty TwiML (replies go through the outbox)."""
    params = await _twilio_form(request, state)
    now = runtime_of(state).clock.now()
    message = parse_twilio_inbound(params, received_at=now)
    _count(state, "twilio", "stored")
    await inbound_of(state).group.submit([attrs.evolve(message, request_id=current_request_id())])
    return Response(_EMPTY_TWIML, media_type="text/xml")


@post(
    "/webhooks/twilio/status",
    tags=["webhooks"],
    summary="Twilio status callback",
    status_code=200,
    responses=_RESPONSES,
)
async def twilio_status_webhook(request: Request[Any, Any, Any], state: State) -> dict[str, int]:
    """Verify the signature and store the delivery status (intermediate ones are ignored)."""
    params = await _twilio_form(request, state)
    update = parse_twilio_status(params, received_at=runtime_of(state).clock.now())
    if update is None:
        log.info("webhook.ignored", provider="twilio", status=params.get("MessageStatus"))
        _count(state, "twilio", "ignored")
        return {"messages": 0, "statuses": 0, "ignored": 1}
    _count(state, "twilio", "stored")
    stored = await inbound_of(state).group.submit([], [update])
    return {"messages": 0, "statuses": stored.receipts, "ignored": 0}
