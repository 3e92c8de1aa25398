"""The canned-response store (uow.canned_responses): reply texts agents reuse, by key."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from lia_core.domain.canned import CannedResponse

__all__ = ["CannedResponseRepository"]


class CannedResponseRepository(Protocol):
    """Canned responses keyed by their key; updates are version-checked."""

    async def add(self, response: CannedResponse) -> None:
        """Store a new response. Raises AlreadyExists when its key is taken."""
        ...

    async def get(self, key: str) -> CannedResponse:
        """One response. Raises NotFound."""
        ...

    async def list(self) -> Sequence[CannedResponse]:
        """Every response, by key."""
        ...

    async def update(self, response: CannedResponse) -> None:
        """Replace a stored response with *response* (whose version is the stored one plus 1).

        Raises NotFound if it is not stored, ConcurrencyConflict if the stored version is not
        ``response.version - 1`` (someone updated it since it was read).
        """
        ...

    async def remove(self, key: str) -> None:
        """Delete a response. Raises NotFound."""
        ...
