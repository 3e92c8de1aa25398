"""A local stand-in for WhatsApp Cloud, Evolution, Twilio and FCM, with injectable faults.

Used by integration tests and the dispatch benchmark: it answers in each provider's documented
shapes, counts requests per recipient and accepted sends per message (``GET /_stub/requests``,
for exactly-once checks), keeps when each accepted send arrived (``GET /_stub/arrivals``, for
rate checks), answers after a latency, and injects faults (``POST /_stub/faults`` replaces the `StubFaults`). Phone-like recipients are
counted and matched by their digits ("+55 21 9…" and "55219…" are the same recipient).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

import uvicorn
from litestar import Litestar, Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath

from lia_entrypoints.stub_provider.faults import (
    Reply,
    StubFaults,
    StubState,
    error_body,
    recipient_key,
)

__all__ = ["StubFaults", "StubState", "create_stub_app", "main", "run_stub"]

AnyRequest = Request[Any, Any, Any]


async def _answer(
    request: AnyRequest,
    provider: str,
    recipient: str,
    ok: Callable[[], Reply],
    *,
    authed: bool,
    free_text: bool = False,
    message: str | None = None,
) -> Response[dict[str, object]]:
    state: StubState = request.app.state["stub"]
    outcome = state.decide(
        provider,
        recipient_key(recipient),
        authed=authed,
        free_text=free_text,
        message=message,
        at=time.monotonic(),
    )
    if state.faults.latency_seconds > 0:
        await asyncio.sleep(state.faults.latency_seconds)
    if outcome in ("ok", "delay"):
        if outcome == "delay":
            await asyncio.sleep(state.faults.delay_seconds)
        status, body = ok()
        return Response(body, status_code=status)
    status, body = error_body(provider, outcome, recipient)
    headers = {"Retry-After": str(state.faults.retry_after_seconds)} if status == 429 else None
    return Response(body, status_code=status, headers=headers)


def _bearer(request: AnyRequest) -> bool:
    return len(request.headers.get("authorization", "")) > len("Bearer ")


@post("/{version:str}/{phone_number_id:str}/messages")
async def whatsapp_send(
    request: AnyRequest, version: FromPath[str], phone_number_id: FromPath[str]
) -> Response[dict[str, object]]:
    """WhatsApp Cloud API: send a text or template message."""
    body = await request.json()
    to = str(body.get("to", ""))
    wamid = "wamid." + secrets.token_urlsafe(24)
    reply: Reply = (
        200,
        {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": re.sub(r"\D", "", to)}],
            "messages": [{"id": wamid}],
        },
    )
    free_text = body.get("type") == "text"
    return await _answer(
        request,
        "whatsapp",
        to,
        lambda: reply,
        authed=_bearer(request),
        free_text=free_text,
        message=body.get("biz_opaque_callback_data"),
    )


@post("/message/sendText/{instance:str}")
async def evolution_send(
    request: AnyRequest, instance: FromPath[str]
) -> Response[dict[str, object]]:
    """Evolution API: send a text (v2 ``text`` or v1 ``textMessage.text``)."""
    body = await request.json()
    number = str(body.get("number", ""))
    text = body.get("text") or (body.get("textMessage") or {}).get("text")
    if not text:
        return Response(error_body("evolution", "reject", number)[1], status_code=400)
    key = {
        "remoteJid": f"{number}@s.whatsapp.net",
        "fromMe": True,
        "id": secrets.token_hex(10).upper(),
    }
    reply: Reply = (
        201,
        {
            "key": key,
            "message": {"extendedTextMessage": {"text": text}},
            "messageTimestamp": int(time.time()),
            "status": "PENDING",
        },
    )
    authed = bool(request.headers.get("apikey"))
    return await _answer(request, "evolution", number, lambda: reply, authed=authed)


@post("/2010-04-01/Accounts/{account_sid:str}/Messages.json")
async def twilio_send(
    request: AnyRequest, account_sid: FromPath[str]
) -> Response[dict[str, object]]:
    """Twilio Messages resource: create (send) an SMS."""
    form = await request.form()
    to = str(form.get("To", ""))
    sid = "SM" + secrets.token_hex(16)
    reply: Reply = (
        201,
        {
            "sid": sid,
            "account_sid": account_sid,
            "to": to,
            "from": form.get("From"),
            "body": form.get("Body"),
            "status": "queued",
            "num_segments": "1",
            "error_code": None,
        },
    )
    authed = request.headers.get("authorization", "").startswith("Basic ")
    message = request.headers.get("i-twilio-idempotency-token")
    return await _answer(request, "twilio", to, lambda: reply, authed=authed, message=message)


@post("/v1/projects/{project:str}/messages:send")
async def fcm_send(request: AnyRequest, project: FromPath[str]) -> Response[dict[str, object]]:
    """FCM HTTP v1: send a message to a device token."""
    body = await request.json()
    token = str((body.get("message") or {}).get("token", ""))
    reply: Reply = (200, {"name": f"projects/{project}/messages/0:{secrets.token_hex(12)}"})
    return await _answer(request, "fcm", token, lambda: reply, authed=_bearer(request))


@get("/_stub/requests")
async def stub_requests(request: AnyRequest) -> dict[str, object]:
    """Counts of requests per provider and recipient, and per outcome."""
    state: StubState = request.app.state["stub"]
    return state.snapshot()


@get("/_stub/arrivals")
async def stub_arrivals(request: AnyRequest) -> dict[str, object]:
    """When each accepted send arrived (seconds on the stub's monotonic clock), in order."""
    state: StubState = request.app.state["stub"]
    return {"times": state.arrivals}


@post("/_stub/faults", status_code=200)
async def stub_set_faults(request: AnyRequest) -> Response[dict[str, object]]:
    """Replace the fault configuration with the posted JSON object."""
    state: StubState = request.app.state["stub"]
    try:
        raw = await request.json()
        if not isinstance(raw, dict):
            raise ValueError("faults must be a JSON object")
        state.set_faults(StubFaults.from_json(raw))
    except ValueError as exc:
        return Response({"error": str(exc)}, status_code=400)
    return Response(state.faults.to_json(), status_code=200)


@post("/_stub/reset", status_code=200)
async def stub_reset(request: AnyRequest) -> dict[str, object]:
    """Zero the counters (the faults stay)."""
    state: StubState = request.app.state["stub"]
    state.reset()
    return state.snapshot()


def create_stub_app(faults: StubFaults | None = None) -> Litestar:
    """The stub provider app, injecting *faults* from the start."""
    state = StubState(faults=StubFaults())
    state.set_faults(faults or StubFaults())
    return Litestar(
        route_handlers=[
            whatsapp_send,
            evolution_send,
            twilio_send,
            fcm_send,
            stub_requests,
            stub_arrivals,
            stub_set_faults,
            stub_reset,
        ],
        state=State({"stub": state}),
        openapi_config=None,
        logging_config=None,
        debug=False,
    )


def run_stub(host: str = "127.0.0.1", port: int = 8089, faults: StubFaults | None = None) -> None:
    """Serve the stub with uvicorn until interrupted (no access log: it runs benchmarks)."""
    uvicorn.run(
        create_stub_app(faults), host=host, port=port, log_level="warning", access_log=False
    )


def main(argv: list[str] | None = None) -> None:
    """``python -m lia_entrypoints.stub_provider [--host H] [--port P] [--faults JSON]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--faults", default="{}", help="a StubFaults JSON object")
    args = parser.parse_args(argv)
    run_stub(args.host, args.port, StubFaults.from_json(json.loads(args.faults)))


if __name__ == "__main__":
    main()
