"""What a parser gathers from one body, item by item: one unreadable item never sinks the rest."""

from __future__ import annotations

import attrs

from lia_adapters.webhooks._json import JsonObject, at
from lia_adapters.webhooks._storable import storable_message, storable_status
from lia_adapters.webhooks.batch import MalformedWebhook, WebhookBatch
from lia_core.domain.inbound import InboundMessage, StatusUpdate

__all__ = ["Collected"]


@attrs.define
class Collected:
    """Messages, receipts, skipped items and unreadable items, in body order."""

    messages: list[InboundMessage] = attrs.field(factory=list)
    statuses: list[StatusUpdate] = attrs.field(factory=list)
    ignored: list[str] = attrs.field(factory=list)
    unreadable: list[str] = attrs.field(factory=list)

    def refused(self, error: MalformedWebhook) -> None:
        """Note an item that could not be read (the error names its path)."""
        self.unreadable.append(error.message)

    def each(self, obj: JsonObject, key: str, path: str) -> list[tuple[str, JsonObject]]:
        """The objects of the list ``obj[key]`` with their paths; anything else is noted unreadable.

        A missing key or null is an empty list.
        """
        value = obj.get(key)
        if value is None:
            return []
        list_path = at(path, key)
        if not isinstance(value, list):
            self.unreadable.append(f"expected a JSON array at {list_path}")
            return []
        found: list[tuple[str, JsonObject]] = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                found.append((at(list_path, index), item))
            else:
                self.unreadable.append(f"expected a JSON object at {at(list_path, index)}")
        return found

    def batch(self) -> WebhookBatch:
        """The batch, every item storable (see `_storable`)."""
        return WebhookBatch(
            messages=tuple(map(storable_message, self.messages)),
            statuses=tuple(map(storable_status, self.statuses)),
            ignored=tuple(self.ignored),
            unreadable=tuple(self.unreadable),
        )
