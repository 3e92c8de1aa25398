"""Who was told about which outage: the record the resolution broadcast is built from."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from lia_core.domain.delivery import Channel

__all__ = ["FailureNotice", "NoticeKind"]


class NoticeKind(enum.StrEnum):
    """The outage notice, or the resolution message that follows it."""

    NOTICE = "notice"
    RESOLUTION = "resolution"


@attrs.frozen(kw_only=True)
class FailureNotice:
    """One contact told about one failure (at most one per failure, contact and kind)."""

    failure_id: str
    recipient: str
    """The contact: canonical phone (one notice per failure, kind and contact)."""
    name: str
    channel: Channel
    kind: NoticeKind
    job_id: str
    created_at: datetime
    reply_to: str | None = None
    """Where messages to this contact go when it differs from ``recipient`` (the id the
    platform gave, e.g. a WhatsApp id without the ninth digit)."""

    @property
    def address(self) -> str:
        """The recipient of the messages sent about this notice."""
        return self.reply_to or self.recipient
