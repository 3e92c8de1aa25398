"""Request bodies of the people in the loop: presence, release, transfer, assign."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from litestar.openapi.spec import OpenAPIType, Schema
from pydantic import Field

from lia_core.domain.agents import Presence
from lia_entrypoints.http.dto.base import In
from lia_entrypoints.http.openapi import one_of_present

__all__ = ["AssignIn", "PresenceIn", "ReleaseIn", "TransferIn"]

_NAME = "^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$"
_DEPARTMENT = r"^[^\s,][^,]*$"


class PresenceIn(In):
    """The heartbeat: the agent is here, in this status."""

    status: Presence = Presence.ONLINE
    """online, busy, away or offline; only online agents are offered conversations."""


class ReleaseIn(In):
    """Why the conversation goes back to its queue (optional)."""

    reason: str | None = Field(default=None, max_length=500)


class TransferIn(In):
    """Where the conversation goes: an agent, a department's queue, or an agent in a department."""

    reason: str = Field(min_length=1, max_length=500, pattern=r"\S")
    """Why (required, recorded on the ticket and in the audit log)."""
    to_agent: str | None = Field(default=None, pattern=_NAME)
    """The agent who takes it (with `to_department`: in that department)."""
    to_department: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=_DEPARTMENT
    )
    """The department whose queue it joins (with `to_agent`: the department it moves to)."""

    openapi_any_of: ClassVar[tuple[Mapping[str, Schema], ...]] = (
        one_of_present(to_agent=Schema(type=OpenAPIType.STRING, pattern=_NAME)),
        one_of_present(
            to_department=Schema(
                type=OpenAPIType.STRING, min_length=1, max_length=64, pattern=_DEPARTMENT
            )
        ),
    )
    """At least an agent or a department."""


class AssignIn(In):
    """Who gets the conversation (supervisors and admins only)."""

    agent: str = Field(pattern=_NAME)
    reason: str | None = Field(default=None, max_length=500)
