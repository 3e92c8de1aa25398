"""The channel-neutral content of one customer message, as each provider's reader extracts it."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from lia_core.domain.inbound import MessageKind


@attrs.frozen(kw_only=True)
class Content:
    """Kind, text, chosen reply and metadata: the part of an InboundMessage a payload's body gives."""

    kind: MessageKind
    text: str = ""
    reply_id: str | None = None
    details: Mapping[str, str] = attrs.field(factory=dict)


def present(**values: str | None) -> dict[str, str]:
    """The keyword arguments that have a value: details only carry what the provider sent."""
    return {key: value for key, value in values.items() if value}
