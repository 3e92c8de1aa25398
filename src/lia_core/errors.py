"""The error tree every layer shares; entrypoints map each branch to HTTP and CLI codes.

LiaError
├── DomainError             a rule refused the operation    → HTTP 409 / CLI exit 1
│   ├── InvalidTransition
│   ├── RegionInUse         a catalogue region open failures still name; ``failures`` lists them
│   ├── OutsideServiceWindow  a free text after WhatsApp's 24-hour window closed; ``closed_at``
│   │                       says when (a template is required)
│   ├── NoLiveTicket        a conversation without an open ticket cannot take a private note
│   ├── LastActiveAdmin     disabling the only active ADMIN (lia_core.services.credentials)
│   └── NothingToChange     a ticket command would change nothing (lia_core.escalation.errors)
├── ValidationError         bad input                        → HTTP 422 / CLI exit 2
│   ├── IdempotencyKeyReused  an idempotency key sent again with another request; ``field``
│   │                       names how the caller gave the key (header, option)
│   ├── RuleFileError       an escalation rule file, with its line (lia_core.escalation.errors)
│   │   └── DeskPolicyFileError  a desk-policy file: ``errors`` lists every fault with its line
│   │                       (lia_core.desk.policy_file)
│   ├── InvalidSetting      a LIA_* setting that cannot work; ``field`` names it
│   │                       (lia_entrypoints.invalid_setting; `lia serve` stops before listening)
│   └── MalformedWebhook    a provider webhook body of the wrong shape; ``field`` is the path
├── NotFound(LookupError)                                    → HTTP 404 / CLI exit 1
├── AuthenticationFailed    wrong credentials                → HTTP 401 / CLI exit 1
├── LoginThrottled          too many failed sign-ins for the username or the address;
│                           ``retry_after`` seconds            → HTTP 429 + Retry-After
├── NotPermitted            the user may not do this here (an agent outside their
│                           departments)                     → HTTP 403 / CLI exit 1
├── SchemaOutdated          the database schema is behind the code (`lia db upgrade`)
└── PortError               raised by adapters, declared here
    ├── DeliveryError       a channel could not deliver; ``failure`` says how to treat it
    ├── PortUnavailable     a dependency did not answer; ``retry_after`` seconds when known
    │   │                                                    → HTTP 503 + Retry-After
    │   ├── DirectoryUnavailable   the CRM (the gate then asks the customer instead)
    │   └── DatabaseUnavailable    the database (connection refused, timed out)
    └── PersistenceError
        ├── AlreadyExists                                    → HTTP 409 / CLI exit 1
        └── ConcurrencyConflict                              → HTTP 409 / CLI exit 1

Every `LiaError` subclass in the code base appears above; the two escalation errors live
beside the rules that raise them, InvalidSetting beside the settings, LastActiveAdmin beside
the use case that refuses it; the rest are defined here.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the failure value belongs to the delivery policy, which imports nothing here
    from lia_core.domain.delivery_policy import SendFailure

__all__ = [
    "AlreadyExists",
    "AuthenticationFailed",
    "ConcurrencyConflict",
    "DatabaseUnavailable",
    "DeliveryError",
    "DirectoryUnavailable",
    "DomainError",
    "IdempotencyKeyReused",
    "InvalidTransition",
    "LiaError",
    "LoginThrottled",
    "MalformedWebhook",
    "NoLiveTicket",
    "NotFound",
    "NotPermitted",
    "OutsideServiceWindow",
    "PersistenceError",
    "PortError",
    "PortUnavailable",
    "RegionInUse",
    "SchemaOutdated",
    "ValidationError",
]


class LiaError(Exception):
    """Root of every error LIA raises on purpose."""

    @property
    def message(self) -> str:
        """The human-readable explanation."""
        return str(self)


class DomainError(LiaError):
    """A business rule refused the operation; nothing was changed."""


class InvalidTransition(DomainError):
    """A lifecycle command is not allowed from the current state."""

    def __init__(self, *, entity: str, entity_id: str, action: str, status: str) -> None:
        self.entity = entity
        self.entity_id = entity_id
        self.action = action
        self.status = status
        super().__init__(f"cannot {action} {entity} {entity_id}: it is {status}")


class RegionInUse(DomainError):
    """A catalogue region cannot be deleted while scheduled, active or paused failures name it."""

    def __init__(self, *, region_id: str, failures: tuple[tuple[str, str], ...]) -> None:
        self.region_id = region_id
        self.failures = failures  # (id, name) of each open failure, so a page can name them
        names = ", ".join(f"{name!r} ({fid})" for fid, name in failures[:5])
        super().__init__(
            f"region {region_id!r} is used by {len(failures)} open failure(s): {names}; "
            "resolve or cancel them first"
        )


class OutsideServiceWindow(DomainError):
    """A free text to a WhatsApp customer whose last message is older than the 24-hour window."""

    def __init__(self, *, conversation_id: str, closed_at: datetime | None) -> None:
        self.conversation_id = conversation_id
        self.closed_at = closed_at
        when = (
            f"closed at {closed_at.isoformat(timespec='seconds')} (24 hours after the "
            "customer's last message)"
            if closed_at is not None
            else "never opened (the customer has not written in this conversation)"
        )
        super().__init__(
            f"WhatsApp's 24-hour customer-service window of conversation {conversation_id} "
            f"{when}: a free text is refused; send a template whose canned response names "
            "an approved WhatsApp template"
        )


class NoLiveTicket(DomainError):
    """The conversation has no open ticket, where its private notes are kept."""

    def __init__(self, *, conversation_id: str) -> None:
        self.conversation_id = conversation_id
        super().__init__(
            f"conversation {conversation_id} has no open ticket: private notes are kept on "
            "the ticket's timeline"
        )


class ValidationError(LiaError):
    """Input that can never be valid; ``field`` names the offending input."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class IdempotencyKeyReused(ValidationError):
    """An idempotency key already used for another request (body, target or author)."""

    def __init__(self, key: str, *, field: str = "idempotency_key") -> None:
        self.key = key
        super().__init__(
            f"idempotency key {key!r} was already used for another request; send the same "
            "request to get its answer again, or a new key for a new request",
            field=field,
        )

    def named(self, field: str) -> IdempotencyKeyReused:
        """The same error, naming the key as the caller gave it (a header, an option)."""
        return IdempotencyKeyReused(self.key, field=field)


class MalformedWebhook(ValidationError):
    """The body is not what the provider documents; ``field`` is the JSON path at fault."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(f"{message} at {field}", field=field)


class NotFound(LiaError, LookupError):
    """The named entity does not exist."""

    def __init__(self, *, entity: str, entity_id: str) -> None:
        self.entity = entity
        self.entity_id = entity_id
        super().__init__(f"{entity} {entity_id!r} not found")


class AuthenticationFailed(LiaError):
    """Credentials were wrong, or the account is disabled."""


class LoginThrottled(LiaError):
    """Sign-ins for this username or from this address failed too often; wait ``retry_after``
    seconds (whole, at least 1) before the next attempt is even checked."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class NotPermitted(LiaError):
    """The acting user's role or departments do not allow this action on this entity."""

    def __init__(self, message: str, *, entity: str, entity_id: str) -> None:
        self.entity = entity
        self.entity_id = entity_id
        super().__init__(message)


class SchemaOutdated(LiaError):
    """The database schema is behind the code; `lia db upgrade` fixes it."""


class PortError(LiaError):
    """Raised by an adapter behind a port."""


class DeliveryError(PortError):
    """A channel adapter could not deliver; ``failure`` says how the dispatcher treats it."""

    def __init__(self, failure: SendFailure) -> None:
        self.failure = failure
        detail = failure.code or failure.http_status or failure.kind.value
        super().__init__(
            f"{failure.provider}: {failure.kind.value} ({detail}) {failure.excerpt}".strip()
        )


class PortUnavailable(PortError):
    """A dependency behind a port did not answer; ``retry_after`` (seconds) when it said when."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class DirectoryUnavailable(PortUnavailable):
    """The CRM did not answer in time, or answered with an error: ask the customer instead."""


class DatabaseUnavailable(PortUnavailable):
    """The database refused the connection or did not answer in time."""


class PersistenceError(PortError):
    """The store refused or failed an operation."""


class AlreadyExists(PersistenceError):
    """A unique key is already taken."""

    def __init__(self, *, entity: str, entity_id: str) -> None:
        self.entity = entity
        self.entity_id = entity_id
        super().__init__(f"{entity} {entity_id!r} already exists")


class ConcurrencyConflict(PersistenceError):
    """Someone else changed the record since it was read; reload and retry."""

    def __init__(self, *, entity: str, entity_id: str) -> None:
        self.entity = entity
        self.entity_id = entity_id
        super().__init__(f"{entity} {entity_id!r} was changed concurrently; reload and retry")
