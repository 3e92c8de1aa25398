"""Request bodies of the ticket routes: open a ticket by hand, and each desk command."""

from __future__ import annotations

from typing import Annotated, Literal

import attrs
from pydantic import BeforeValidator, Field

from lia_core.desk.commands import (
    KEEP,
    Deescalate,
    Escalate,
    Note,
    OpenTicket,
    Reassign,
    Reopen,
    Resolve,
    SetPriority,
    Unwait,
    Wait,
)
from lia_core.domain.recipients import parse_contact
from lia_core.domain.tickets import Priority, Severity, SupportLevel
from lia_entrypoints.http.dto.base import TEXT_PATTERN, In

__all__ = [
    "DeescalateIn",
    "EscalateIn",
    "NoteIn",
    "OpenTicketIn",
    "PriorityIn",
    "ReasonIn",
    "ReassignIn",
    "ResolveTicketIn",
    "WaitIn",
]

Reason = Annotated[
    str,
    Field(
        min_length=1,
        max_length=1000,
        pattern=TEXT_PATTERN,
        examples=["cliente sem sinal há 3 dias, precisa de técnico"],
    ),
]
"""Why: required by every command that changes who holds the ticket or its urgency."""
OptionalReason = Annotated[
    str | None, Field(default=None, min_length=1, max_length=1000, pattern=TEXT_PATTERN)
]
Department = Annotated[
    str, Field(min_length=1, max_length=100, pattern=TEXT_PATTERN, examples=["support"])
]
# Optional forms carry their constraints on the field itself: Litestar's OpenAPI drops the
# lengths of an ``Annotated[str, Field(...)] | None`` (schemathesis found a 111-character
# assignee the document allowed and the server refused).
OptionalDepartment = Annotated[
    str | None,
    Field(default=None, min_length=1, max_length=100, pattern=TEXT_PATTERN, examples=["support"]),
]


def _only_a_boolean(value: object) -> object:
    # Litestar validates bodies in lax mode, where 0 and "yes" pass for booleans: refuse them.
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


Flag = Annotated[bool, BeforeValidator(_only_a_boolean)]
"""A JSON boolean, and nothing else (not 0, 1 or "true")."""
Username = Annotated[str, Field(min_length=1, max_length=100, pattern=TEXT_PATTERN)]
OptionalUsername = Annotated[
    str | None, Field(default=None, min_length=1, max_length=100, pattern=TEXT_PATTERN)
]


class OpenTicketIn(In):
    """A ticket opened by hand for a customer (the normal flow opens them on a handoff)."""

    phone: str = Field(min_length=1, max_length=40, pattern="[0-9]", examples=["+55 21 99999-8888"])
    """The customer's phone; without a country code it is read as Brazilian."""
    subject: str = Field(
        min_length=1, max_length=200, pattern=TEXT_PATTERN, examples=["Internet lenta"]
    )
    """What the ticket is about, in a line."""
    priority: Priority | None = None
    """low, medium, high or urgent; omitted: the desk's default."""
    severity: Severity | None = None
    """low, medium, high or critical; omitted: the desk's default."""
    department: OptionalDepartment = None
    """The department that holds it; omitted: the desk's default."""
    failure_id: str | None = Field(default=None, min_length=1, max_length=100)
    """The outage this ticket is about, if any."""
    vip: Flag = False
    """The customer is a VIP."""

    def to_command(self) -> OpenTicket:
        """The core request."""
        request = OpenTicket(
            contact=parse_contact(self.phone, field="phone"),
            subject=self.subject,
            failure_id=self.failure_id,
            vip=self.vip,
        )
        # Omitted fields keep the core's defaults, stated once there.
        if self.priority is not None:
            request = attrs.evolve(request, priority=self.priority)
        if self.severity is not None:
            request = attrs.evolve(request, severity=self.severity)
        if self.department is not None:
            request = attrs.evolve(request, department=self.department)
        return request


class ReasonIn(In):
    """A reason, when the command needs nothing else (reopen)."""

    reason: Reason

    def to_reopen(self) -> Reopen:
        """The reopen command."""
        return Reopen(reason=self.reason)


class EscalateIn(In):
    """Move the ticket up one level, or to `to`."""

    to: Literal["N2", "N3"] | None = None
    """The level to reach; omitted: the next one up."""
    reason: Reason

    def to_command(self) -> Escalate:
        """The core command."""
        return Escalate(to=None if self.to is None else SupportLevel(self.to), reason=self.reason)


class DeescalateIn(In):
    """Move the ticket down one level, or to `to`."""

    to: Literal["N1", "N2"] | None = None
    """The level to reach; omitted: the next one down."""
    reason: Reason

    def to_command(self) -> Deescalate:
        """The core command."""
        return Deescalate(to=None if self.to is None else SupportLevel(self.to), reason=self.reason)


class ReassignIn(In):
    """Change the department, the agent, the level or the severity (at least one)."""

    department: OptionalDepartment = None
    assignee: OptionalUsername = None
    """The agent's username; omitted: the same agent."""
    unassign: Flag = False
    """Put the ticket back in the department's queue (no agent)."""
    level: SupportLevel | None = None
    severity: Severity | None = None
    reason: Reason

    def to_command(self) -> Reassign:
        """The core command."""
        return Reassign(
            department=self.department,
            assignee=None if self.unassign else (self.assignee or KEEP),
            level=self.level,
            severity=self.severity,
            reason=self.reason,
        )


class PriorityIn(In):
    """Set the ticket's priority."""

    priority: Priority
    reason: Reason

    def to_command(self) -> SetPriority:
        """The core command."""
        return SetPriority(priority=self.priority, reason=self.reason)


class WaitIn(In):
    """Wait on the customer (both SLA clocks pause)."""

    reason: OptionalReason = None

    def to_command(self) -> Wait:
        """The core command."""
        return Wait(reason=self.reason)


class ResolveTicketIn(In):
    """Resolve the ticket (both SLA clocks stop)."""

    reason: OptionalReason = None

    def to_command(self) -> Resolve:
        """The core command."""
        return Resolve(reason=self.reason)


class NoteIn(In):
    """A private note on the timeline (staff only; never sent to the customer)."""

    text: str = Field(
        min_length=1, max_length=4000, pattern=TEXT_PATTERN, examples=["liguei, sem resposta"]
    )

    def to_command(self) -> Note:
        """The core command."""
        return Note(text=self.text)


UNWAIT = Unwait()
"""The one unwait command (it takes nothing)."""
