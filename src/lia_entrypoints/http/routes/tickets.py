"""`/api/v1/tickets`: open by hand, list with filters, show (both clocks read now), and the desk's
commands. AGENT acts on the tickets of their departments; SUPERVISOR and ADMIN on all."""

from __future__ import annotations

import enum
from typing import Annotated, TypeVar

from litestar import Controller, get, post
from litestar.params import FromPath, HeaderParameter, JSONBody, QueryParameter

from lia_core.desk.commands import TicketCommand
from lia_core.desk.service import MAX_TICKET_LIST
from lia_core.domain.tickets import Priority, SupportLevel, TicketStatus
from lia_core.errors import ValidationError
from lia_core.ports.tickets import TicketFilter
from lia_core.services import Services
from lia_core.sla.readings import SlaState
from lia_entrypoints.http.context import AuthRequest, ServicesDep, TzDep, actor_of
from lia_entrypoints.http.dto.tickets import (
    UNWAIT,
    DeescalateIn,
    EscalateIn,
    NoteIn,
    OpenTicketIn,
    PriorityIn,
    ReasonIn,
    ReassignIn,
    ResolveTicketIn,
    WaitIn,
)
from lia_entrypoints.http.problems import problem_responses
from lia_entrypoints.schemas.tickets import TicketListOut, TicketOut

__all__ = ["TicketController"]


IF_MATCH_PATTERN = r'^(?:(?:W/)?"?[0-9]{1,9}"?)?$'
"""`If-Match`: the ticket's version as returned by GET (`3` or `"3"`); empty: any version."""

_ACTION_ERRORS = problem_responses(401, 403, 404, 409, 422)


def _choice(kind: type[enum.StrEnum], what: str) -> QueryParameter:
    """A query filter taking one of *kind*'s values, or nothing (no filter).

    A string listing its values rather than ``kind | None``: the document states one shape
    (a value, or empty) and any other value is a 422 naming the parameter (`_read`).
    """
    values = [member.value for member in kind]
    return QueryParameter(
        required=False,
        enum=["", *values],
        description=f"Only tickets {what}: {', '.join(values)}.",
    )


E = TypeVar("E", TicketStatus, SupportLevel, Priority, SlaState)


def _read(raw: str, kind: type[E], field: str) -> E | None:
    """*raw* as a member of *kind*, None when empty; ValidationError naming *field* otherwise."""
    if not raw:
        return None
    try:
        return kind(raw)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise ValidationError(f"must be one of {allowed}", field=field) from None


StatusFilter = Annotated[str, _choice(TicketStatus, "in this status")]
LevelFilter = Annotated[str, _choice(SupportLevel, "at this level")]
PriorityFilter = Annotated[str, _choice(Priority, "of this priority")]
SlaFilter = Annotated[str, _choice(SlaState, "whose SLA is in this state")]

IfMatch = Annotated[
    str,
    HeaderParameter(
        name="If-Match",
        required=False,
        pattern=IF_MATCH_PATTERN,
        description="Act only if the ticket is still at this version (its `version`); 409 if not.",
    ),
]


def expected_version(if_match: str | None) -> int | None:
    """The version named by an `If-Match` header (`3`, `"3"` or `W/"3"`), None when absent."""
    if if_match is None or not if_match.strip():
        return None
    digits = if_match.strip().removeprefix("W/").strip('"')
    if not digits.isdecimal() or len(digits) > 9:
        raise ValidationError(f"not a ticket version: {if_match!r}", field="If-Match")
    return int(digits)


async def _act(
    services: Services,
    request: AuthRequest,
    tz: TzDep,
    ticket_id: str,
    command: TicketCommand,
    if_match: str,
) -> TicketOut:
    await services.desk.act(
        ticket_id,
        command,
        actor_of(request),
        viewer=request.user,
        expected_version=expected_version(if_match),
    )
    return TicketOut.of_view(await services.desk.show(ticket_id, viewer=request.user), tz)


class TicketController(Controller):
    """Support tickets: the desk's list, a ticket's timeline and clocks, and its commands."""

    path = "/tickets"
    tags = ["tickets"]

    @post("/", summary="Open a ticket", responses=problem_responses(401, 403, 409, 422))
    async def open_ticket(
        self, data: JSONBody[OpenTicketIn], request: AuthRequest, services: ServicesDep, tz: TzDep
    ) -> TicketOut:
        """Open a ticket by hand for a customer's phone (409 if their conversation has one)."""
        ticket = await services.desk.open(data.to_command(), actor_of(request))
        return TicketOut.of_view(await services.desk.show(ticket.id, viewer=request.user), tz)

    @get("/", summary="List tickets", responses=problem_responses(401, 422))
    async def list_tickets(
        self,
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
        status: StatusFilter = "",
        level: LevelFilter = "",
        priority: PriorityFilter = "",
        department: Annotated[
            str, QueryParameter(description="Only this department.", max_length=100)
        ] = "",
        assignee: Annotated[
            str, QueryParameter(description="Only this agent's.", max_length=100)
        ] = "",
        sla: SlaFilter = "",
        failure_id: Annotated[
            str,
            QueryParameter(description="Only tickets linked to this outage.", max_length=100),
        ] = "",
        limit: Annotated[
            int, QueryParameter(ge=1, le=MAX_TICKET_LIST, description="At most.")
        ] = 50,
    ) -> TicketListOut:
        """Tickets matching every filter given, newest opened first (an agent sees their
        departments' only)."""
        where = TicketFilter(
            status=_read(status, TicketStatus, "status"),
            level=_read(level, SupportLevel, "level"),
            priority=_read(priority, Priority, "priority"),
            department=department or None,
            assignee=assignee or None,
            sla=_read(sla, SlaState, "sla"),
            failure_id=failure_id or None,
        )
        found = await services.desk.list(where, limit=limit, viewer=request.user)
        return TicketListOut.of(found, tz)

    @get("/{ticket_id:str}", summary="Get a ticket", responses=problem_responses(401, 403, 404))
    async def get_ticket(
        self, ticket_id: FromPath[str], request: AuthRequest, services: ServicesDep, tz: TzDep
    ) -> TicketOut:
        """One ticket with its timeline and both SLA clocks, read now."""
        return TicketOut.of_view(await services.desk.show(ticket_id, viewer=request.user), tz)

    @post(
        "/{ticket_id:str}/escalate",
        status_code=200,
        summary="Escalate a ticket",
        responses=_ACTION_ERRORS,
    )
    async def escalate_ticket(
        self,
        ticket_id: FromPath[str],
        data: JSONBody[EscalateIn],
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
        if_match: IfMatch = "",
    ) -> TicketOut:
        """Up one level (or to `to`) with a reason; 409 "already at N3" at the top."""
        return await _act(services, request, tz, ticket_id, data.to_command(), if_match)

    @post(
        "/{ticket_id:str}/deescalate",
        status_code=200,
        summary="De-escalate a ticket",
        responses=_ACTION_ERRORS,
    )
    async def deescalate_ticket(
        self,
        ticket_id: FromPath[str],
        data: JSONBody[DeescalateIn],
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
        if_match: IfMatch = "",
    ) -> TicketOut:
        """Down one level (or to `to`) with a reason; 409 at N1."""
        return await _act(services, request, tz, ticket_id, data.to_command(), if_match)

    @post(
        "/{ticket_id:str}/reassign",
        status_code=200,
        summary="Reassign a ticket",
        responses=_ACTION_ERRORS,
    )
    async def reassign_ticket(
        self,
        ticket_id: FromPath[str],
        data: JSONBody[ReassignIn],
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
        if_match: IfMatch = "",
    ) -> TicketOut:
        """Change department, agent, level or severity, with a reason; 409 if nothing changes."""
        return await _act(services, request, tz, ticket_id, data.to_command(), if_match)

    @post(
        "/{ticket_id:str}/priority",
        status_code=200,
        summary="Set a ticket's priority",
        responses=_ACTION_ERRORS,
    )
    async def set_ticket_priority(
        self,
        ticket_id: FromPath[str],
        data: JSONBody[PriorityIn],
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
        if_match: IfMatch = "",
    ) -> TicketOut:
        """Set low, medium, high or urgent, with a reason."""
        return await _act(services, request, tz, ticket_id, data.to_command(), if_match)

    @post(
        "/{ticket_id:str}/wait",
        status_code=200,
        summary="Wait on the customer",
        responses=_ACTION_ERRORS,
    )
    async def wait_ticket(
        self,
        ticket_id: FromPath[str],
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
        if_match: IfMatch = "",
        data: JSONBody[WaitIn | None] = None,
    ) -> TicketOut:
        """Open → waiting on the customer: both SLA clocks pause."""
        command = (data or WaitIn()).to_command()
        return await _act(services, request, tz, ticket_id, command, if_match)

    @post(
        "/{ticket_id:str}/unwait",
        status_code=200,
        summary="Stop waiting on the customer",
        responses=_ACTION_ERRORS,
    )
    async def unwait_ticket(
        self,
        ticket_id: FromPath[str],
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
        if_match: IfMatch = "",
    ) -> TicketOut:
        """Waiting on the customer → open: the clocks run again."""
        return await _act(services, request, tz, ticket_id, UNWAIT, if_match)

    @post(
        "/{ticket_id:str}/resolve",
        status_code=200,
        summary="Resolve a ticket",
        responses=_ACTION_ERRORS,
    )
    async def resolve_ticket(
        self,
        ticket_id: FromPath[str],
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
        if_match: IfMatch = "",
        data: JSONBody[ResolveTicketIn | None] = None,
    ) -> TicketOut:
        """Open or waiting → resolved: both clocks stop, hit or miss recorded."""
        command = (data or ResolveTicketIn()).to_command()
        return await _act(services, request, tz, ticket_id, command, if_match)

    @post(
        "/{ticket_id:str}/reopen",
        status_code=200,
        summary="Reopen a ticket",
        responses=_ACTION_ERRORS,
    )
    async def reopen_ticket(
        self,
        ticket_id: FromPath[str],
        data: JSONBody[ReasonIn],
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
        if_match: IfMatch = "",
    ) -> TicketOut:
        """Resolved → open, with a reason: the clocks re-arm."""
        return await _act(services, request, tz, ticket_id, data.to_reopen(), if_match)

    @post(
        "/{ticket_id:str}/notes",
        status_code=201,
        summary="Add a private note",
        responses=_ACTION_ERRORS,
    )
    async def add_ticket_note(
        self,
        ticket_id: FromPath[str],
        data: JSONBody[NoteIn],
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
        if_match: IfMatch = "",
    ) -> TicketOut:
        """A private note on the timeline (allowed on any ticket, even resolved or closed)."""
        return await _act(services, request, tz, ticket_id, data.to_command(), if_match)
