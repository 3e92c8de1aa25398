"""Twilio Messaging webhooks (form-encoded): an incoming SMS or WhatsApp message, a status callback.

Twilio's forms carry no timestamp, so the caller passes when the request arrived.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from lia_adapters.webhooks._content import Content, present, unreadable
from lia_adapters.webhooks._storable import storable_message, storable_status
from lia_adapters.webhooks.batch import MalformedWebhook
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import (
    InboundMessage,
    MessageKind,
    MessageStatus,
    ReceiptError,
    StatusUpdate,
)
from lia_core.domain.recipients import parse_contact
from lia_core.errors import ValidationError

__all__ = ["parse_twilio_inbound", "parse_twilio_status"]

_WHATSAPP_PREFIX = "whatsapp:"
_STATUSES: Mapping[str, MessageStatus | None] = {
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.READ,
    "undelivered": MessageStatus.FAILED,
    "failed": MessageStatus.FAILED,
    "canceled": MessageStatus.FAILED,
    # Still on its way (or a status of an incoming message): nothing to record yet.
    "queued": None,
    "accepted": None,
    "scheduled": None,
    "sending": None,
    "receiving": None,
    "received": None,
    "partially_delivered": None,
}


def parse_twilio_inbound(form: Mapping[str, str], *, received_at: datetime) -> InboundMessage:
    """The customer message of an incoming-message webhook; *received_at* (aware) dates it.

    Raises MalformedWebhook naming the form field (``MessageSid``, ``From``) when one is missing
    (or ``From`` is no phone number): without them the message has no identity. Content that
    cannot be read (a ``NumMedia`` that is no count) makes the message UNSUPPORTED.
    """
    _require_aware(received_at)
    message_id = _sid(form)
    raw_from = _required(form, "From")
    reply_to = raw_from.removeprefix(_WHATSAPP_PREFIX)
    try:
        sender = parse_contact(reply_to, field="From")
    except ValidationError as exc:
        raise MalformedWebhook(exc.message, field="From") from None
    try:
        content = _content(form)
    except MalformedWebhook as exc:
        content = unreadable(form.get("MessageType"), exc)
    message = InboundMessage(
        channel=Channel.SMS,
        provider_message_id=message_id,
        sender=sender,
        reply_to=reply_to,
        sent_at=received_at,
        kind=content.kind,
        display_name=form.get("ProfileName", ""),
        text=content.text,
        reply_id=content.reply_id,
        details=content.details,
    )
    return storable_message(message)


def parse_twilio_status(form: Mapping[str, str], *, received_at: datetime) -> StatusUpdate | None:
    """The receipt of a status callback; None while the message is still in flight (queued…)
    and for a status Twilio may add one day (nothing to record).

    Raises MalformedWebhook for a missing ``MessageSid`` / ``MessageStatus``.
    """
    _require_aware(received_at)
    message_id = _sid(form)
    name = _required(form, "MessageStatus")
    status = _STATUSES.get(name)
    if status is None:
        return None
    error = None
    if status is MessageStatus.FAILED and form.get("ErrorCode"):
        error = ReceiptError(code=form["ErrorCode"], title=form.get("ErrorMessage", ""))
    update = StatusUpdate(
        channel=Channel.SMS,
        provider_message_id=message_id,
        status=status,
        at=received_at,
        recipient=form.get("To", "").removeprefix(_WHATSAPP_PREFIX),
        error=error,
    )
    return storable_status(update)


def _content(form: Mapping[str, str]) -> Content:
    """Media metadata, a WhatsApp quick-reply or location, or plain text."""
    body = form.get("Body", "")
    if _media_count(form) > 0:
        mime_type = form.get("MediaContentType0", "")
        details = present(
            media_type=_media_type(mime_type),
            mime_type=mime_type,
            media_url=form.get("MediaUrl0"),
            media_count=form["NumMedia"],
        )
        return Content(kind=MessageKind.MEDIA, text=body, details=details)
    if form.get("ButtonPayload"):
        return Content(
            kind=MessageKind.BUTTON_REPLY,
            text=form.get("ButtonText", body),
            reply_id=form["ButtonPayload"],
        )
    if form.get("Latitude") and form.get("Longitude"):
        details = present(
            latitude=form["Latitude"],
            longitude=form["Longitude"],
            name=form.get("Label"),
            address=form.get("Address"),
        )
        return Content(kind=MessageKind.LOCATION, text=body, details=details)
    return Content(kind=MessageKind.TEXT, text=body)


def _media_count(form: Mapping[str, str]) -> int:
    """``NumMedia`` as a number (absent means none)."""
    raw = form.get("NumMedia", "0") or "0"
    if not (raw.isascii() and raw.isdigit()):
        raise MalformedWebhook("expected a count", field="NumMedia")
    return int(raw)


def _media_type(mime_type: str) -> str:
    """image / audio / video from the MIME type; anything else is a document."""
    major = mime_type.partition("/")[0]
    return major if major in ("image", "audio", "video") else "document"


def _sid(form: Mapping[str, str]) -> str:
    """``MessageSid`` (``SmsSid`` in older callbacks)."""
    sid = form.get("MessageSid") or form.get("SmsSid")
    if not sid:
        raise MalformedWebhook("missing form field", field="MessageSid")
    return sid


def _required(form: Mapping[str, str], name: str) -> str:
    """A form field that must be present and non-empty."""
    value = form.get(name)
    if not value:
        raise MalformedWebhook("missing form field", field=name)
    return value


def _require_aware(moment: datetime) -> None:
    """Naive datetimes are a caller bug: LIA stores every time in UTC."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("received_at must be timezone-aware")
