"""Outbound messages as durable jobs: channels, job names, lanes, statuses and the job aggregate.

pending ──claim──▶ sending              (a sending job whose lease expired is claimed again)
sending ──requeue | retry | fall back──▶ pending
sending ──mark sent──▶ sent
sending ──await settlement──▶ uncertain ──settle sent──▶ sent
                                        ──settle resend──▶ pending
sending ──dead-letter──▶ dead ──reprocess──▶ pending
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

import attrs

from lia_core.domain.template_parts import TemplateButton, TemplateHeader, buttons_from
from lia_core.errors import InvalidTransition, ValidationError

if TYPE_CHECKING:
    from lia_core.domain.recipients import Recipient

__all__ = [
    "JOB_TRANSITIONS",
    "AwaitSettlement",
    "Channel",
    "DeadLetter",
    "DeliveryErrorInfo",
    "FallBack",
    "GiveUp",
    "HoldChannel",
    "JobAction",
    "JobContext",
    "JobName",
    "JobStatus",
    "Lane",
    "MessageContent",
    "OutboundJob",
    "RetryAt",
    "RetryDecision",
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
    """Where a job is: waiting, claimed by a worker, done, unsure, or given up."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    UNCERTAIN = "uncertain"
    DEAD = "dead"


class JobAction(enum.StrEnum):
    """A step of a job's delivery lifecycle."""

    CLAIM = "claim"
    """A worker leases a due job (or one whose lease expired)."""
    REQUEUE = "requeue"
    """No send slot or an open breaker: back to the queue without using an attempt."""
    MARK_SENT = "mark sent"
    RECORD_FAILURE = "record failure"
    """A try failed; what happens next is a retry decision."""
    RETRY = "retry"
    """Send again later (a backoff, or a channel held down)."""
    FALL_BACK = "fall back"
    AWAIT_SETTLEMENT = "await settlement"
    DEAD_LETTER = "dead-letter"
    SETTLE_SENT = "settle as sent"
    SETTLE_RESEND = "settle for resending"
    REPROCESS = "reprocess"
    """Requeue a dead job from the dead-letter queue."""


_S = JobStatus
JOB_TRANSITIONS: Mapping[JobAction, tuple[frozenset[JobStatus], JobStatus]] = {
    JobAction.CLAIM: (frozenset({_S.PENDING, _S.SENDING}), _S.SENDING),
    JobAction.REQUEUE: (frozenset({_S.SENDING}), _S.PENDING),
    JobAction.MARK_SENT: (frozenset({_S.SENDING}), _S.SENT),
    JobAction.RECORD_FAILURE: (frozenset({_S.SENDING}), _S.SENDING),
    JobAction.RETRY: (frozenset({_S.SENDING}), _S.PENDING),
    JobAction.FALL_BACK: (frozenset({_S.SENDING}), _S.PENDING),
    JobAction.AWAIT_SETTLEMENT: (frozenset({_S.SENDING}), _S.UNCERTAIN),
    JobAction.DEAD_LETTER: (frozenset({_S.SENDING}), _S.DEAD),
    JobAction.SETTLE_SENT: (frozenset({_S.UNCERTAIN}), _S.SENT),
    JobAction.SETTLE_RESEND: (frozenset({_S.UNCERTAIN}), _S.PENDING),
    JobAction.REPROCESS: (frozenset({_S.DEAD}), _S.PENDING),
}
"""The job's state machine as data: action → (statuses it is allowed from, status it leads to)."""


@attrs.frozen
class RetryAt:
    """Send again at ``at``."""

    at: datetime


@attrs.frozen
class FallBack:
    """Send on ``channel`` instead, now."""

    channel: Channel


@attrs.frozen
class GiveUp:
    """Dead-letter the job."""

    reason: str


@attrs.frozen
class AwaitSettlement:
    """Do not resend: the provider's status callback (or reconciliation) settles the job."""


@attrs.frozen
class HoldChannel:
    """The channel is down: keep the job, retry it at ``until`` without using an attempt."""

    until: datetime


RetryDecision = RetryAt | FallBack | GiveUp | AwaitSettlement | HoldChannel
"""What to do with a job after a failed try (decided by `delivery_policy.decide_retry`)."""


@attrs.frozen(kw_only=True)
class MessageContent:
    """What is sent: free text, an approved template with parameters, and/or push data."""

    text: str | None = None
    template: str | None = None
    template_language: str = "pt_BR"
    params: tuple[str, ...] = ()
    """The template body's parameters, ``{{1}}``… in order."""
    data: Mapping[str, str] = attrs.field(factory=dict)
    header: TemplateHeader | None = None
    """The template header's parameter (a text, or a media link), when it has one."""
    buttons: tuple[TemplateButton, ...] = attrs.field(default=(), converter=buttons_from)
    """The template buttons' parameters (URL ends, quick-reply payloads), by index."""

    def __attrs_post_init__(self) -> None:
        if not (self.text and self.text.strip()) and not self.template and not self.data:
            raise ValidationError("a message needs a text, a template or push data", field="text")
        if (self.header is not None or self.buttons) and not self.template:
            field = "header" if self.header is not None else "buttons"
            raise ValidationError("header and button parameters need a template", field=field)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form (stable key order, for hashing and storage); the header and
        buttons only when given, so the form of other content is what it always was."""
        stored: dict[str, object] = {
            "text": self.text,
            "template": self.template,
            "template_language": self.template_language,
            "params": list(self.params),
            "data": dict(sorted(self.data.items())),
        }
        if self.header is not None:
            stored["header"] = self.header.to_dict()
        if self.buttons:
            stored["buttons"] = [b.to_dict() for b in self.buttons]
        return stored

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
        header = raw.get("header")
        buttons = raw.get("buttons") or []
        if (header is not None and not isinstance(header, dict)) or not isinstance(buttons, list):
            raise ValidationError(
                "a message header must be an object and buttons a list", field="payload"
            )
        return cls(
            text=str(text) if text is not None else None,
            template=str(template) if template is not None else None,
            template_language=str(raw.get("template_language") or "pt_BR"),
            params=tuple(str(p) for p in params),
            data={str(k): str(v) for k, v in data.items()},
            header=TemplateHeader.from_dict(header) if header is not None else None,
            buttons=tuple(TemplateButton.from_dict(b) for b in buttons if isinstance(b, dict)),
        )

    def digest(self) -> str:
        """SHA-256 of the canonical JSON form (dead letters keep it instead of the content)."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


@attrs.frozen(kw_only=True)
class JobContext:
    """Why a job exists: the producing source, the entity it is about, the request that caused it."""

    source: str
    correlation_id: str | None = None
    """The entity the job is about (a failure, a conversation, a ticket)."""
    request_id: str | None = None
    """The HTTP request (`X-Request-Id`) whose handling queued it: the worker logs the send
    under it, so a webhook, its job and the provider call share one id in the logs."""


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
    """One message LIA promised to send, with its delivery state; moved only by its transitions."""

    id: str
    job_name: JobName
    channel: Channel
    recipient: Recipient
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

    def allows(self, action: JobAction) -> bool:
        """Say whether *action* is allowed from the current status."""
        return self.status in JOB_TRANSITIONS[action][0]

    def is_due(self, now: datetime) -> bool:
        """True when a worker may claim the job: pending and due, or its lease has expired."""
        if self.status is JobStatus.PENDING:
            return self.next_attempt_at <= now
        return (
            self.status is JobStatus.SENDING
            and self.lease_expires_at is not None
            and self.lease_expires_at <= now
        )

    def _move(self, action: JobAction, now: datetime) -> None:
        """Check *action* against the table and take the status it leads to."""
        if not self.allows(action):
            raise InvalidTransition(
                entity="job", entity_id=self.id, action=action.value, status=self.status.value
            )
        self.status = JOB_TRANSITIONS[action][1]
        self.updated_at = now

    def _release(self, action: JobAction, now: datetime) -> None:
        """Leave *owner*'s hands: take the new status and drop the lease."""
        self._move(action, now)
        self.lease_owner = self.lease_expires_at = None

    def claim(self, *, owner: str, now: datetime, lease_seconds: float) -> None:
        """Lease the job to *owner* for *lease_seconds* (what the SQL claim does in bulk)."""
        if not self.is_due(now):
            raise InvalidTransition(
                entity="job", entity_id=self.id, action="claim", status=self.status.value
            )
        self._move(JobAction.CLAIM, now)
        self.lease_owner = owner
        self.lease_expires_at = now + timedelta(seconds=lease_seconds)

    def requeue(self, *, at: datetime, now: datetime) -> None:
        """Put a claimed job back in the queue until *at*, using no attempt."""
        self._release(JobAction.REQUEUE, now)
        self.next_attempt_at = at

    def mark_sent(self, provider_message_id: str, *, now: datetime) -> None:
        """The provider accepted the message: one attempt used, done."""
        self._release(JobAction.MARK_SENT, now)
        self.attempts += 1
        self.sent_at = now
        self.provider_message_id = provider_message_id

    def record_failure(
        self, error: DeliveryErrorInfo, *, uses_attempt: bool, now: datetime
    ) -> None:
        """Keep the cause of a failed try (and count it unless the channel itself was down)."""
        self._move(JobAction.RECORD_FAILURE, now)
        self.last_error = error
        if uses_attempt:
            self.attempts += 1

    def apply(self, decision: RetryDecision, *, now: datetime) -> DeadLetter | None:
        """Carry out a retry decision; the dead letter to file when it is `GiveUp`."""
        match decision:
            case RetryAt(at=at) | HoldChannel(until=at):
                self._release(JobAction.RETRY, now)
                self.next_attempt_at = at
            case FallBack(channel=channel):
                self._release(JobAction.FALL_BACK, now)
                self.next_attempt_at = now
                self.channel = channel
                self.fallback_channels = tuple(
                    c for c in self.fallback_channels if c is not channel
                )
            case AwaitSettlement():
                self._release(JobAction.AWAIT_SETTLEMENT, now)
            case GiveUp(reason=reason):
                self._release(JobAction.DEAD_LETTER, now)
                return self._dead_letter(reason, now)
        return None

    def _dead_letter(self, reason: str, now: datetime) -> DeadLetter:
        error = self.last_error or DeliveryErrorInfo(kind="gave_up", excerpt=reason)
        return DeadLetter(
            job_id=self.id,
            job_name=self.job_name,
            channel=self.channel,
            origin_queue=self.lane,
            error=error,
            payload_hash=self.content.digest(),
            failed_at=now,
            attempts=self.attempts,
            reprocess_count=self.dlq_reprocess_count,
        )

    def settle_sent(self, provider_message_id: str | None, *, now: datetime) -> None:
        """An uncertain send is known to have arrived (keeping the provider id known so far)."""
        self._move(JobAction.SETTLE_SENT, now)
        self.sent_at = now
        self.provider_message_id = provider_message_id or self.provider_message_id

    def settle_resend(self, *, now: datetime) -> None:
        """An uncertain send did not arrive: due again now."""
        self._move(JobAction.SETTLE_RESEND, now)
        self.next_attempt_at = now

    def reprocess(self, *, now: datetime) -> None:
        """Requeue a dead job with fresh attempts, counting the reprocessing."""
        self._move(JobAction.REPROCESS, now)
        self.attempts = 0
        self.next_attempt_at = now
        self.dlq_reprocess_count += 1


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
