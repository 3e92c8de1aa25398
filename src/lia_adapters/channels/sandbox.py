"""The sandbox channel: never touches the network; keeps what it was asked to send and logs
that it did (the recipient masked, the text's length, never the text: it stays in the outbox).

It is also the in-memory fake of the `MessageSender` port for any channel, with `.sent` to
inspect and `.fail_next(exc)` to script failures.
"""

from __future__ import annotations

import uuid
from collections import deque

import attrs
import structlog

from lia_core.domain.delivery import Channel
from lia_core.domain.recipients import PushToken
from lia_core.errors import DeliveryError
from lia_core.ports import OutboundMessage

__all__ = ["SandboxSender"]

log = structlog.get_logger(__name__)


@attrs.define
class SandboxSender:
    """Pretends to deliver: records the message, logs it and answers ``sandbox-<uuid4>``."""

    channel: Channel = Channel.SANDBOX
    max_kept: int | None = 10_000
    """`.sent` keeps at least the last this many (at most twice as many), so long runs stay small."""
    sent: list[OutboundMessage] = attrs.field(factory=list, init=False)
    _failures: deque[DeliveryError] = attrs.field(factory=deque, init=False)

    def fail_next(self, exc: DeliveryError) -> None:
        """Make the next send raise *exc* (calls queue up, one failure per send)."""
        self._failures.append(exc)

    async def send(self, message: OutboundMessage) -> str:
        """Raise the next scripted failure, or record and log *message* and return an id."""
        if self._failures:
            raise self._failures.popleft()
        provider_id = f"sandbox-{uuid.uuid4()}"
        self.sent.append(message)
        if self.max_kept is not None and len(self.sent) > 2 * self.max_kept:
            del self.sent[: len(self.sent) - self.max_kept]  # amortised: trims rarely
        content = message.content
        recipient = str(message.recipient)  # a phone is masked by the logging
        log.info(
            "sandbox.sent",
            provider_message_id=provider_id,
            job_id=message.job_id,
            channel=message.channel.value,
            # A device's push token is a credential to reach it: its first characters only.
            recipient=f"{recipient[:6]}…"
            if isinstance(message.recipient, PushToken)
            else recipient,
            text_chars=len(content.text or ""),
            template=content.template,
        )
        return provider_id
