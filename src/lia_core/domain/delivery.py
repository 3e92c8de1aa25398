"""Outbound messages as durable jobs: channels, job names, lanes, statuses and the job aggregate."""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import TypeVar

import attrs

from lia_core.errors import ValidationError

__all__ = [
    "Channel",
    "DeadLetter",
    "DeliveryErrorInfo",
    "JobContext",
    "JobName",
    "JobStatus",
    "Lane",
    "MessageContent",
    "OutboundJob",
]


_E = TypeVar("_E", bound=enum.StrEnum)


def _parse_member(kind: type[_E], raw: str, *, what: str, field: str) -> _E:
    try:
        return kind(raw.strip().lower())
    except ValueError:
        names = ", ".join(member.value for member in kind)
        raise ValidationError(f"unknown {what} {raw!r}; use one of {names}", field=field) from None


class Channel(enum.StrEnum):
    """A transport a message can go out on."""

    WHATSAPP = "whatsapp"
    EVOLUTION = "evolution"
    SMS = "sms"
    PUSH = "push"
    SANDBOX = "sandbox"

    @classmethod
    def parse(cls, raw: str, *, field: str = "channel") -> Channel:
        """Parse a channel name, rejecting unknown ones."""
        return _parse_member(cls, raw, what="channel", field=field)


class JobName(enum.StrEnum):
    """What kind of message a job carries; unknown names are refused."""

    SEND_WHATSAPP = "send-whatsapp"
    SEND_SMS = "send-sms"
    SEND_PUSH = "send-push"
    SEND_SANDBOX = "send-sandbox"
    NOTIFY_USER = "notify-user"
    OUTAGE_NOTICE = "outage-notice"
    OUTAGE_RESOLUTION = "outage-resolution"

    @classmethod
    def parse(cls, raw: str, *, field: str = "job_name") -> JobName:
        """Parse a job name, rejecting unknown ones."""
        return _parse_member(cls, raw, what="job name", field=field)

    @classmethod
    def for_channel(cls, channel: Channel) -> JobName:
        """The plain send job for a channel (operators' `lia message send`)."""
        return {
            Channel.WHATSAPP: cls.SEND_WHATSAPP,
            Channel.EVOLUTION: cls.SEND_WHATSAPP,
            Channel.SMS: cls.SEND_SMS,
            Channel.PUSH: cls.SEND_PUSH,
            Channel.SANDBOX: cls.SEND_SANDBOX,
        }[channel]

    @property
    def default_lane(self) -> Lane:
        """Broadcasts are bulk; everything a person is waiting for is live."""
        return Lane.BULK if self is JobName.OUTAGE_RESOLUTION else Lane.LIVE


class Lane(enum.StrEnum):
    """Live traffic is always claimed before bulk traffic."""

    LIVE = "live"
    BULK = "bulk"

    @property
    def priority(self) -> int:
        """0 for live (first), 1 for bulk."""
        return 0 if self is Lane.LIVE else 1


class JobStatus(enum.StrEnum):
    """Where a job is: waiting, claimed by a worker, done, or given up."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    UNCERTAIN = "uncertain"
    FAILED = "failed"
    DEAD = "dead"


@attrs.frozen(kw_only=True)
class MessageContent:
    """What is sent: free text, an approved template with parameters, and/or push data."""

    text: str | None = None
    template: str | None = None
    template_language: str = "pt_BR"
    params: tuple[str, ...] = ()
    data: Mapping[str, str] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        if not (self.text and self.text.strip()) and not self.template and not self.data:
            raise ValidationError("a message needs a text, a template or push data", field="text")

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form (stable key order, for hashing and storage)."""
        return {
            "text": self.text,
            "template": self.template,
            "template_language": self.template_language,
            "params": list(self.params),
            "data": dict(sorted(self.data.items())),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, object]) -> MessageContent:
        """Inverse of `to_dict`."""
        params = raw.get("params") or []
        data = raw.get("data") or {}
        if not isinstance(params, list) or not isinstance(data, dict):
            raise ValidationError(
                "message params must be a list and data an object", field="payload"
            )
        text = raw.get("text")
        template = raw.get("template")
        return cls(
            text=str(text) if text is not None else None,
            template=str(template) if template is not None else None,
            template_language=str(raw.get("template_language") or "pt_BR"),
            params=tuple(str(p) for p in params),
            data={str(k): str(v) for k, v in data.items()},
        )

    def digest(self) -> str:
        """SHA-256 of the canonical JSON form (dead letters keep it instead of the content)."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


@attrs.frozen(kw_only=True)
class JobContext:
    """Why a job exists: the producing source and a correlation id to follow it in logs."""

    source: str
    correlation_id: str | None = None


@attrs.frozen(kw_only=True)
class DeliveryErrorInfo:
    """A normalised provider error, as kept on jobs and dead letters."""

    kind: str
    code: str | None = None
    http_status: int | None = None
    provider: str | None = None
    excerpt: str = ""

    MAX_EXCERPT = 500


@attrs.define(kw_only=True)
class OutboundJob:
    """One message LIA promised to send, with its delivery state."""

    id: str
    job_name: JobName
    channel: Channel
    recipient: str
    content: MessageContent
    context: JobContext
    idempotency_key: str
    lane: Lane
    status: JobStatus = JobStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime
    fallback_channels: tuple[Channel, ...] = ()
    lease_owner: str | None = None
    lease_expires_at: datetime | None = None
    provider_message_id: str | None = None
    last_error: DeliveryErrorInfo | None = None
    dlq_reprocess_count: int = 0
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None = None


@attrs.frozen(kw_only=True)
class DeadLetter:
    """A job given up on, with the normalised cause (the payload itself stays on the job)."""

    job_id: str
    job_name: JobName
    channel: Channel
    origin_queue: Lane
    error: DeliveryErrorInfo
    payload_hash: str
    failed_at: datetime
    attempts: int
    reprocess_count: int = 0
