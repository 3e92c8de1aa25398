"""The error tree every layer shares; entrypoints map each branch to HTTP and CLI codes.

LiaError
├── DomainError             a rule refused the operation    → HTTP 409 / CLI exit 1
│   ├── InvalidTransition
│   └── NothingToChange     a ticket command would change nothing (lia_core.escalation.errors)
├── ValidationError         bad input                        → HTTP 422 / CLI exit 2
│   └── RuleFileError       an escalation rule file, with its line (lia_core.escalation.errors)
├── NotFound(LookupError)                                    → HTTP 404 / CLI exit 1
├── AuthenticationFailed    wrong credentials                → HTTP 401 / CLI exit 1
└── PortError               raised by adapters, declared here
    └── PersistenceError
        ├── AlreadyExists                                    → HTTP 409 / CLI exit 1
        └── ConcurrencyConflict                              → HTTP 409 / CLI exit 1
"""

from __future__ import annotations

__all__ = [
    "AlreadyExists",
    "AuthenticationFailed",
    "ConcurrencyConflict",
    "DomainError",
    "InvalidTransition",
    "LiaError",
    "NotFound",
    "PersistenceError",
    "PortError",
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


class ValidationError(LiaError):
    """Input that can never be valid; ``field`` names the offending input."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class NotFound(LiaError, LookupError):
    """The named entity does not exist."""

    def __init__(self, *, entity: str, entity_id: str) -> None:
        self.entity = entity
        self.entity_id = entity_id
        super().__init__(f"{entity} {entity_id!r} not found")


class AuthenticationFailed(LiaError):
    """Credentials were wrong, or the account is disabled."""


class PortError(LiaError):
    """Raised by an adapter behind a port."""


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
