"""``lia conversation reply|note`` (agents' messages) and ``lia template …`` (canned responses).

``--as USER`` names the staff account that writes: its role and departments decide whether
it may (an agent only in the conversations of their departments), and its name fills
``{{agent.name}}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from lia_core.domain.activity import Actor
from lia_core.domain.canned import CANNED_VARIABLES, CannedResponse
from lia_core.domain.template_parts import TemplateButton, TemplateHeader
from lia_core.services import Reply, SaveCannedResponse
from lia_core.services.canned import Preview
from lia_core.services.conversations import notes_of
from lia_core.services.replies import ReplySent
from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._errors import InvalidInputError
from lia_entrypoints.cli._options import actor_option, json_option
from lia_entrypoints.cli._template_parts import parse_button, parse_header
from lia_entrypoints.cli.conversations import conversation_group
from lia_entrypoints.cli.output import emit_json, fields, local_time, table
from lia_entrypoints.schemas.conversations import NoteOut
from lia_entrypoints.schemas.replies import PreviewOut, ReplyOut, TemplateOut

if TYPE_CHECKING:
    from lia_core.domain.tickets import Ticket
    from lia_entrypoints.bootstrap import Runtime

__all__ = ["template_group"]

_VARIABLES = ", ".join("{{" + n + "}}" for n in CANNED_VARIABLES)


def _as_option(func: click.decorators.FC) -> click.decorators.FC:
    # Not click's required=True: a missing --as is one `error:` line (exit 2), not a usage page.
    return click.option(
        "--as",
        "as_user",
        metavar="USER",
        help="The staff account writing (required): its departments decide where it may.",
    )(func)


def _username(as_user: str | None) -> str:
    if as_user is None or not as_user.strip():
        raise InvalidInputError(
            "--as: the staff account writing is required", kind="validation_error", field="--as"
        )
    return as_user.strip().lower()


@conversation_group.command("reply")
@click.argument("conversation_id", metavar="ID")
@click.option("--text", metavar="TEXT", help="Free text (refused on WhatsApp after 24 hours).")
@click.option("--template", metavar="KEY", help="A canned response, filled for this conversation.")
@click.option(
    "--idempotency-key",
    metavar="KEY",
    help="Queue this reply at most once per key: run again with the same reply, it prints the "
    "reply already queued; with another reply, it is refused.",
)
@_as_option
@json_option
@click.pass_obj
def reply(
    app: CliApp,
    conversation_id: str,
    text: str | None,
    template: str | None,
    idempotency_key: str | None,
    as_user: str | None,
    as_json: bool,
) -> None:
    """Reply to the customer through the outbox (PENDING until the provider confirms)."""
    with app.errors(as_json=as_json):
        username = _username(as_user)
        request = Reply(
            conversation_id=conversation_id.strip(),
            text=text,
            template=template,
            idempotency_key=idempotency_key,
        )

        async def use(rt: Runtime) -> ReplySent:
            author = await rt.services.get_user(username)
            return await rt.services.replies.reply(
                request, author=author, actor=Actor(name=author.username)
            )

        sent = app.run(use)
        out = ReplyOut.of(sent, app.settings.tz)
        if as_json:
            emit_json(out)
            return
        how = f" as WhatsApp template {sent.whatsapp_template}" if sent.whatsapp_template else ""
        verdict = "queued" if sent.created else "already queued under this key"
        click.echo(
            f"reply {sent.message.id} {verdict}{how} (job {sent.job.id}, status "
            f"{sent.message.status.value}): {sent.message.text}"
        )
        if sent.empty:
            click.echo(f"warning: empty in this conversation: {', '.join(sent.empty)}")


@conversation_group.command("note")
@click.argument("conversation_id", metavar="ID")
@click.option("--text", metavar="TEXT", help="The note (staff only, never sent).")
@_as_option
@json_option
@click.pass_obj
def note(
    app: CliApp, conversation_id: str, text: str | None, as_user: str | None, as_json: bool
) -> None:
    """Add a private note on the conversation's open ticket; never sent to the customer."""
    with app.errors(as_json=as_json):
        username = _username(as_user)
        cid = conversation_id.strip()

        async def use(rt: Runtime) -> Ticket:
            author = await rt.services.get_user(username)
            return await rt.services.replies.note(
                cid, text or "", author=author, actor=Actor(name=author.username)
            )

        out = NoteOut.of(cid, notes_of(app.run(use))[-1], app.settings.tz)
        if as_json:
            emit_json(out)
        else:
            click.echo(f"note added to ticket {out.ticket_id} of conversation {cid}")


@click.group("template")
def template_group() -> None:
    """Canned responses agents reply with (variables: {{contact.name}}, {{agent.name}}, …)."""


def _header_shown(out: TemplateOut) -> str:
    header = out.whatsapp_header
    if header is None:
        return "-"
    named = f" ({header.filename})" if header.filename else ""
    return f"{header.type}:{header.value}{named}"


def _show(response: CannedResponse, app: CliApp, as_json: bool, headline: str = "") -> None:
    out = TemplateOut.of(response, app.settings.tz)
    if as_json:
        emit_json(out)
        return
    if headline:
        click.echo(headline)
    click.echo(
        fields(
            [
                ("Key", out.key),
                ("Title", out.title),
                ("Variables", ", ".join(out.variables) or "-"),
                ("WhatsApp template", out.whatsapp_template or "-"),
                ("Language", out.whatsapp_language),
                ("Header", _header_shown(out)),
                (
                    "Buttons",
                    "  ".join(f"{b.type}:{b.index}:{b.value}" for b in out.whatsapp_buttons) or "-",
                ),
                ("Version", str(out.version)),
                (
                    "Updated",
                    f"{local_time(response.updated_at, app.settings.tz)} by {out.updated_by}",
                ),
            ]
        )
    )
    click.echo("")
    click.echo(out.body)


def _header(raw: str | None, filename: str | None) -> TemplateHeader | None:
    return parse_header(
        raw, filename, flag="--whatsapp-header", filename_flag="--whatsapp-header-filename"
    )


def _buttons(raw: tuple[str, ...]) -> tuple[TemplateButton, ...]:
    return tuple(parse_button(b, flag="--whatsapp-button") for b in raw)


def _whatsapp_parts_options(func: click.decorators.FC) -> click.decorators.FC:
    """``--whatsapp-header``, ``--whatsapp-header-filename`` and ``--whatsapp-button``: the
    approved template's parameters besides its body (`create` and `update` take the same)."""
    # click lists options in the reverse order they are applied: button first, header last,
    # so --help reads header, file name, button, as the decorators stacked on a command would.
    func = click.option(
        "--whatsapp-button",
        "whatsapp_buttons",
        multiple=True,
        metavar="KIND:INDEX:VALUE",
        help="A button parameter of the approved template: url:INDEX:URL-END or "
        "quick_reply:INDEX:PAYLOAD (variables allowed). Repeatable.",
    )(func)
    func = click.option(
        "--whatsapp-header-filename", metavar="NAME", help="A document header's file name."
    )(func)
    return click.option(
        "--whatsapp-header",
        metavar="KIND:VALUE",
        help="The approved template's header parameter: text:TEXT or image:|video:|document:"
        "HTTPS-LINK (variables allowed).",
    )(func)


_BODY_HELP = f"The text; variables: {_VARIABLES}."
_HSM_HELP = "An approved WhatsApp template sent in its place after the 24-hour window."


@template_group.command("create")
@click.argument("key")
@click.option("--title", required=True, help="What agents pick it by.")
@click.option("--body", required=True, help=_BODY_HELP)
@click.option("--whatsapp-template", metavar="NAME", help=_HSM_HELP)
@click.option("--whatsapp-language", default="pt_BR", show_default=True, help="Its language.")
@_whatsapp_parts_options
@actor_option
@json_option
@click.pass_obj
def create(
    app: CliApp,
    key: str,
    title: str,
    body: str,
    whatsapp_template: str | None,
    whatsapp_language: str,
    whatsapp_header: str | None,
    whatsapp_header_filename: str | None,
    whatsapp_buttons: tuple[str, ...],
    actor: str,
    as_json: bool,
) -> None:
    """Save a new canned response KEY (an unknown variable is refused)."""
    with app.errors(as_json=as_json):
        command = SaveCannedResponse(
            key=key,
            title=title,
            body=body,
            whatsapp_template=whatsapp_template,
            whatsapp_language=whatsapp_language,
            whatsapp_header=_header(whatsapp_header, whatsapp_header_filename),
            whatsapp_buttons=_buttons(whatsapp_buttons),
        )
        saved = app.run(lambda rt: rt.services.canned.create(command, Actor(name=actor)))
        _show(saved, app, as_json, f"template {saved.key} created")


@template_group.command("list")
@json_option
@click.pass_obj
def list_(app: CliApp, as_json: bool) -> None:
    """List canned responses by key."""
    with app.errors(as_json=as_json):
        responses = app.run(lambda rt: rt.services.canned.list())
        if as_json:
            emit_json(
                {
                    "items": [
                        TemplateOut.of(r, app.settings.tz).model_dump(mode="json")
                        for r in responses
                    ]
                }
            )
        elif not responses:
            click.echo("no templates yet: lia template create KEY --title T --body B")
        else:
            rows = [
                [
                    r.key,
                    r.title,
                    str(r.version),
                    r.whatsapp_template or "-",
                    " ".join(r.body.split()),
                ]
                for r in responses
            ]
            click.echo(
                table(
                    ["KEY", "TITLE", "VERSION", "WHATSAPP", "BODY"],
                    rows,
                    widths={"TITLE": 30, "BODY": 60},
                )
            )


@template_group.command("show")
@click.argument("key")
@json_option
@click.pass_obj
def show(app: CliApp, key: str, as_json: bool) -> None:
    """Show one canned response."""
    with app.errors(as_json=as_json):
        _show(app.run(lambda rt: rt.services.canned.get(key)), app, as_json)


@template_group.command("update")
@click.argument("key")
@click.option("--title", help="A new title.")
@click.option("--body", help=_BODY_HELP)
@click.option("--whatsapp-template", metavar="NAME", help=f"{_HSM_HELP} '' removes it.")
@click.option("--whatsapp-language", help="The approved template's language.")
@_whatsapp_parts_options
@click.option(
    "--no-whatsapp-parts",
    is_flag=True,
    help="Remove the header and button parameters (given ones replace the stored ones).",
)
@click.option("--version", "version", type=int, help="Only if it is still at this version.")
@actor_option
@json_option
@click.pass_obj
def update(
    app: CliApp,
    key: str,
    title: str | None,
    body: str | None,
    whatsapp_template: str | None,
    whatsapp_language: str | None,
    whatsapp_header: str | None,
    whatsapp_header_filename: str | None,
    whatsapp_buttons: tuple[str, ...],
    no_whatsapp_parts: bool,
    version: int | None,
    actor: str,
    as_json: bool,
) -> None:
    """Change a canned response's title, body or WhatsApp template (the rest stays)."""
    with app.errors(as_json=as_json):
        header = _header(whatsapp_header, whatsapp_header_filename)
        buttons = _buttons(whatsapp_buttons)

        async def use(rt: Runtime) -> CannedResponse:
            stored = await rt.services.canned.get(key)
            keep = not no_whatsapp_parts
            command = SaveCannedResponse(
                key=stored.key,
                title=stored.title if title is None else title,
                body=stored.body if body is None else body,
                whatsapp_template=(
                    stored.whatsapp_template if whatsapp_template is None else whatsapp_template
                ),
                whatsapp_language=whatsapp_language or stored.whatsapp_language,
                whatsapp_header=header or (stored.whatsapp_header if keep else None),
                whatsapp_buttons=buttons or (stored.whatsapp_buttons if keep else ()),
            )
            expected = stored.version if version is None else version
            return await rt.services.canned.update(
                command, Actor(name=actor), expected_version=expected
            )

        saved = app.run(use)
        _show(saved, app, as_json, f"template {saved.key} updated to version {saved.version}")


@template_group.command("delete")
@click.argument("key")
@click.option("--version", "version", type=int, help="Only if it is still at this version.")
@actor_option
@json_option
@click.pass_obj
def delete(app: CliApp, key: str, version: int | None, actor: str, as_json: bool) -> None:
    """Delete a canned response."""
    with app.errors(as_json=as_json):
        app.run(
            lambda rt: rt.services.canned.delete(key, Actor(name=actor), expected_version=version)
        )
        if as_json:
            emit_json({"deleted": key.strip().lower()})
        else:
            click.echo(f"template {key.strip().lower()} deleted")


@template_group.command("preview")
@click.argument("key")
@click.option("--conversation", "conversation_id", required=True, metavar="ID", help="Where.")
@_as_option
@json_option
@click.pass_obj
def preview(
    app: CliApp, key: str, conversation_id: str, as_user: str | None, as_json: bool
) -> None:
    """Show KEY as it would read in a conversation, and which variables would be empty."""
    with app.errors(as_json=as_json):
        username = _username(as_user)

        async def use(rt: Runtime) -> Preview:
            agent = await rt.services.get_user(username)
            return await rt.services.canned.preview(key, conversation_id.strip(), agent=agent)

        out = PreviewOut.of(app.run(use))
        if as_json:
            emit_json(out)
            return
        click.echo(out.text)
        if out.empty:
            click.echo(f"warning: empty in this conversation: {', '.join(out.empty)}")
        if out.whatsapp_template is not None:
            _echo_whatsapp_parts(out)


def _echo_whatsapp_parts(out: PreviewOut) -> None:
    """The approved template's header and button parameters as they would be sent, each
    with its empty variables (a part left blank refuses the reply after the window)."""
    click.echo(f"after the 24-hour window, as WhatsApp template {out.whatsapp_template}:")
    parts: list[tuple[str, str, str, list[str]]] = []
    if (header := out.whatsapp_header) is not None:
        named = f" ({header.filename})" if header.filename else ""
        parts.append((f"header ({header.type})", header.value, named, header.empty))
    parts += [(f"button {b.index} ({b.type})", b.value, "", b.empty) for b in out.whatsapp_buttons]
    if not parts:
        click.echo("  no header or button parameters")
    for name, value, after, empty in parts:
        click.echo(f"  {name}: {value}{after}")
        if not value.strip():
            click.echo(f"  warning: the {name} is empty here: the template would be refused")
        elif empty:
            click.echo(f"  warning: empty in the {name}: {', '.join(empty)}")
