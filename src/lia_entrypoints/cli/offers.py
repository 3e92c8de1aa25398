"""``lia offer list|accept|reject``: an agent's open offers, answered from the command line."""

from __future__ import annotations

import click

from lia_core.assignment import AnswerOffer
from lia_core.domain.activity import Actor
from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._options import json_option
from lia_entrypoints.cli.output import emit_json, local_time, table
from lia_entrypoints.schemas.assignment import OfferOut

__all__ = ["offer_group"]

_AS = click.option("--as", "as_user", required=True, help="The agent the offers were made to.")


@click.group("offer")
def offer_group() -> None:
    """Offers of conversations with a time limit (the worker makes them to online agents)."""


@offer_group.command("list")
@_AS
@json_option
@click.pass_obj
def offer_list(app: CliApp, as_user: str, as_json: bool) -> None:
    """The agent's open offers (pending, still in time), oldest first."""
    with app.errors(as_json=as_json):
        offers = app.run(lambda rt: rt.services.queues.offers(as_user))
        rows = [OfferOut.of(o, app.settings.tz) for o in offers]
        if as_json:
            emit_json({"items": [r.model_dump(mode="json") for r in rows]})
        elif not rows:
            click.echo(f"no open offers for {as_user.strip().lower()}")
        else:
            click.echo(
                table(
                    ["OFFER", "CONVERSATION", "DEPARTMENT", "EXPIRES"],
                    [
                        [
                            r.id,
                            r.conversation_id,
                            r.department,
                            local_time(r.due_at, app.settings.tz),
                        ]
                        for r in rows
                    ],
                )
            )


def _answer(app: CliApp, offer_id: str, as_user: str, *, accept: bool, as_json: bool) -> None:
    with app.errors(as_json=as_json):
        cmd = AnswerOffer(
            offer_id=offer_id.strip(), agent=as_user, accept=accept, actor=Actor(name=as_user)
        )
        out = OfferOut.of(app.run(lambda rt: rt.services.claims.answer(cmd)), app.settings.tz)
        if as_json:
            emit_json(out)
        else:
            click.echo(
                f"offer {out.id} {out.status.value}: conversation {out.conversation_id} "
                f"({out.department})"
            )


@offer_group.command("accept")
@click.argument("offer_id", metavar="ID")
@_AS
@json_option
@click.pass_obj
def offer_accept(app: CliApp, offer_id: str, as_user: str, as_json: bool) -> None:
    """Accept: the conversation becomes the agent's (refused once the offer timed out)."""
    _answer(app, offer_id, as_user, accept=True, as_json=as_json)


@offer_group.command("reject")
@click.argument("offer_id", metavar="ID")
@_AS
@json_option
@click.pass_obj
def offer_reject(app: CliApp, offer_id: str, as_user: str, as_json: bool) -> None:
    """Reject: the conversation goes to the next candidate."""
    _answer(app, offer_id, as_user, accept=False, as_json=as_json)
