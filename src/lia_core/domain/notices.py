"""Who was told about which outage: the record the resolution broadcast is built from."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from lia_core.domain.delivery import Channel
from lia_core.domain.recipients import Recipient, recorded_recipient

__all__ = ["FailureNotice", "NoticeKind"]


class NoticeKind(enum.StrEnum):
    """The outage notice, or the resolution message that follows it."""

    NOTICE = "notice"
    RESOLUTION = "resolution"


@attrs.frozen(kw_only=True)
class FailureNotice:
    """One contact told about one failure (at most one per failure, contact and kind)."""

    failure_id: str
    recipient: Recipient
    """The contact: canonical phone or provider identity, or a push token on the push channel
    (one notice per failure, kind and contact; its text is the stored key)."""
    name: str
    channel: Channel
    kind: NoticeKind
    job_id: str
    created_at: datetime
    reply_to: str | None = None
    """Where messages to this contact go when it differs from ``recipient``: the id the
    platform gave, as given (a WhatsApp id without the ninth digit, a Twilio ``+55…``), the
    same text the conversation is keyed by."""

    @property
    def address(self) -> Recipient:
        """The recipient of the messages sent about this notice."""
        if self.reply_to:
            return recorded_recipient(self.reply_to, channel=self.channel)
        return self.recipient
