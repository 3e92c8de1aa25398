"""The public shape of an audit-log entry (`GET /api/v1/audit`, `lia audit list --json`)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from lia_core.domain.activity import Activity
from lia_entrypoints.schemas.base import Out

__all__ = ["ActivityOut"]


class ActivityOut(Out):
    """One staff action: who, what, on which entity, from → to, why, and from where."""

    id: str
    at: datetime
    """When, in the ISP's timezone."""
    actor: str | None
    """The username (or a service such as `scheduler`)."""
    action: str
    """`<entity>.<verb>`: `failure.declare`, `failure.status`, `region.update`, `user.create`, …"""
    entity: str
    """`failure`, `region`, `dead_letter`, `user`, `ticket`, `rules`, …"""
    entity_id: str
    from_state: str | None
    to_state: str | None
    reason: str | None
    ip: str | None
    """The client's address, for actions over HTTP and the console."""
    user_agent: str | None
    details: dict[str, str]
    """What else the action recorded (a failure's name, a run's counts, …)."""

    @classmethod
    def of(cls, entry: Activity, tz: tzinfo) -> ActivityOut:
        """Render an entry, its time in *tz*."""
        return cls(
            id=entry.id,
            at=entry.at.astimezone(tz),
            actor=entry.actor,
            action=entry.action,
            entity=entry.entity,
            entity_id=entry.entity_id,
            from_state=entry.from_state,
            to_state=entry.to_state,
            reason=entry.reason,
            ip=entry.ip,
            user_agent=entry.user_agent,
            details=dict(entry.details),
        )
