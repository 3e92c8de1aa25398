"""Request bodies of the people in the loop: presence, release, transfer, assign."""

from __future__ import annotations

from pydantic import Field

from lia_core.domain.agents import Presence
from lia_entrypoints.http.dto.base import In

__all__ = ["AssignIn", "PresenceIn", "ReleaseIn", "TransferIn"]

_NAME = "^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$"


class PresenceIn(In):
    """The heartbeat: the agent is here, in this status."""

    status: Presence = Presence.ONLINE
    """online, busy, away or offline; only online agents are offered conversations."""


class ReleaseIn(In):
    """Why the conversation goes back to its queue (optional)."""

    reason: str | None = Field(default=None, max_length=500)


class TransferIn(In):
    """Where the conversation goes: exactly one of `to_agent`, `to_department`."""

    reason: str = Field(min_length=1, max_length=500, pattern=r"\S")
    """Why (required, recorded on the ticket and in the audit log)."""
    to_agent: str | None = Field(default=None, pattern=_NAME)
    to_department: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=r"^[^\s,][^,]*$"
    )


class AssignIn(In):
    """Who gets the conversation (supervisors and admins only)."""

    agent: str = Field(pattern=_NAME)
    reason: str | None = Field(default=None, max_length=500)
