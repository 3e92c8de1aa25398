"""`lia nps`: survey answers (list, show) and the follow-up of detractors (list, take, resolve)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING

import click

from lia_core.domain.activity import Actor
from lia_core.domain.feedback import Feedback
from lia_core.services import ListFeedback, ListFollowUps
from lia_core.services.feedback import DEFAULT_FEEDBACK_LIMIT
from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._errors import InvalidInputError
from lia_entrypoints.cli._options import json_option
from lia_entrypoints.cli.output import emit_json, local_time, table
from lia_entrypoints.delivery_text import mask_phone
from lia_entrypoints.schemas.nps import FeedbackOut

if TYPE_CHECKING:
    from lia_entrypoints.bootstrap import Runtime

__all__ = ["feedback_table", "nps_group"]

_LIMIT = click.option(
    "--limit",
    type=int,
    default=DEFAULT_FEEDBACK_LIMIT,
    show_default=True,
    help="At most this many answers (1-1000).",
)


def _as_option(func: click.decorators.FC) -> click.decorators.FC:
    # Not click's required=True: a missing --as is one `error:` line (exit 2), not a usage page.
    return click.option(
        "--as",
        "as_user",
        metavar="USER",
        help="The supervisor or admin acting (required).",
    )(func)


def _username(as_user: str | None) -> str:
    if as_user is None or not as_user.strip():
        raise InvalidInputError(
            "--as: the supervisor or admin acting is required",
            kind="validation_error",
            field="--as",
        )
    return as_user.strip().lower()


@click.group("nps")
def nps_group() -> None:
    """NPS answers to the survey sent after a resolution, and the follow-up of detractors."""


def feedback_table(answers: Sequence[Feedback], tz: tzinfo) -> str:
    """One row per answer, newest first."""
    rows = [
        [
            f.id,
            local_time(f.created_at, tz),
            str(f.score),
            f.category.value,
            f.agent or "-",
            f.department or "-",
            f.follow_up.status.value if f.follow_up is not None else "-",
            f.comment or "-",
        ]
        for f in answers
    ]
    headers = ["ID", "AT", "SCORE", "CATEGORY", "AGENT", "DEPARTMENT", "FOLLOW-UP", "COMMENT"]
    return table(headers, rows, widths={"ID": 40, "COMMENT": 60})


def _show(feedback: Feedback, tz: tzinfo) -> str:
    """An answer and its follow-up, one fact per line."""
    lines = [
        f"answer {feedback.id}: {feedback.score} ({feedback.category.value})",
        f"  comment: {feedback.comment or '-'}",
        f"  customer: {feedback.client_name or '-'} ({mask_phone(feedback.customer)})",
        f"  conversation: {feedback.conversation_id}"
        + (f", ticket {feedback.ticket_id}" if feedback.ticket_id else ""),
        f"  agent: {feedback.agent or '-'}, assistant: {feedback.assistant or '-'}, "
        f"department: {feedback.department or '-'}",
        f"  answered: {local_time(feedback.created_at, tz)}",
    ]
    follow_up = feedback.follow_up
    if follow_up is not None:
        lines.append(f"  follow-up: {follow_up.status.value}")
        if follow_up.handler:
            lines.append(
                f"    taken by {follow_up.handler} at {local_time(follow_up.taken_at, tz)}"
            )
        if follow_up.resolved_at:
            lines.append(
                f"    resolved by {follow_up.resolved_by} at "
                f"{local_time(follow_up.resolved_at, tz)}, handling score {follow_up.score}"
            )
        if follow_up.notes:
            lines.append(f"    notes: {follow_up.notes}")
    return "\n".join(lines)


def _emit_list(app: CliApp, answers: Sequence[Feedback], as_json: bool, empty: str) -> None:
    tz = app.settings.tz
    if as_json:
        emit_json({"items": [FeedbackOut.of(f, tz).model_dump(mode="json") for f in answers]})
    elif not answers:
        click.echo(empty)
    else:
        click.echo(feedback_table(answers, tz))


@nps_group.command("list")
@click.option("--category", metavar="C", help="Only promoter, passive or detractor answers.")
@click.option("--agent", metavar="USER", help="Only the answers about this agent.")
@click.option(
    "--since",
    metavar="WHEN",
    help="Answered at or after: 30m, 2h, 7d, 2w ago, or ISO 8601 (without an offset: "
    "$LIA_TIMEZONE).",
)
@_LIMIT
@json_option
@click.pass_obj
def list_(
    app: CliApp,
    category: str | None,
    agent: str | None,
    since: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List survey answers, newest first."""
    query = ListFeedback(category=category, agent=agent, since=since, limit=limit)
    with app.errors(as_json=as_json):
        answers = app.run(lambda rt: rt.services.nps.list(query))
        _emit_list(app, answers, as_json, "no answers match")


@nps_group.command("show")
@click.argument("feedback_id", metavar="ID")
@json_option
@click.pass_obj
def show(app: CliApp, feedback_id: str, as_json: bool) -> None:
    """One answer: score, comment, who and what it rates, its follow-up."""
    with app.errors(as_json=as_json):
        feedback = app.run(lambda rt: rt.services.nps.show(feedback_id.strip()))
        if as_json:
            emit_json(FeedbackOut.of(feedback, app.settings.tz))
        else:
            click.echo(_show(feedback, app.settings.tz))


@nps_group.group("followup")
def followup_group() -> None:
    """Detractors' follow-ups: pending → in_progress (taken) → resolved."""


@followup_group.command("list")
@click.option("--status", metavar="S", help="Only pending, in_progress or resolved ones.")
@_LIMIT
@json_option
@click.pass_obj
def followup_list(app: CliApp, status: str | None, limit: int, as_json: bool) -> None:
    """Detractors' answers with their follow-ups, newest first."""
    query = ListFollowUps(status=status, limit=limit)
    with app.errors(as_json=as_json):
        answers = app.run(lambda rt: rt.services.nps.follow_ups(query))
        _emit_list(app, answers, as_json, "no follow-ups match")


def _say(app: CliApp, feedback: Feedback, as_json: bool) -> None:
    if as_json:
        emit_json(FeedbackOut.of(feedback, app.settings.tz))
        return
    follow_up = feedback.follow_up
    assert follow_up is not None
    status = follow_up.status.value.replace("_", " ")
    click.echo(f"follow-up {feedback.id} {status}, handled by {follow_up.handler}")


@followup_group.command("take")
@click.argument("feedback_id", metavar="ID")
@click.option("--notes", metavar="TEXT", help="What you plan to do (optional).")
@_as_option
@json_option
@click.pass_obj
def followup_take(
    app: CliApp, feedback_id: str, notes: str | None, as_user: str | None, as_json: bool
) -> None:
    """Take a pending follow-up: it becomes yours (in_progress)."""
    with app.errors(as_json=as_json):
        username = _username(as_user)

        async def use(rt: Runtime) -> Feedback:
            user = await rt.services.get_user(username)
            actor = Actor(name=user.username)
            return await rt.services.nps.take(
                feedback_id.strip(), by=user, actor=actor, notes=notes
            )

        _say(app, app.run(use), as_json)


@followup_group.command("resolve")
@click.argument("feedback_id", metavar="ID")
@click.option("--notes", metavar="TEXT", help="What was done (required).")
@click.option("--score", type=int, metavar="1-5", help="The handling score, 1 to 5 (required).")
@_as_option
@json_option
@click.pass_obj
def followup_resolve(
    app: CliApp,
    feedback_id: str,
    notes: str | None,
    score: int | None,
    as_user: str | None,
    as_json: bool,
) -> None:
    """Resolve a follow-up in progress with notes and a handling score."""
    with app.errors(as_json=as_json):
        username = _username(as_user)
        if notes is None or not notes.strip():
            raise InvalidInputError(
                "--notes: what was done is required", kind="validation_error", field="--notes"
            )
        if score is None:
            raise InvalidInputError(
                "--score: the handling score (1-5) is required",
                kind="validation_error",
                field="--score",
            )

        async def use(rt: Runtime) -> Feedback:
            user = await rt.services.get_user(username)
            return await rt.services.nps.resolve(
                feedback_id.strip(),
                by=user,
                actor=Actor(name=user.username),
                notes=notes,
                score=score,
            )

        _say(app, app.run(use), as_json)
