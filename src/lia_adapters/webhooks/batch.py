"""What one provider webhook body holds once parsed; `MalformedWebhook` is re-exported from the core."""

from __future__ import annotations

import attrs

from lia_core.domain.inbound import InboundMessage, StatusUpdate
from lia_core.errors import MalformedWebhook

__all__ = ["MalformedWebhook", "WebhookBatch"]


@attrs.frozen(kw_only=True)
class WebhookBatch:
    """Every customer message and delivery receipt in one webhook body, in body order."""

    messages: tuple[InboundMessage, ...] = ()
    statuses: tuple[StatusUpdate, ...] = ()
    ignored: tuple[str, ...] = ()
    """One short reason per item deliberately skipped (echoes, groups, other events), for a log line."""
    unreadable: tuple[str, ...] = ()
    """One reason per item that could not be stored (no id, no sender, no time), naming its path.

    The rest of the body is still stored: a refused body would be redelivered for days and, in
    the end, get the webhook disabled."""
