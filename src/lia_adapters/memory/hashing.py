"""A reversible "hasher" for tests, so suites do not pay for Argon2."""

from __future__ import annotations

__all__ = ["PlainTextHasher"]


class PlainTextHasher:
    """Stores ``plain$<password>``; for tests only."""

    def hash(self, password: str) -> str:
        """Prefix the password."""
        return f"plain${password}"

    def verify(self, password_hash: str, password: str) -> bool:
        """Compare with the stored form."""
        return password_hash == f"plain${password}"
