"""What one provider webhook body holds once parsed, and the error for a body of the wrong shape."""

from __future__ import annotations

import attrs

from lia_core.domain.inbound import InboundMessage, StatusUpdate
from lia_core.errors import ValidationError

__all__ = ["MalformedWebhook", "WebhookBatch"]


class MalformedWebhook(ValidationError):
    """The body is not what the provider documents; ``field`` is the JSON path at fault."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(f"{message} at {field}", field=field)


@attrs.frozen(kw_only=True)
class WebhookBatch:
    """Every customer message and delivery receipt in one webhook body, in body order."""

    messages: tuple[InboundMessage, ...] = ()
    statuses: tuple[StatusUpdate, ...] = ()
    ignored: tuple[str, ...] = ()
    """One short reason per item deliberately skipped (echoes, groups, other events), for a log line."""
