"""Ingest benchmark: the signed WhatsApp Cloud API webhooks it posts (messages and statuses)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

__all__ = [
    "APP_SECRET",
    "PHASES",
    "WEBHOOK_PATH",
    "id_prefix",
    "message_body",
    "message_id",
    "message_requests",
    "sender",
    "signed_request",
    "status_body",
    "status_id_prefix",
]

APP_SECRET = "bench-app-secret"
WEBHOOK_PATH = "/webhooks/whatsapp"

# Phases use disjoint senders (55 31 9 <phase digit> <7 digits>) and message ids
# (wamid.HBgN<phase letter><9 digits>…), so one server can run several and each is counted alone.
PHASES = {"warmup": ("W", 0), "a": ("A", 1), "b": ("B", 2), "latency": ("L", 3)}
PHASES |= {"dup": ("D", 4), "mix": ("M", 5)}


def sender(phase: str, n: int) -> str:
    """The WhatsApp id (E.164 digits) of sender *n* of *phase*."""
    return f"55319{PHASES[phase][1]}{n:07d}"


def id_prefix(phase: str) -> str:
    """What every message id of *phase* starts with."""
    return f"wamid.HBgN{PHASES[phase][0]}"


def status_id_prefix(phase: str) -> str:
    """What the id of every notice of *phase* (the subject of its status webhooks) starts with."""
    return f"wamid.HBgNS{PHASES[phase][0]}"


def message_id(phase: str, n: int) -> str:
    """A Cloud-API-looking message id, unique per phase and *n*."""
    return f"{id_prefix(phase)}{n:09d}FQIAEhggQjRBNUQ5QzE3RDdGMDQ1RjU5AA=="


def message_body(phase: str, n: int, now: int) -> bytes:
    """A Cloud API webhook with one text message from sender *n* of *phase*."""
    phone = sender(phase, n)
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "553140042000", "phone_number_id": "106540352242922"},
        "contacts": [{"profile": {"name": f"Cliente {n}"}, "wa_id": phone}],
        "messages": [
            {
                "from": phone,
                "id": message_id(phase, n),
                "timestamp": str(now),
                "type": "text",
                "text": {"body": "Boa tarde, estou sem internet desde cedo. Tem previsão?"},
            }
        ],
    }
    return _envelope(value)


def status_body(phase: str, n: int, status: str, now: int) -> bytes:
    """A Cloud API status webhook for the notice sent to sender *n* of *phase*."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "553140042000", "phone_number_id": "106540352242922"},
        "statuses": [
            {
                "id": f"{status_id_prefix(phase)}{n:09d}FQIAERgSMEQ5QzE3RDdGMDQ1RjU5AA==",
                "status": status,
                "timestamp": str(now),
                "recipient_id": sender(phase, n),
                "conversation": {
                    "id": f"conv{n:012d}",
                    "origin": {"type": "service"},
                },
                "pricing": {"billable": True, "pricing_model": "CBP", "category": "service"},
            }
        ],
    }
    return _envelope(value)


def _envelope(value: dict[str, Any]) -> bytes:
    body = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}],
    }
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def signed_request(body: bytes, *, secret: str = APP_SECRET, path: str = WEBHOOK_PATH) -> bytes:
    """The raw HTTP/1.1 request Meta would send: JSON body and `X-Hub-Signature-256`."""
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    head = (
        f"POST {path} HTTP/1.1\r\n"
        "Host: 127.0.0.1\r\n"
        "User-Agent: facebookexternalua\r\n"
        "Accept: */*\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"X-Hub-Signature-256: sha256={signature}\r\n"
        "\r\n"
    )
    return head.encode() + body


def message_requests(phase: str, count: int) -> list[bytes]:
    """*count* signed webhooks, one message each, from *count* distinct senders of *phase*."""
    now = int(time.time())
    return [signed_request(message_body(phase, n, now)) for n in range(count)]
