"""WhatsApp's 24-hour window, against the rule written out as an oracle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from lia_core.domain.delivery import Channel
from lia_core.domain.service_window import (
    WHATSAPP_WINDOW,
    NoWindow,
    WindowClosed,
    WindowOpen,
    service_window,
)

T0 = datetime(2026, 12, 6, 12, tzinfo=UTC)
offsets = st.integers(min_value=-3 * 86_400, max_value=3 * 86_400)


@given(st.sampled_from(list(Channel)), st.none() | offsets, offsets)
def test_the_window_is_open_for_24_hours_after_the_last_message(
    channel: Channel, last: int | None, now: int
) -> None:
    """WhatsApp: open strictly before last + 24 h, closed from then (or when nobody wrote); others: none."""
    last_at = None if last is None else T0 + timedelta(seconds=last)
    now_at = T0 + timedelta(seconds=now)
    window = service_window(channel, last_at, now=now_at)
    if channel is not Channel.WHATSAPP:
        assert window == NoWindow()
    elif last_at is None:
        assert window == WindowClosed(closed_at=None)
    elif (now_at - last_at).total_seconds() < 86_400:
        assert window == WindowOpen(closes_at=last_at + WHATSAPP_WINDOW)
    else:
        assert window == WindowClosed(closed_at=last_at + WHATSAPP_WINDOW)
