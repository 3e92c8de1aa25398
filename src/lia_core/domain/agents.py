"""Agents as the desk sees them: capacity, skills and presence (a heartbeat with a time limit).

A person's account (`domain.users.User`) says who they are and which departments are theirs;
the profile here says how much work they take and whether they are there to take it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import datetime, timedelta

import attrs

from lia_core.errors import ValidationError

__all__ = [
    "MAX_CAPACITY",
    "MAX_SKILL_CHARS",
    "AgentProfile",
    "Presence",
    "validate_capacity",
    "validate_skills",
]

MAX_CAPACITY = 100
"""The most conversations one agent may hold at once."""
MAX_SKILL_CHARS = 64
_SKILL = re.compile(r"^[^\s,][^,]*$")


class Presence(enum.StrEnum):
    """Whether an agent takes offers: only ``online`` agents are offered conversations."""

    ONLINE = "online"
    BUSY = "busy"
    AWAY = "away"
    OFFLINE = "offline"

    @classmethod
    def parse(cls, raw: str, *, field: str = "status") -> Presence:
        """Parse a presence name in any case, naming *field* when it is unknown."""
        try:
            return cls(raw.strip().lower())
        except ValueError:
            names = ", ".join(p.value for p in cls)
            raise ValidationError(
                f"unknown presence {raw!r}; use one of {names}", field=field
            ) from None

    @property
    def absent(self) -> bool:
        """Away or offline: the states the away rule (keep or return) applies to."""
        return self in (Presence.AWAY, Presence.OFFLINE)


def validate_capacity(raw: int) -> int:
    """The capacity if it is between 0 and `MAX_CAPACITY`, else ValidationError."""
    if not 0 <= raw <= MAX_CAPACITY:
        raise ValidationError(
            f"capacity must be between 0 and {MAX_CAPACITY}, not {raw}", field="capacity"
        )
    return raw


def validate_skills(raw: Iterable[str]) -> frozenset[str]:
    """Skill names trimmed and lower-cased, blanks dropped; ValidationError for a comma or a long one."""
    skills: set[str] = set()
    for item in raw:
        name = item.strip().lower()
        if not name:
            continue
        if len(name) > MAX_SKILL_CHARS or not _SKILL.match(name):
            raise ValidationError(
                f"skill {name!r} must be 1 to {MAX_SKILL_CHARS} characters, no comma",
                field="skills",
            )
        skills.add(name)
    return frozenset(skills)


@attrs.define(kw_only=True)
class AgentProfile:
    """How an agent takes work: capacity, skills, presence and the fairness counters.

    ``status`` is what the agent (or the heartbeat sweep) last set; `presence_at` reads it
    against the heartbeat: not heard from for longer than the time limit counts as offline,
    unless ``auto_offline`` is off (agents on mobile, whose connection drops often).
    """

    username: str
    capacity: int = 5
    """Conversations held at once (assigned, plus offers waiting for an answer)."""
    skills: frozenset[str] = frozenset()
    status: Presence = Presence.OFFLINE
    auto_offline: bool = True
    last_seen_at: datetime | None = None
    """The last heartbeat (or presence change made by the agent)."""
    status_at: datetime | None = None
    """When ``status`` last changed."""
    load: int = 0
    """Conversations held now, recounted from the assignments on every change."""
    offers_offered: int = 0
    offers_accepted: int = 0
    offers_rejected: int = 0
    offers_timed_out: int = 0
    last_offered_at: datetime | None = None
    """When the agent was last offered a conversation (round-robin picks the longest ago)."""
    version: int = 0
    """Optimistic-concurrency version: 0 until first saved."""

    def presence_at(self, now: datetime, ttl: timedelta) -> Presence:
        """The presence that counts at *now*: offline once the heartbeat is older than *ttl*."""
        if self.status is Presence.OFFLINE or not self.auto_offline:
            return self.status
        if self.last_seen_at is None or now - self.last_seen_at > ttl:
            return Presence.OFFLINE
        return self.status

    @property
    def free(self) -> int:
        """Room left under the capacity (never negative)."""
        return max(0, self.capacity - self.load)
