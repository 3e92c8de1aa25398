"""A scripted provider over `httpx.MockTransport` and message builders for the channel adapter tests."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Mapping
from urllib.parse import parse_qs

import attrs
import httpx

from lia_core.domain.delivery import Channel, MessageContent
from lia_core.domain.recipients import load_recipient, parse_recipient
from lia_core.errors import ValidationError
from lia_core.ports import OutboundMessage

Scripted = httpx.Response | Exception


@attrs.define
class FakeProvider:
    """Answers requests with scripted responses (the last one repeats) and keeps every request."""

    script: deque[Scripted] = attrs.field(factory=deque)
    requests: list[httpx.Request] = attrs.field(factory=list)

    def answer(self, *items: Scripted) -> FakeProvider:
        """Queue responses or exceptions, in order."""
        self.script.extend(items)
        return self

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        item = self.script.popleft() if len(self.script) > 1 else self.script[0]
        if isinstance(item, Exception):
            raise item
        return item

    def client(self) -> httpx.AsyncClient:
        """An async client whose every request reaches this fake."""
        return httpx.AsyncClient(transport=httpx.MockTransport(self))

    @property
    def last(self) -> httpx.Request:
        """The most recent request."""
        return self.requests[-1]


def json_of(request: httpx.Request) -> object:
    """The JSON body of a request."""
    return json.loads(request.content)


def form_of(request: httpx.Request) -> Mapping[str, str]:
    """The url-encoded form body of a request, one value per field."""
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


def reply(
    status: int, body: object = None, *, headers: Mapping[str, str] | None = None
) -> httpx.Response:
    """A JSON response."""
    return httpx.Response(status, json=body, headers=headers)


def message(
    channel: Channel,
    recipient: str = "+55 21 99999-8888",
    *,
    text: str | None = "Olá, sua internet voltou.",
    template: str | None = None,
    params: tuple[str, ...] = (),
    data: Mapping[str, str] | None = None,
) -> OutboundMessage:
    """An outbound message with a fixed job id and idempotency key.

    *recipient* is read as typed; text that is no recipient at all is kept as it would come
    back from storage, so adapters can be shown refusing it.
    """
    try:
        to = parse_recipient(recipient, channel=channel)
    except ValidationError:
        to = load_recipient(recipient)
    return OutboundMessage(
        job_id="job-1",
        idempotency_key="idem-1",
        channel=channel,
        recipient=to,
        content=MessageContent(text=text, template=template, params=params, data=data or {}),
    )
