"""``lia agent …``, ``lia queue list`` and ``lia conversation claim|release|transfer|assign``."""

from __future__ import annotations

import click

from lia_core.assignment import Assign, Claim, Release, SetAgent, Transfer
from lia_core.domain.activity import Actor
from lia_core.domain.agents import Presence
from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._options import default_actor, json_option
from lia_entrypoints.cli.conversations import conversation_group
from lia_entrypoints.cli.output import emit_json, table
from lia_entrypoints.schemas.assignment import AgentOut, AssignmentOut, QueueOut

__all__ = ["agent_group", "queue_group"]


def _names(raw: str | None) -> tuple[str, ...] | None:
    return None if raw is None else tuple(n for n in raw.split(",") if n.strip())


@click.group("agent")
def agent_group() -> None:
    """Agents: departments, skills, capacity and presence."""


@agent_group.command("list")
@json_option
@click.pass_obj
def agent_list(app: CliApp, as_json: bool) -> None:
    """Every active account as an agent: presence now, load against capacity, offer counters."""
    with app.errors(as_json=as_json):
        views = app.run(lambda rt: rt.services.agents.list())
        rows = [AgentOut.of(v, app.settings.tz) for v in views]
        if as_json:
            emit_json({"items": [r.model_dump(mode="json") for r in rows]})
            return
        click.echo(
            table(
                [
                    "USERNAME",
                    "ROLE",
                    "PRESENCE",
                    "LOAD",
                    "DEPARTMENTS",
                    "SKILLS",
                    "OFFERS (ok/no/late)",
                ],
                [
                    [
                        r.username,
                        r.role,
                        r.presence.value + ("" if r.auto_offline else " (stays)"),
                        f"{r.load}/{r.capacity}",
                        ",".join(r.departments) or "-",
                        ",".join(r.skills) or "-",
                        f"{r.offers_offered} ({r.offers_accepted}/{r.offers_rejected}/{r.offers_timed_out})",
                    ]
                    for r in rows
                ],
            )
        )


@agent_group.command("set")
@click.argument("username")
@click.option("--capacity", type=int, help="Conversations held at once (0-100).")
@click.option("--departments", help="Comma-separated departments (replaces the list; '' clears).")
@click.option("--skills", help="Comma-separated skills (replaces the list; '' clears).")
@click.option(
    "--status",
    type=click.Choice([p.value for p in Presence], case_sensitive=False),
    help="Presence: only online agents are offered conversations.",
)
@click.option(
    "--auto-offline/--no-auto-offline",
    default=None,
    help="Count as offline when not heard from for the time limit (off for mobile agents).",
)
@click.option("--actor", default=default_actor, help="Who is doing this (the audit log).")
@json_option
@click.pass_obj
def agent_set(
    app: CliApp,
    username: str,
    capacity: int | None,
    departments: str | None,
    skills: str | None,
    status: str | None,
    auto_offline: bool | None,
    actor: str,
    as_json: bool,
) -> None:
    """Change an agent's profile; options left out stay as they are."""
    with app.errors(as_json=as_json):
        cmd = SetAgent(
            username=username,
            actor=Actor(name=actor),
            capacity=capacity,
            departments=_names(departments),
            skills=_names(skills),
            status=Presence.parse(status) if status else None,
            auto_offline=auto_offline,
        )
        out = AgentOut.of(app.run(lambda rt: rt.services.agents.set(cmd)), app.settings.tz)
        if as_json:
            emit_json(out)
        else:
            click.echo(
                f"agent {out.username}: {out.presence.value}, load {out.load}/{out.capacity}"
            )


@click.group("queue")
def queue_group() -> None:
    """The department queues: Mine / Unassigned / All."""


@queue_group.command("list")
@click.option("--department", help="Only this department.")
@click.option("--as", "as_user", default=default_actor, help="Whose 'Mine' to count.")
@json_option
@click.pass_obj
def queue_list(app: CliApp, department: str | None, as_user: str, as_json: bool) -> None:
    """Each department's counts: held by you, waiting unassigned, all open."""
    with app.errors(as_json=as_json):
        counts = app.run(lambda rt: rt.services.queues.counts(as_user, department=department))
        rows = [QueueOut.of(c) for c in counts]
        if as_json:
            emit_json({"items": [r.model_dump(mode="json") for r in rows]})
        elif not rows:
            click.echo("no open conversations at the desk")
        else:
            click.echo(
                table(
                    ["DEPARTMENT", "MINE", "UNASSIGNED", "ALL"],
                    [[r.department, str(r.mine), str(r.unassigned), str(r.all)] for r in rows],
                )
            )


def _show(app: CliApp, out: AssignmentOut, as_json: bool) -> None:
    if as_json:
        emit_json(out)
    else:
        where = (
            f"held by {out.assignee} ({out.department})"
            if out.assignee
            else f"waiting in the {out.department} queue"
        )
        click.echo(f"conversation {out.conversation_id}: {out.state.value}, {where}")


_AS = click.option("--as", "as_user", required=True, help="The staff member acting.")


@conversation_group.command("claim")
@click.argument("conversation_id")
@_AS
@json_option
@click.pass_obj
def claim(app: CliApp, conversation_id: str, as_user: str, as_json: bool) -> None:
    """Take a conversation from its queue (refused if someone holds it)."""
    with app.errors(as_json=as_json):
        cmd = Claim(conversation_id=conversation_id, agent=as_user, actor=Actor(name=as_user))
        _show(
            app,
            AssignmentOut.of(app.run(lambda rt: rt.services.claims.claim(cmd)), app.settings.tz),
            as_json,
        )


@conversation_group.command("release")
@click.argument("conversation_id")
@_AS
@click.option("--reason", help="Why (recorded).")
@json_option
@click.pass_obj
def release(
    app: CliApp, conversation_id: str, as_user: str, reason: str | None, as_json: bool
) -> None:
    """Put a held conversation back in its queue."""
    with app.errors(as_json=as_json):
        cmd = Release(
            conversation_id=conversation_id, by=as_user, actor=Actor(name=as_user), reason=reason
        )
        _show(
            app,
            AssignmentOut.of(app.run(lambda rt: rt.services.claims.release(cmd)), app.settings.tz),
            as_json,
        )


@conversation_group.command("transfer")
@click.argument("conversation_id")
@_AS
@click.option("--reason", required=True, help="Why (required, recorded).")
@click.option("--to-agent", help="The agent who takes it.")
@click.option("--to-department", help="The department whose queue it joins.")
@json_option
@click.pass_obj
def transfer(
    app: CliApp,
    conversation_id: str,
    as_user: str,
    reason: str,
    to_agent: str | None,
    to_department: str | None,
    as_json: bool,
) -> None:
    """Hand a conversation to an agent or a department."""
    with app.errors(as_json=as_json):
        cmd = Transfer(
            conversation_id=conversation_id,
            by=as_user,
            actor=Actor(name=as_user),
            reason=reason,
            to_agent=to_agent,
            to_department=to_department,
        )
        _show(
            app,
            AssignmentOut.of(app.run(lambda rt: rt.services.claims.transfer(cmd)), app.settings.tz),
            as_json,
        )


@conversation_group.command("assign")
@click.argument("conversation_id")
@click.option("--agent", required=True, help="The agent who gets it.")
@_AS
@click.option("--reason", help="Why (recorded).")
@json_option
@click.pass_obj
def assign(
    app: CliApp, conversation_id: str, agent: str, as_user: str, reason: str | None, as_json: bool
) -> None:
    """A supervisor gives a conversation to an agent."""
    with app.errors(as_json=as_json):
        cmd = Assign(
            conversation_id=conversation_id,
            agent=agent,
            by=as_user,
            actor=Actor(name=as_user),
            reason=reason,
        )
        _show(
            app,
            AssignmentOut.of(app.run(lambda rt: rt.services.claims.assign(cmd)), app.settings.tz),
            as_json,
        )
