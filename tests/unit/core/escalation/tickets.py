"""The ticket the escalation tests start from: open an hour before NOW, medium, high severity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lia_core.escalation import Priority, Severity, Ticket

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def open_ticket(*, hours_ago: int = 1) -> Ticket:
    """Ticket t-1 of `suporte`, medium priority, high severity, opened *hours_ago* before NOW."""
    return Ticket.open(
        id="t-1",
        department="suporte",
        priority=Priority.MEDIUM,
        severity=Severity.HIGH,
        at=NOW - timedelta(hours=hours_ago),
    )
