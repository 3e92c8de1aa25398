"""``lia user …``: staff accounts (ADMIN, SUPERVISOR, AGENT) that log in to the HTTP API."""

from __future__ import annotations

import click

from lia_core.domain.users import Role
from lia_core.services import CreateUser
from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._options import json_option
from lia_entrypoints.cli.output import emit_json, local_time, table
from lia_entrypoints.schemas.users import UserOut

__all__ = ["user_group"]


@click.group("user")
def user_group() -> None:
    """Staff accounts and their roles."""


@user_group.command("create")
@click.option("--username", required=True, help="Login name (3-64 of a-z 0-9 . _ - @).")
@click.option(
    "--role",
    required=True,
    type=click.Choice([r.value for r in Role], case_sensitive=False),
    help="ADMIN: everything; SUPERVISOR: manages failures; AGENT: lists and checks.",
)
@click.option(
    "--password",
    envvar="LIA_PASSWORD",
    help="At least 8 characters; read from $LIA_PASSWORD, else asked for (hidden) when omitted.",
)
@json_option
@click.pass_obj
def create(app: CliApp, username: str, role: str, password: str | None, as_json: bool) -> None:
    """Create a staff account; the password is stored hashed (Argon2)."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    with app.errors(as_json=as_json):
        cmd = CreateUser(username=username, role=Role.parse(role), password=password or "")
        user = app.run(lambda rt: rt.services.create_user(cmd))
        if as_json:
            emit_json(UserOut.of(user, app.settings.tz))
        else:
            click.echo(f"created user {user.username} ({user.role}) with id {user.id}")


@user_group.command("list")
@json_option
@click.pass_obj
def list_(app: CliApp, as_json: bool) -> None:
    """List staff accounts."""
    with app.errors(as_json=as_json):
        users = app.run(lambda rt: rt.services.list_users())
        tz = app.settings.tz
        if as_json:
            emit_json({"items": [UserOut.of(u, tz).model_dump(mode="json") for u in users]})
        elif not users:
            click.echo("no users; add one with `lia user create`")
        else:
            rows = [
                [
                    u.username,
                    u.role.value,
                    "yes" if u.is_active else "no",
                    local_time(u.created_at, tz),
                    u.id,
                ]
                for u in users
            ]
            click.echo(table(["USERNAME", "ROLE", "ACTIVE", "CREATED", "ID"], rows))
