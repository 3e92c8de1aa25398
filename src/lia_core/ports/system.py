"""Ports for the machine's services: time, ids, password hashing."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

__all__ = ["Clock", "IdGenerator", "PasswordHasher"]


class Clock(Protocol):
    """The source of the current time."""

    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


class IdGenerator(Protocol):
    """The source of new entity ids."""

    def new_id(self) -> str:
        """A fresh, globally unique id (a UUID string in production)."""
        ...


class PasswordHasher(Protocol):
    """One-way password hashing with a slow, salted algorithm."""

    def hash(self, password: str) -> str:
        """Hash *password* for storage."""
        ...

    def verify(self, password_hash: str, password: str) -> bool:
        """True when *password* matches the stored hash; never raises on a mismatch."""
        ...
