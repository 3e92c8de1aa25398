"""WhatsApp's customer-service window: a business may send free text only within 24 hours of
the customer's last message (Meta's rule, counted from the provider's timestamp of that
message, not from when LIA received it); after that only an approved template.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

from lia_core.domain.delivery import Channel

__all__ = [
    "WHATSAPP_WINDOW",
    "NoWindow",
    "ServiceWindow",
    "WindowClosed",
    "WindowOpen",
    "service_window",
]

WHATSAPP_WINDOW = timedelta(hours=24)
"""How long after the customer's last message a free text may go out."""

_WINDOWED = frozenset({Channel.WHATSAPP})
"""Channels with the rule: the Cloud API. Evolution (WhatsApp Web) and SMS have none."""


@attrs.frozen
class NoWindow:
    """The channel has no such rule: any text may go."""


@attrs.frozen
class WindowOpen:
    """Free text may go until *closes_at*."""

    closes_at: datetime


@attrs.frozen
class WindowClosed:
    """Only a template may go: the window closed at *closed_at* (None: the customer never wrote)."""

    closed_at: datetime | None


ServiceWindow = NoWindow | WindowOpen | WindowClosed


def service_window(
    channel: Channel,
    last_inbound_at: datetime | None,
    *,
    now: datetime,
    length: timedelta = WHATSAPP_WINDOW,
) -> ServiceWindow:
    """The window of a conversation on *channel* whose customer last wrote at *last_inbound_at*.

    Open while ``now < last_inbound_at + length`` (at the very instant it closes, it is closed).
    """
    if channel not in _WINDOWED:
        return NoWindow()
    if last_inbound_at is None:
        return WindowClosed(closed_at=None)
    closes_at = last_inbound_at + length
    return WindowOpen(closes_at=closes_at) if now < closes_at else WindowClosed(closed_at=closes_at)
