"""Customer messages the inbound pipeline's tests store and gate."""

from __future__ import annotations

from lia_adapters.memory import FixedClock
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.recipients import Phone


def text(n: int, body: str = "oi") -> InboundMessage:
    """A WhatsApp text from sender *n* (message id `wamid.<n>`)."""
    phone = f"55219999900{n:02d}"
    return InboundMessage(
        channel=Channel.WHATSAPP,
        provider_message_id=f"wamid.{n}",
        sender=Phone(phone),
        reply_to=phone,
        sent_at=FixedClock().now(),
        text=body,
    )
