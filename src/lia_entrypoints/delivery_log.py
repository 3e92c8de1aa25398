"""LoggedSender: a channel adapter's sends under the job's log context (job id, request id).

The dispatcher (in the core) logs nothing per job; the worker wraps each sender so every
line the provider call writes (the adapter's, httpx's) carries the job's id and the id of
the request that queued it, and one line says how the send went.
"""

from __future__ import annotations

import structlog

from lia_core.domain.delivery import Channel
from lia_core.errors import DeliveryError
from lia_core.ports import MessageSender, OutboundMessage

__all__ = ["LoggedSender"]

log = structlog.get_logger(__name__)


class LoggedSender:
    """Delegates to *inner*, binding ``job_id`` and ``request_id`` to the logs of each send."""

    def __init__(self, inner: MessageSender) -> None:
        self.inner = inner

    @property
    def channel(self) -> Channel:
        """The wrapped sender's channel."""
        return self.inner.channel

    async def send(self, message: OutboundMessage) -> str:
        """Send through *inner*; log ``delivery.sent`` (DEBUG) or ``delivery.send_failed``."""
        bound = {"job_id": message.job_id}
        if message.request_id is not None:
            bound["request_id"] = message.request_id
        with structlog.contextvars.bound_contextvars(**bound):
            try:
                provider_id = await self.inner.send(message)
            except DeliveryError as exc:
                log.info(
                    "delivery.send_failed",
                    channel=message.channel.value,
                    kind=exc.failure.kind.value,
                    code=exc.failure.code,
                )
                raise
            log.debug(
                "delivery.sent", channel=message.channel.value, provider_message_id=provider_id
            )
            return provider_id
