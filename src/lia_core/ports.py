"""Ports: what the core needs from the outside world, as Protocols that adapters implement."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from lia_core.domain.failures import FailureStatus, MassiveFailure
from lia_core.domain.regions import NamedRegion
from lia_core.domain.users import User

__all__ = [
    "Clock",
    "FailureRepository",
    "IdGenerator",
    "PasswordHasher",
    "RegionCatalogue",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "UserRepository",
]


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
        self, statuses: Collection[FailureStatus] | None = None
    ) -> Sequence[MassiveFailure]:
        """Failures with one of *statuses* (all when None), most recent start first."""
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

    async def list(self) -> Sequence[User]:
        """Every user, by username."""
        ...


class UnitOfWork(Protocol):
    """One atomic transaction over the repositories; rolls back unless committed."""

    @property
    def failures(self) -> FailureRepository:
        """Stored failures."""
        ...

    @property
    def regions(self) -> RegionCatalogue:
        """The named-region catalogue."""
        ...

    @property
    def users(self) -> UserRepository:
        """Staff accounts."""
        ...

    async def __aenter__(self) -> Self:
        """Begin the transaction."""
        ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed and release the connection."""
        ...

    async def commit(self) -> None:
        """Make the changes durable."""
        ...

    async def rollback(self) -> None:
        """Discard the changes."""
        ...


class UnitOfWorkFactory(Protocol):
    """Makes a fresh unit of work for each use-case call."""

    def __call__(self) -> UnitOfWork:
        """A new, not yet entered, unit of work."""
        ...
