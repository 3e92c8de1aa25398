"""The audit log's vocabulary: who acted (and from where), and one logged staff action."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import attrs

from lia_core.validation import aware, require_text

__all__ = ["Activity", "ActivityFilter", "Actor", "as_actor"]


@attrs.frozen(kw_only=True)
class Actor:
    """Who does something: a username (or a service name like "sla-monitor") and, over HTTP,
    the client's address and user agent."""

    name: str
    ip: str | None = None
    user_agent: str | None = None

    def __attrs_post_init__(self) -> None:
        require_text(self.name, "actor")

    @classmethod
    def service(cls, name: str) -> Actor:
        """A background actor (the monitor, a rule, the scheduler): no address."""
        return cls(name=name)


def as_actor(value: str | Actor) -> Actor:
    """*value* as an `Actor`: a bare name (the CLI's ``--actor``, a service) has no address."""
    return value if isinstance(value, Actor) else Actor(name=value)


@attrs.frozen(kw_only=True)
class Activity:
    """One staff action as the audit log keeps it: who, what, on which entity, from → to, why."""

    id: str
    at: datetime = attrs.field(validator=aware)
    actor: str | None
    action: str
    """What was done, dotted: "ticket.escalate", "failure.resolve", "rules.load", ..."""
    entity: str
    """The kind of thing acted on: "ticket", "failure", "region", "dead_letter", "user", "rules"."""
    entity_id: str
    from_state: str | None = None
    to_state: str | None = None
    reason: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    details: Mapping[str, str] = attrs.field(factory=dict)

    @classmethod
    def of(
        cls,
        actor: Actor,
        *,
        id: str,
        at: datetime,
        action: str,
        entity: str,
        entity_id: str,
        from_state: str | None = None,
        to_state: str | None = None,
        reason: str | None = None,
        details: Mapping[str, str] | None = None,
    ) -> Activity:
        """The entry for *actor* doing *action* on *entity* *entity_id*."""
        return cls(
            id=id,
            at=at,
            actor=actor.name,
            action=action,
            entity=entity,
            entity_id=entity_id,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            ip=actor.ip,
            user_agent=actor.user_agent,
            details=dict(details or {}),
        )


@attrs.frozen(kw_only=True)
class ActivityFilter:
    """Which entries to list (every given condition must hold); newest first."""

    entity: str | None = None
    entity_id: str | None = None
    actor: str | None = None
    since: datetime | None = attrs.field(default=None)
