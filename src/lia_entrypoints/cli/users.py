"""``lia user …``: staff accounts (ADMIN, SUPERVISOR, AGENT) and their contact fields."""

from __future__ import annotations

import sys

import click

from lia_core.domain.activity import Actor
from lia_core.domain.users import Role, User
from lia_core.services import ChangePassword, CreateUser, SetUserActive, UpdateUser
from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._options import actor_option, json_option
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
    help="At least 10 characters, not a common one; from $LIA_PASSWORD, else asked for (hidden).",
)
@actor_option
@json_option
@click.pass_obj
def create(
    app: CliApp, username: str, role: str, password: str | None, actor: str, as_json: bool
) -> None:
    """Create a staff account; the password is stored hashed (Argon2)."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    with app.errors(as_json=as_json):
        cmd = CreateUser(
            username=username, role=Role.parse(role), password=password or "", actor=actor
        )
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
                    u.full_name or "-",
                    str(u.phone) if u.phone is not None else "-",
                    "yes" if u.push_token else "no",
                    ",".join(sorted(u.departments)) or "-",
                    local_time(u.created_at, tz),
                    u.id,
                ]
                for u in users
            ]
            headers = ["USERNAME", "ROLE", "ACTIVE", "NAME", "PHONE", "PUSH", "DEPARTMENTS"]
            click.echo(table([*headers, "CREATED", "ID"], rows))


def _describe(user: User, app: CliApp) -> str:
    """The account as lines of `field: value` (never its password)."""
    lines = [
        ("username", user.username),
        ("id", user.id),
        ("role", user.role.value),
        ("active", "yes" if user.is_active else "no"),
        ("full name", user.full_name or "-"),
        ("phone", str(user.phone) if user.phone is not None else "-"),
        ("push token", user.push_token or "-"),
        ("departments", ", ".join(sorted(user.departments)) or "-"),
        ("gamification", "yes" if user.participates_in_gamification else "no"),
        ("created", local_time(user.created_at, app.settings.tz)),
    ]
    return "\n".join(f"{name}: {value}" for name, value in lines)


@user_group.command("show")
@click.argument("username")
@json_option
@click.pass_obj
def show(app: CliApp, username: str, as_json: bool) -> None:
    """Show one staff account with its contact fields."""
    with app.errors(as_json=as_json):
        user = app.run(lambda rt: rt.services.get_user(username))
        if as_json:
            emit_json(UserOut.of(user, app.settings.tz))
        else:
            click.echo(_describe(user, app))


def _departments(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> tuple[str, ...] | None:
    return None if value is None else tuple(value.split(","))


@user_group.command("update")
@click.argument("username")
@click.option("--full-name", help="The person's name; an empty value clears it.")
@click.option(
    "--phone", help="Phone for staff alerts by WhatsApp/SMS, e.g. '(21) 99999-8888'; '' clears."
)
@click.option("--push-token", help="Device token for staff alerts by push; '' clears.")
@click.option(
    "--departments",
    callback=_departments,
    help="Comma-separated departments whose tickets are theirs (replaces the list; '' clears).",
)
@click.option(
    "--gamification/--no-gamification",
    "gamification",
    default=None,
    help="Take part in the gamification ranking (--no-gamification leaves them out).",
)
@actor_option
@json_option
@click.pass_obj
def update(
    app: CliApp,
    username: str,
    full_name: str | None,
    phone: str | None,
    push_token: str | None,
    departments: tuple[str, ...] | None,
    gamification: bool | None,
    actor: str,
    as_json: bool,
) -> None:
    """Change a staff account's contact fields; options left out stay as they are."""
    with app.errors(as_json=as_json):
        cmd = UpdateUser(
            username=username,
            actor=Actor(name=actor),
            full_name=full_name,
            phone=phone,
            push_token=push_token,
            departments=departments,
            participates_in_gamification=gamification,
        )
        user = app.run(lambda rt: rt.services.update_user(cmd))
        if as_json:
            emit_json(UserOut.of(user, app.settings.tz))
        else:
            click.echo(f"updated user {user.username}")
            click.echo(_describe(user, app))


@user_group.command("password")
@click.argument("username")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the new password from the first line of standard input instead of asking.",
)
@actor_option
@json_option
@click.pass_obj
def password_(app: CliApp, username: str, password_stdin: bool, actor: str, as_json: bool) -> None:
    """Set a new password (at least 10 characters, not a common one); every token and console
    session the account had stops working."""
    if password_stdin:
        new = sys.stdin.readline().rstrip("\r\n")
    else:
        new = str(click.prompt("New password", hide_input=True, confirmation_prompt=True, err=True))
    with app.errors(as_json=as_json):
        cmd = ChangePassword(username=username, new_password=new, actor=actor)
        user = app.run(lambda rt: rt.services.change_password(cmd))
        if as_json:
            emit_json(UserOut.of(user, app.settings.tz))
        else:
            click.echo(f"password of {user.username} changed; older sign-ins are refused")


def _set_active(app: CliApp, username: str, *, active: bool, actor: str, as_json: bool) -> None:
    with app.errors(as_json=as_json):
        cmd = SetUserActive(username=username, active=active, actor=actor)
        user = app.run(lambda rt: rt.services.set_user_active(cmd))
        if as_json:
            emit_json(UserOut.of(user, app.settings.tz))
        else:
            click.echo(f"user {user.username} is {'active' if user.is_active else 'disabled'}")


@user_group.command("disable")
@click.argument("username")
@actor_option
@json_option
@click.pass_obj
def disable(app: CliApp, username: str, actor: str, as_json: bool) -> None:
    """Disable an account: it cannot sign in, and its tokens and sessions are refused at once."""
    _set_active(app, username, active=False, actor=actor, as_json=as_json)


@user_group.command("enable")
@click.argument("username")
@actor_option
@json_option
@click.pass_obj
def enable(app: CliApp, username: str, actor: str, as_json: bool) -> None:
    """Enable a disabled account again (it signs in anew: old tokens stay refused only after a
    password change)."""
    _set_active(app, username, active=True, actor=actor, as_json=as_json)
