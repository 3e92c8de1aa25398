"""Evolution API webhooks (``messages.upsert``, ``messages.update``; v1 and v2) → messages and receipts.

Envelope: ``{"event", "instance", "data", "date_time", "sender", "server_url", "apikey"}``;
``data`` is one item or, in v1, a list. Echoes of our own sends, groups, broadcasts and other
events are ignored with a reason.
"""

from __future__ import annotations

from datetime import UTC, datetime

from lia_adapters.webhooks._collect import Collected
from lia_adapters.webhooks._evolution_content import evolution_content
from lia_adapters.webhooks._json import (
    ROOT,
    JsonObject,
    as_object,
    at,
    child,
    international_phone,
    loose_text,
    opt_text,
    sent_time,
    text,
    unix_seconds,
)
from lia_adapters.webhooks.batch import MalformedWebhook, WebhookBatch
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage, MessageStatus, StatusUpdate
from lia_core.domain.recipients import ContactKey, ProviderIdentity

__all__ = ["parse_evolution_webhook"]

_STATUSES = {
    "PENDING": MessageStatus.PENDING,
    "SERVER_ACK": MessageStatus.SENT,
    "DELIVERY_ACK": MessageStatus.DELIVERED,
    "READ": MessageStatus.READ,
    "PLAYED": MessageStatus.READ,
    "ERROR": MessageStatus.FAILED,
    # Evolution's Cloud API channel forwards Meta's names, upper-cased.
    "SENT": MessageStatus.SENT,
    "DELIVERED": MessageStatus.DELIVERED,
    "FAILED": MessageStatus.FAILED,
}
_BAILEYS_CODES = ("ERROR", "PENDING", "SERVER_ACK", "DELIVERY_ACK", "READ", "PLAYED")
"""Baileys' WebMessageInfo.Status numbers (0-5), which some v1 builds forward unnamed."""
_PHONE_SERVERS = frozenset({"s.whatsapp.net", "c.us"})
_LID_ALTERNATIVES = ("remoteJidAlt", "senderPn", "previousRemoteJid")


def parse_evolution_webhook(
    payload: object, *, received_at: datetime | None = None
) -> WebhookBatch:
    """Every customer message and delivery receipt of a decoded Evolution webhook body.

    *received_at* dates v2 receipts, which carry no time of their own, and messages whose
    ``messageTimestamp`` cannot be read; without it the envelope's ``date_time`` is used for
    receipts. Raises MalformedWebhook (``field`` = JSON path) only when the body is no Evolution
    webhook (not an object, no ``event``). Below that, an item that cannot be read is skipped
    and named in ``unreadable``, and a message whose content cannot be read is UNSUPPORTED.
    """
    body = as_object(payload, ROOT)
    event = text(body, "event", ROOT).lower().replace("_", ".")
    if event not in ("messages.upsert", "messages.update"):
        return WebhookBatch(ignored=(f"event {body['event']!r} is not read",))
    out = Collected()
    for path, item in _items(body, out):
        try:
            result = (
                _message(item, path, received_at)
                if event == "messages.upsert"
                else _status(item, path, body, received_at)
            )
        except MalformedWebhook as exc:
            out.refused(exc)
            continue
        if isinstance(result, str):
            out.ignored.append(result)
        elif isinstance(result, InboundMessage):
            out.messages.append(result)
        else:
            out.statuses.append(result)
    return out.batch()


def _items(body: JsonObject, out: Collected) -> list[tuple[str, JsonObject]]:
    """``data`` as (path, object) pairs: v2 sends one object, v1 may send a list."""
    data = body.get("data")
    if isinstance(data, list):
        return out.each(body, "data", ROOT)
    if not isinstance(data, dict):
        out.unreadable.append("expected a JSON object at data")
        return []
    return [("data", data)]


def _chat(jid: str, key: JsonObject, path: str) -> tuple[ContactKey, str] | str:
    """(sender, reply_to) of a one-to-one chat, or why the chat is not a customer's."""
    user, _, server = jid.partition("@")
    if server == "g.us":
        return f"{path}: group chat {jid}"
    if server in ("broadcast", "newsletter"):
        return f"{path}: {server} {jid}"
    if server in _PHONE_SERVERS:
        digits = user.split(":")[0]  # a device suffix (``:12``) is not part of the number
        return international_phone(digits, at(path, "remoteJid")), digits
    if server == "lid":
        # A privacy id: the phone comes only in an alternative field, when Baileys knows it.
        # Replies keep going to the @lid JID WhatsApp addressed the chat with.
        for name in _LID_ALTERNATIVES:
            alternative = loose_text(key.get(name))
            if alternative and alternative.partition("@")[2] in _PHONE_SERVERS:
                digits = alternative.partition("@")[0].split(":")[0]
                return international_phone(digits, at(path, name)), jid
        return ProviderIdentity(jid), jid
    return f"{path}: unsupported chat address {jid}"


def _message(item: JsonObject, path: str, received_at: datetime | None) -> InboundMessage | str:
    """One customer message, or why it is skipped."""
    key_path = at(path, "key")
    key = child(item, "key", path)
    if key.get("fromMe") is True:
        return f"{path}: our own message (fromMe)"
    chat = _chat(text(key, "remoteJid", key_path), key, key_path)
    if isinstance(chat, str):
        return chat
    provider_message_id = text(key, "id", key_path)
    sent_at = _sent_at(item.get("messageTimestamp"), at(path, "messageTimestamp"), received_at)
    content = evolution_content(item, path)
    if isinstance(content, str):
        return content
    return InboundMessage(
        channel=Channel.EVOLUTION,
        provider_message_id=provider_message_id,
        sender=chat[0],
        reply_to=chat[1],
        sent_at=sent_at,
        kind=content.kind,
        display_name=loose_text(item.get("pushName")) or "",
        text=content.text,
        reply_id=content.reply_id,
        details=content.details,
    )


def _status(
    item: JsonObject, path: str, body: JsonObject, received_at: datetime | None
) -> StatusUpdate | str:
    """A receipt for a message LIA sent, or why it is not recorded."""
    # v2 names the WhatsApp id ``keyId`` (its ``messageId`` is Evolution's database row id);
    # v1 spreads the message key, so the WhatsApp id is ``id``.
    message_id = opt_text(item, "keyId", path) or opt_text(item, "id", path)
    if message_id is None:
        raise MalformedWebhook("no message id (keyId or id)", field=at(path, "keyId"))
    chat = _chat(text(item, "remoteJid", path), item, path)
    if isinstance(chat, str):
        return chat
    if item.get("fromMe") is False:
        return f"{path}: receipt for a message the customer sent"
    raw = item.get("status")
    if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw < len(_BAILEYS_CODES):
        raw = _BAILEYS_CODES[raw]
    if raw is None:
        return f"{path}: update of {message_id} without a status (an edit or a poll vote)"
    status = _STATUSES.get(raw.upper()) if isinstance(raw, str) else None
    if status is None:
        return f"{path}: status {raw!r} of {message_id} is not tracked"
    return StatusUpdate(
        channel=Channel.EVOLUTION,
        provider_message_id=message_id,
        status=status,
        at=_receipt_time(item, path, body, received_at),
        recipient=chat[1],
    )


def _receipt_time(
    item: JsonObject, path: str, body: JsonObject, received_at: datetime | None
) -> datetime:
    """When the status changed: the item's own time, else when LIA received it, else ``date_time``."""
    if item.get("timestamp") is not None:  # Cloud API channel: unix seconds
        return _seconds(item["timestamp"], at(path, "timestamp"))
    if item.get("datetime") is not None:  # v1: unix milliseconds
        millis = item["datetime"]
        if isinstance(millis, int) and not isinstance(millis, bool):
            return unix_seconds(millis // 1000, at(path, "datetime"))
        raise MalformedWebhook("expected unix milliseconds", field=at(path, "datetime"))
    if received_at is not None:
        return received_at
    # Evolution writes the server's local wall-clock time with a "Z" suffix, so this is UTC
    # only on servers running in UTC: the last resort.
    raw = text(body, "date_time", ROOT)
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise MalformedWebhook("expected an ISO 8601 time", field="date_time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _seconds(value: object, path: str) -> datetime:
    """Unix seconds as a number, a string, or a protobuf Long (``{"low", "high"}``) from Baileys."""
    return unix_seconds(_long(value), path)


def _sent_at(value: object, path: str, received_at: datetime | None) -> datetime:
    """`_seconds`, or *received_at* (when given) for a time that cannot be read."""
    return sent_time(_long(value), path, received_at)


def _long(value: object) -> object:
    """A protobuf Long (``{"low", "high"}``) as an integer; anything else unchanged."""
    if isinstance(value, dict):
        low, high = value.get("low"), value.get("high")
        if isinstance(low, int) and isinstance(high, int):
            return (high << 32) | (low & 0xFFFFFFFF)
    return value
