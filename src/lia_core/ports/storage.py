"""Storage ports for outages, the region catalogue and staff accounts."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from lia_core.domain.failures import FailureStatus, MassiveFailure
from lia_core.domain.regions import NamedRegion
from lia_core.domain.users import User

__all__ = ["FailureRepository", "RegionCatalogue", "UserRepository"]


class FailureRepository(Protocol):
    """Stored mass outages."""

    async def add(self, failure: MassiveFailure) -> None:
        """Store a new failure. Raises AlreadyExists if the id is taken."""
        ...

    async def get(self, failure_id: str) -> MassiveFailure:
        """Load one failure. Raises NotFound."""
        ...

    async def update(self, failure: MassiveFailure) -> None:
        """Save a changed failure read in this unit of work, bumping its version.

        Raises:
            ConcurrencyConflict: it was changed by someone else since it was read.
        """
        ...

    async def list(
        self,
        statuses: Collection[FailureStatus] | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> Sequence[MassiveFailure]:
        """Failures with one of *statuses* (all when None), most recent start first (ties: id
        descending), skipping *offset* and returning at most *limit* (all when None)."""
        ...

    async def due(self, now: datetime) -> Sequence[MassiveFailure]:
        """Scheduled failures whose start is at or before *now*."""
        ...

    async def count_by_status(self) -> Mapping[FailureStatus, int]:
        """How many failures are in each status (absent statuses count zero)."""
        ...

    async def revision(self) -> int:
        """A counter that changes whenever any failure or catalogue region is written."""
        ...


class RegionCatalogue(Protocol):
    """Named regions that failures refer to by id."""

    async def add(self, region: NamedRegion) -> None:
        """Store a new region. Raises AlreadyExists."""
        ...

    async def get(self, region_id: str) -> NamedRegion:
        """Load one region. Raises NotFound."""
        ...

    async def update(self, region: NamedRegion) -> None:
        """Replace a region's name and rules. Raises NotFound or ConcurrencyConflict."""
        ...

    async def remove(self, region_id: str) -> None:
        """Delete a region. Raises NotFound."""
        ...

    async def all(self) -> Mapping[str, NamedRegion]:
        """Every region by id."""
        ...


class UserRepository(Protocol):
    """Staff accounts."""

    async def add(self, user: User) -> None:
        """Store a new user. Raises AlreadyExists if the username is taken."""
        ...

    async def get_by_username(self, username: str) -> User:
        """Load a user by canonical username. Raises NotFound."""
        ...

    async def update(self, user: User) -> None:
        """Save a changed account (role, active, contact fields) by username. Raises NotFound.

        The id and creation time stay as stored.
        """
        ...

    async def list(self) -> Sequence[User]:
        """Every user, by username."""
        ...
