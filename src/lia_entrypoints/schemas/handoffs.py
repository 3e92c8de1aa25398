"""The public shape of a handoff ledger entry (`GET /api/v1/handoffs`, `lia handoff list --json`)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from lia_core.handoff.session import HandoffEntry
from lia_entrypoints.schemas.base import Out

__all__ = ["HandoffOut"]


class HandoffOut(Out):
    """One handoff of a conversation to humans: why, where, how urgent, when, who took it."""

    id: str
    conversation_id: str
    reason: str
    """The reason code: `clear_intent`, `critical_intent`, `customer_asked`, `low_confidence`,
    `ambiguous`, `language`, `timeout_choice`, `out_of_hours`."""
    department: str
    """The destination department (the ticket's): `support`, `financial`, `commercial`,
    `cancellation`, `ombudsman`, or `general`."""
    level: str
    priority: str
    intent: str | None
    at: datetime
    """When the bot let go, in the ISP's timezone."""
    accepted_by: str | None
    """The agent who took the conversation (null until someone does)."""
    accepted_at: datetime | None

    @classmethod
    def of(cls, entry: HandoffEntry, tz: tzinfo) -> HandoffOut:
        """Render an entry, its times in *tz*."""
        return cls(
            id=entry.id,
            conversation_id=entry.conversation_id,
            reason=entry.reason.value,
            department=entry.department,
            level=entry.level.value,
            priority=entry.priority.value,
            intent=entry.intent.value if entry.intent else None,
            at=entry.at.astimezone(tz),
            accepted_by=entry.accepted_by,
            accepted_at=entry.accepted_at.astimezone(tz) if entry.accepted_at else None,
        )
