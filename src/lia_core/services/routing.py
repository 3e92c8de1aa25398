"""The normal flow's default: every conversation the gate lets through waits for a human."""

from __future__ import annotations

import attrs

from lia_core.domain.conversations import Conversation, ConversationStatus
from lia_core.domain.delivery import MessageContent
from lia_core.domain.inbound import InboundMessage
from lia_core.ports import Routing

__all__ = ["HumanQueueRouter"]


@attrs.frozen
class HumanQueueRouter:
    """The default normal flow until a bot is configured: every conversation waits for a human."""

    reply_text: str | None = None
    """Said once when a conversation enters the queue (None: say nothing)."""

    async def route(self, conversation: Conversation, message: InboundMessage) -> Routing:
        """Put the conversation in the waiting queue unless a person already holds it."""
        if conversation.status in {ConversationStatus.WAITING, ConversationStatus.TRANSFERRED}:
            return Routing(status=conversation.status, reason=conversation.status_reason or "")
        reply = MessageContent(text=self.reply_text) if self.reply_text else None
        return Routing(status=ConversationStatus.WAITING, reason="human queue", reply=reply)
