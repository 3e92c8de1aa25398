"""What providers tell LIA, channel-neutral: customer messages and delivery receipts."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime

import attrs

from lia_core.domain.delivery import Channel
from lia_core.domain.recipients import ContactKey

__all__ = [
    "InboundMessage",
    "MessageKind",
    "MessageStatus",
    "ReceiptError",
    "StatusUpdate",
    "advance_status",
]


class MessageKind(enum.StrEnum):
    """The shape of a customer's message."""

    TEXT = "text"
    BUTTON_REPLY = "button_reply"
    """An interactive reply button, or a template quick-reply button."""
    LIST_REPLY = "list_reply"
    LOCATION = "location"
    MEDIA = "media"
    """Image, audio, video, document or sticker: only the metadata is kept."""
    UNSUPPORTED = "unsupported"


@attrs.frozen(kw_only=True)
class InboundMessage:
    """One message a customer sent, as every channel adapter normalises it."""

    channel: Channel
    provider_message_id: str
    """Unique per channel: a redelivered webhook carries the same id and is stored once."""
    sender: ContactKey
    """Who wrote: canonical E.164 digits (Brazilian mobiles with the ninth digit), or a
    provider identity such as ``…@lid`` or a Meta user id when no phone is known."""
    reply_to: str
    """Where replies go: the id the platform gave (a WhatsApp id may lack the ninth digit)."""
    sent_at: datetime
    kind: MessageKind = MessageKind.TEXT
    display_name: str = ""
    text: str = ""
    """The text, the caption of a media message, or the title of a chosen reply."""
    reply_id: str | None = None
    """The id (or payload) of the button or list row the customer chose."""
    details: Mapping[str, str] = attrs.field(factory=dict)
    """Kind-specific metadata: media id, mime type, sha256, file name; latitude, longitude."""
    request_id: str | None = None
    """The id of the webhook request that brought it (`X-Request-Id`), carried to the jobs
    it causes so their log lines can be followed back to the request; not part of its identity."""

    @property
    def key(self) -> tuple[Channel, str]:
        """The identity a redelivery shares."""
        return (self.channel, self.provider_message_id)


class MessageStatus(enum.StrEnum):
    """Where an outbound message is; inbound messages are RECEIVED."""

    PENDING = "PENDING"
    SENT = "SENT"
    FAILED = "FAILED"
    DELIVERED = "DELIVERED"
    READ = "READ"
    RECEIVED = "RECEIVED"

    @property
    def rank(self) -> int:
        """Statuses only move to a higher rank; receipts arriving late change nothing."""
        return _RANK[self]


_RANK: Mapping[MessageStatus, int] = {
    MessageStatus.PENDING: 0,
    MessageStatus.SENT: 1,
    # A failure report beats "sent" but never a delivery or read receipt: once the
    # customer's phone had it, a stray failure callback does not make it undelivered.
    MessageStatus.FAILED: 2,
    MessageStatus.DELIVERED: 3,
    MessageStatus.READ: 4,
    MessageStatus.RECEIVED: 5,
}


def advance_status(current: MessageStatus, reported: MessageStatus) -> MessageStatus:
    """The status after a receipt: the higher-ranked of the two (READ stays READ)."""
    return reported if reported.rank > current.rank else current


@attrs.frozen(kw_only=True)
class ReceiptError:
    """Why the provider could not deliver."""

    code: str
    title: str = ""


@attrs.frozen(kw_only=True)
class StatusUpdate:
    """A delivery receipt for a message LIA sent."""

    channel: Channel
    provider_message_id: str
    status: MessageStatus
    at: datetime
    recipient: str = ""
    error: ReceiptError | None = None
    idempotency_key: str | None = None
    """The outbox key echoed back (WhatsApp ``biz_opaque_callback_data``), when the provider does."""
