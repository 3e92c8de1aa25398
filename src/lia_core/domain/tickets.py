"""The ticket vocabulary every policy shares: priority, severity, support level, status."""

from __future__ import annotations

import enum

__all__ = ["Priority", "Severity", "SupportLevel", "TicketStatus"]


class Priority(enum.StrEnum):
    """How soon a ticket must be handled, lowest first."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        """0 for low … 3 for urgent."""
        return _PRIORITY_RANK[self]


class Severity(enum.StrEnum):
    """How badly customers are affected (a ticket's or an outage's), lowest first."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for low … 3 for critical."""
        return _SEVERITY_RANK[self]


class SupportLevel(enum.StrEnum):
    """The support tier holding a ticket: N1 (first line) < N2 < N3 (specialists)."""

    N1 = "N1"
    N2 = "N2"
    N3 = "N3"

    @property
    def rank(self) -> int:
        """1 for N1 … 3 for N3."""
        return _LEVEL_RANK[self]

    @classmethod
    def from_rank(cls, rank: int) -> SupportLevel:
        """The level with *rank* (1 to 3); ValueError outside."""
        for level, level_rank in _LEVEL_RANK.items():
            if level_rank == rank:
                return level
        raise ValueError(f"no support level N{rank}")


class TicketStatus(enum.StrEnum):
    """Where a ticket is in its life."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    WAITING_CUSTOMER = "waiting_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_final(self) -> bool:
        """True once the ticket is resolved or closed."""
        return self in (TicketStatus.RESOLVED, TicketStatus.CLOSED)


# Ranks are looked up, not computed from list(...).index(), because sorting hot paths use them.
_PRIORITY_RANK = {p: i for i, p in enumerate(Priority)}
_SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}
_LEVEL_RANK = {level: i + 1 for i, level in enumerate(SupportLevel)}
