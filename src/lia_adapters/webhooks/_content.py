"""The channel-neutral content of one customer message, as each provider's reader extracts it."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from lia_adapters.webhooks.batch import MalformedWebhook
from lia_core.domain.inbound import MessageKind


@attrs.frozen(kw_only=True)
class Content:
    """Kind, text, chosen reply and metadata: the part of an InboundMessage a payload's body gives."""

    kind: MessageKind
    text: str = ""
    reply_id: str | None = None
    details: Mapping[str, str] = attrs.field(factory=dict)


def unreadable(kind: object, error: MalformedWebhook) -> Content:
    """UNSUPPORTED content for a body LIA cannot read: the message is stored, the reason kept.

    ``details``: ``type`` (the provider's name for the content, ``unknown`` when it gave none)
    and ``error`` (what was wrong, with the JSON path).
    """
    name = kind if isinstance(kind, str) and kind else "unknown"
    return Content(kind=MessageKind.UNSUPPORTED, details={"type": name, "error": error.message})


def present(**values: str | None) -> dict[str, str]:
    """The keyword arguments that have a value: details only carry what the provider sent."""
    return {key: value for key, value in values.items() if value}
