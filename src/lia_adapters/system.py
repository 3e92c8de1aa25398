"""Production implementations of the small ports: wall clock, UUID ids, Argon2 password hashing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import argon2

__all__ = ["Argon2PasswordHasher", "SystemClock", "UuidGenerator"]


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        """The current instant."""
        return datetime.now(UTC)


class UuidGenerator:
    """Random (version 4) UUIDs as strings."""

    def new_id(self) -> str:
        """A fresh UUID."""
        return str(uuid.uuid4())


class Argon2PasswordHasher:
    """Argon2id via argon2-cffi, with its recommended parameters unless told otherwise."""

    def __init__(self, hasher: argon2.PasswordHasher | None = None) -> None:
        self._hasher = hasher or argon2.PasswordHasher()

    @classmethod
    def fast_for_tests(cls) -> Argon2PasswordHasher:
        """A deliberately cheap configuration for test suites; never use it in production."""
        return cls(argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))

    def hash(self, password: str) -> str:
        """Hash *password* with a random salt."""
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """True when *password* matches; False on mismatch or an unreadable hash."""
        try:
            return self._hasher.verify(password_hash, password)
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False
