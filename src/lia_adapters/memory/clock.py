"""A clock that only moves when told to, and ids that count up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["FixedClock", "SequentialIds"]


class FixedClock:
    """A settable clock: ``FixedClock(now).advance(minutes=5)``."""

    def __init__(self, now: datetime | None = None) -> None:
        self._now = now or datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
        if self._now.utcoffset() is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")

    def now(self) -> datetime:
        """The time it was last set to."""
        return self._now

    def advance(self, **delta: float) -> FixedClock:
        """Move forward by a `timedelta(**delta)`; returns self for chaining."""
        self._now += timedelta(**delta)
        return self

    def set(self, now: datetime) -> None:
        """Jump to *now*."""
        self._now = now


class SequentialIds:
    """Readable, predictable ids: ``prefix-1``, ``prefix-2`` …"""

    def __init__(self, prefix: str = "id") -> None:
        self._prefix = prefix
        self._next = 0

    def new_id(self) -> str:
        """The next id."""
        self._next += 1
        return f"{self._prefix}-{self._next}"
