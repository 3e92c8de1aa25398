"""``lia ticket …``: open tickets by hand, list and show them (both SLA clocks read now), and
work them: escalate, de-escalate, reassign, priority, wait / unwait, resolve, reopen, note.

The operator at the terminal sees and may act on every ticket; ``--actor`` (default
``$LIA_ACTOR`` or the OS user) is recorded on the timeline and in the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs
import click

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
    TicketCommand,
    Unwait,
    Wait,
)
from lia_core.desk.service import MAX_TICKET_LIST, TicketView
from lia_core.domain.activity import Actor
from lia_core.domain.recipients import parse_contact
from lia_core.domain.tickets import Priority, Severity, SupportLevel, TicketStatus
from lia_core.ports.tickets import TicketFilter
from lia_core.sla.readings import SlaState
from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._errors import InvalidInputError
from lia_entrypoints.cli._options import F, default_actor, json_option
from lia_entrypoints.cli._ticket_text import ticket_details, ticket_table
from lia_entrypoints.cli.output import emit_json
from lia_entrypoints.schemas.tickets import TicketListOut, TicketOut

if TYPE_CHECKING:
    from lia_entrypoints.bootstrap import Runtime

__all__ = ["ticket_group"]


@click.group("ticket", short_help="Support tickets: open, list, show, escalate, resolve, …")
def ticket_group() -> None:
    """Support tickets: open by hand, list with filters, show the timeline and SLA clocks, work them."""


def _clean_actor(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    actor = value.strip()
    if not actor:
        raise click.BadParameter("must not be blank")
    return actor


def _actor_option(func: F) -> F:
    return click.option(
        "--actor",
        default=default_actor,
        show_default="$LIA_ACTOR or your user name",
        callback=_clean_actor,
        help="Who is doing this, recorded on the ticket's timeline and in the audit log.",
    )(func)


def _reason_option(help: str) -> Callable[[F], F]:
    # Not click's required=True: a missing reason is one `error:` line (exit 2), not a usage page.
    return click.option("--reason", metavar="TEXT", help=help)


def _need_reason(reason: str | None) -> str:
    if reason is None:
        raise InvalidInputError(
            "--reason: a reason is required", kind="validation_error", field="--reason"
        )
    return reason


def _level(value: str | None) -> SupportLevel | None:
    return None if value is None else SupportLevel(value.upper())


def _show(app: CliApp, view: TicketView, as_json: bool, headline: str) -> None:
    tz = app.settings.tz
    out = TicketOut.of_view(view, tz)
    if as_json:
        emit_json(out)
        return
    if headline:
        click.echo(headline)
    click.echo(ticket_details(out, tz))


def _act(
    app: CliApp, ticket_id: str, command: TicketCommand, actor: str, as_json: bool, done: str
) -> None:
    """Run one desk command as *actor*, then print the ticket as it now stands."""
    who = Actor(name=actor)

    async def use(rt: Runtime) -> TicketView:
        await rt.services.desk.act(ticket_id, command, who)
        return await rt.services.desk.show(ticket_id)

    view = app.run(use)
    _show(app, view, as_json, f"ticket {ticket_id} {done}")


_PRIORITIES = [p.value for p in Priority]
_SEVERITIES = [s.value for s in Severity]
_LEVELS = [level.value for level in SupportLevel]


@ticket_group.command("open")
@click.option("--phone", required=True, help="The customer's phone (Brazilian unless +CC).")
@click.option("--subject", required=True, help="What the ticket is about, in a line.")
@click.option("--priority", type=click.Choice(_PRIORITIES), help="Default: the desk's.")
@click.option("--severity", type=click.Choice(_SEVERITIES), help="Default: the desk's.")
@click.option("--department", help="The department that holds it. Default: the desk's.")
@click.option("--failure", "failure_id", metavar="ID", help="The outage it is about, if any.")
@click.option("--vip", is_flag=True, help="The customer is a VIP.")
@_actor_option
@json_option
@click.pass_obj
def open_(
    app: CliApp,
    phone: str,
    subject: str,
    priority: str | None,
    severity: str | None,
    department: str | None,
    failure_id: str | None,
    vip: bool,
    actor: str,
    as_json: bool,
) -> None:
    """Open a ticket by hand for a customer (refused if their conversation already has one)."""
    with app.errors(as_json=as_json):
        request = OpenTicket(
            contact=parse_contact(phone, field="phone"),
            subject=subject,
            failure_id=failure_id,
            vip=vip,
        )
        # Omitted options keep the core's defaults, stated once there.
        if priority is not None:
            request = attrs.evolve(request, priority=Priority(priority))
        if severity is not None:
            request = attrs.evolve(request, severity=Severity(severity))
        if department is not None:
            request = attrs.evolve(request, department=department)
        who = Actor(name=actor)

        async def use(rt: Runtime) -> TicketView:
            ticket = await rt.services.desk.open(request, who)
            return await rt.services.desk.show(ticket.id)

        view = app.run(use)
        _show(app, view, as_json, f"opened ticket {view.ticket.id}")


@ticket_group.command("list")
@click.option("--status", type=click.Choice([s.value for s in TicketStatus]), help="Only this.")
@click.option("--level", type=click.Choice(_LEVELS, case_sensitive=False), help="Only this.")
@click.option("--priority", type=click.Choice(_PRIORITIES), help="Only this.")
@click.option("--department", help="Only this department's.")
@click.option("--assignee", metavar="USER", help="Only this agent's.")
@click.option("--sla", type=click.Choice([s.value for s in SlaState]), help="Only this SLA state.")
@click.option("--failure", "failure_id", metavar="ID", help="Only tickets linked to this outage.")
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_TICKET_LIST),
    default=50,
    show_default=True,
    help="At most this many.",
)
@json_option
@click.pass_obj
def list_(
    app: CliApp,
    status: str | None,
    level: str | None,
    priority: str | None,
    department: str | None,
    assignee: str | None,
    sla: str | None,
    failure_id: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List tickets matching every filter given, newest opened first."""
    with app.errors(as_json=as_json):
        where = TicketFilter(
            status=None if status is None else TicketStatus(status),
            level=_level(level),
            priority=None if priority is None else Priority(priority),
            department=department or None,
            assignee=assignee or None,
            sla=None if sla is None else SlaState(sla),
            failure_id=failure_id or None,
        )
        found = app.run(lambda rt: rt.services.desk.list(where, limit=limit))
        tz = app.settings.tz
        listing = TicketListOut.of(found, tz)
        if as_json:
            emit_json(listing)
        else:
            click.echo(ticket_table(listing, tz))


@ticket_group.command("show")
@click.argument("ticket_id", metavar="ID")
@json_option
@click.pass_obj
def show(app: CliApp, ticket_id: str, as_json: bool) -> None:
    """Show a ticket: its state, both SLA clocks (elapsed, due, fraction, state) read now, and
    its timeline."""
    with app.errors(as_json=as_json):
        view = app.run(lambda rt: rt.services.desk.show(ticket_id))
        _show(app, view, as_json, "")


@ticket_group.command("escalate")
@click.argument("ticket_id", metavar="ID")
@click.option("--to", type=click.Choice(["N2", "N3"], case_sensitive=False), help="Default: next.")
@_reason_option("Why it goes up (required).")
@_actor_option
@json_option
@click.pass_obj
def escalate(
    app: CliApp, ticket_id: str, to: str | None, reason: str | None, actor: str, as_json: bool
) -> None:
    """Move a ticket up one level (or to --to); refused at N3 (exit 1)."""
    with app.errors(as_json=as_json):
        command = Escalate(to=_level(to), reason=_need_reason(reason))
        _act(app, ticket_id, command, actor, as_json, "escalated")


@ticket_group.command("deescalate")
@click.argument("ticket_id", metavar="ID")
@click.option("--to", type=click.Choice(["N1", "N2"], case_sensitive=False), help="Default: next.")
@_reason_option("Why it goes down (required).")
@_actor_option
@json_option
@click.pass_obj
def deescalate(
    app: CliApp, ticket_id: str, to: str | None, reason: str | None, actor: str, as_json: bool
) -> None:
    """Move a ticket down one level (or to --to); refused at N1 (exit 1)."""
    with app.errors(as_json=as_json):
        command = Deescalate(to=_level(to), reason=_need_reason(reason))
        _act(app, ticket_id, command, actor, as_json, "de-escalated")


@ticket_group.command("reassign")
@click.argument("ticket_id", metavar="ID")
@click.option("--department", help="The department that takes it.")
@click.option("--assignee", metavar="USER", help="The agent that takes it.")
@click.option("--unassign", is_flag=True, help="Back to the department's queue (no agent).")
@click.option("--level", type=click.Choice(_LEVELS, case_sensitive=False), help="A new level.")
@click.option("--severity", type=click.Choice(_SEVERITIES), help="A new severity.")
@_reason_option("Why (required).")
@_actor_option
@json_option
@click.pass_obj
def reassign(
    app: CliApp,
    ticket_id: str,
    department: str | None,
    assignee: str | None,
    unassign: bool,
    level: str | None,
    severity: str | None,
    reason: str | None,
    actor: str,
    as_json: bool,
) -> None:
    """Change a ticket's department, agent, level or severity in one step."""
    with app.errors(as_json=as_json):
        command = Reassign(
            department=department,
            assignee=None if unassign else (assignee or KEEP),
            level=_level(level),
            severity=None if severity is None else Severity(severity),
            reason=_need_reason(reason),
        )
        _act(app, ticket_id, command, actor, as_json, "reassigned")


@ticket_group.command("priority")
@click.argument("ticket_id", metavar="ID")
@click.argument(
    "priority",
    metavar="LOW|MEDIUM|HIGH|URGENT",
    type=click.Choice(_PRIORITIES, case_sensitive=False),
)
@_reason_option("Why (required).")
@_actor_option
@json_option
@click.pass_obj
def priority(
    app: CliApp, ticket_id: str, priority: str, reason: str | None, actor: str, as_json: bool
) -> None:
    """Set a ticket's priority."""
    with app.errors(as_json=as_json):
        command = SetPriority(priority=Priority(priority.lower()), reason=_need_reason(reason))
        _act(app, ticket_id, command, actor, as_json, f"priority {priority.lower()}")


@ticket_group.command("wait")
@click.argument("ticket_id", metavar="ID")
@_reason_option("What you are waiting for (optional).")
@_actor_option
@json_option
@click.pass_obj
def wait(app: CliApp, ticket_id: str, reason: str | None, actor: str, as_json: bool) -> None:
    """Wait on the customer: both SLA clocks pause."""
    with app.errors(as_json=as_json):
        _act(app, ticket_id, Wait(reason=reason), actor, as_json, "waiting on the customer")


@ticket_group.command("unwait")
@click.argument("ticket_id", metavar="ID")
@_actor_option
@json_option
@click.pass_obj
def unwait(app: CliApp, ticket_id: str, actor: str, as_json: bool) -> None:
    """Stop waiting on the customer: the clocks run again."""
    with app.errors(as_json=as_json):
        _act(app, ticket_id, Unwait(), actor, as_json, "no longer waiting")


@ticket_group.command("resolve")
@click.argument("ticket_id", metavar="ID")
@_reason_option("How it was solved (optional).")
@_actor_option
@json_option
@click.pass_obj
def resolve(app: CliApp, ticket_id: str, reason: str | None, actor: str, as_json: bool) -> None:
    """Resolve a ticket: both clocks stop and their hit or miss is recorded."""
    with app.errors(as_json=as_json):
        _act(app, ticket_id, Resolve(reason=reason), actor, as_json, "resolved")


@ticket_group.command("reopen")
@click.argument("ticket_id", metavar="ID")
@_reason_option("Why it is open again (required).")
@_actor_option
@json_option
@click.pass_obj
def reopen(app: CliApp, ticket_id: str, reason: str | None, actor: str, as_json: bool) -> None:
    """Reopen a resolved ticket: the clocks re-arm."""
    with app.errors(as_json=as_json):
        _act(app, ticket_id, Reopen(reason=_need_reason(reason)), actor, as_json, "reopened")


@ticket_group.command("note")
@click.argument("ticket_id", metavar="ID")
@click.argument("text")
@_actor_option
@json_option
@click.pass_obj
def note(app: CliApp, ticket_id: str, text: str, actor: str, as_json: bool) -> None:
    """Add a private note to a ticket's timeline (never sent to the customer)."""
    with app.errors(as_json=as_json):
        _act(app, ticket_id, Note(text=text), actor, as_json, "noted")
