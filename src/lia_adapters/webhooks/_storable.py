"""Provider text made storable: PostgreSQL text and jsonb refuse NUL (``\\u0000``), so it goes.

A NUL becomes U+FFFD (the replacement character); a message keeps the original value of every
field it changed in ``details["original"]``, a JSON object (``{"text": "a\\u0000b"}``) that
``json.loads`` gives back exactly. Receipts have no free text worth keeping: they are only
cleaned. The check is one ``in`` per field, so clean items (nearly all) cost nothing more.
"""

from __future__ import annotations

import json

import attrs

from lia_core.domain.inbound import InboundMessage, ReceiptError, StatusUpdate
from lia_core.domain.recipients import ContactKey, Phone, ProviderIdentity

__all__ = ["ORIGINAL", "storable_message", "storable_status"]

ORIGINAL = "original"
"""The details key holding, as a JSON object, the original of every field that was cleaned."""

_NUL = "\x00"
_REPLACEMENT = "\ufffd"


def _clean(value: str) -> str:
    return value.replace(_NUL, _REPLACEMENT)


def _clean_sender(sender: ContactKey) -> ContactKey:
    # Only a provider identity can hold a NUL: a phone is digits.
    return sender if isinstance(sender, Phone) else ProviderIdentity(_clean(sender.value))


def _is_clean(message: InboundMessage) -> bool:
    return not (
        _NUL in message.text
        or _NUL in message.display_name
        or _NUL in message.provider_message_id
        or _NUL in str(message.sender)
        or _NUL in message.reply_to
        or (message.reply_id is not None and _NUL in message.reply_id)
        or (message.details and any(_NUL in value for value in message.details.values()))
    )


def storable_message(message: InboundMessage) -> InboundMessage:
    """*message* with NUL replaced in every field, the originals kept in ``details["original"]``."""
    if _is_clean(message):
        return message
    fields = {
        "provider_message_id": message.provider_message_id,
        "sender": str(message.sender),
        "reply_to": message.reply_to,
        "display_name": message.display_name,
        "text": message.text,
        "reply_id": message.reply_id or "",
    }
    original = {name: value for name, value in fields.items() if _NUL in value}
    original |= {f"details.{key}": value for key, value in message.details.items() if _NUL in value}
    details = {key: _clean(value) for key, value in message.details.items()}
    details[ORIGINAL] = json.dumps(original, ensure_ascii=False)
    return attrs.evolve(
        message,
        provider_message_id=_clean(message.provider_message_id),
        sender=_clean_sender(message.sender),
        reply_to=_clean(message.reply_to),
        display_name=_clean(message.display_name),
        text=_clean(message.text),
        reply_id=None if message.reply_id is None else _clean(message.reply_id),
        details=details,
    )


def storable_status(update: StatusUpdate) -> StatusUpdate:
    """*update* with NUL replaced in its ids, recipient and error."""
    error = update.error
    texts = (
        update.provider_message_id,
        update.recipient,
        update.idempotency_key or "",
        *((error.code, error.title) if error is not None else ()),
    )
    if not any(_NUL in value for value in texts):
        return update
    return attrs.evolve(
        update,
        provider_message_id=_clean(update.provider_message_id),
        recipient=_clean(update.recipient),
        idempotency_key=None if update.idempotency_key is None else _clean(update.idempotency_key),
        error=None
        if error is None
        else ReceiptError(code=_clean(error.code), title=_clean(error.title)),
    )
