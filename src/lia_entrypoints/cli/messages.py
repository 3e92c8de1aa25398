"""``lia message send``: queue one message in the outbox; the worker delivers it."""

from __future__ import annotations

import click

from lia_core.domain.delivery import Channel, MessageContent
from lia_core.domain.template_parts import TemplateButton, TemplateHeader
from lia_core.errors import ValidationError
from lia_core.services import EnqueueMessage
from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._options import json_option
from lia_entrypoints.cli._template_parts import parse_button, parse_header
from lia_entrypoints.cli.output import emit_json
from lia_entrypoints.schemas.delivery import EnqueueOut

__all__ = ["message_group"]

CHANNELS = [c.value for c in Channel]


@click.group("message")
def message_group() -> None:
    """Send messages to customers through the outbox (the worker delivers them)."""


def _content(
    text: str | None,
    template: str | None,
    params: tuple[str, ...],
    header: TemplateHeader | None = None,
    buttons: tuple[TemplateButton, ...] = (),
) -> MessageContent:
    if params and not template:
        raise ValidationError("parameters need a template", field="params")
    if (header is not None or buttons) and not template:
        field = "--header" if header is not None else "--button"
        raise ValidationError("header and button parameters need --template", field=field)
    return MessageContent(
        text=text, template=template, params=params, header=header, buttons=buttons
    )


@message_group.command("send")
@click.option(
    "--channel",
    required=True,
    type=click.Choice(CHANNELS, case_sensitive=False),
    help="Channel to send on; sandbox only records the message.",
)
@click.option(
    "--to", "recipient", required=True, help="Phone number (E.164) or, for push, device token."
)
@click.option("--text", help="Message text (needed unless --template is given).")
@click.option("--template", metavar="NAME", help="Approved template to send (WhatsApp).")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="VALUE",
    help="A template parameter, in order. Repeatable; needs --template.",
)
@click.option(
    "--header",
    metavar="KIND:VALUE",
    help="The template header's parameter: text:TEXT, or image:|video:|document:HTTPS-LINK.",
)
@click.option("--header-filename", metavar="NAME", help="A document header's file name, as shown.")
@click.option(
    "--button",
    "buttons",
    multiple=True,
    metavar="KIND:INDEX:VALUE",
    help="A template button's parameter: url:INDEX:URL-END or quick_reply:INDEX:PAYLOAD "
    "(INDEX from 0, as approved). Repeatable.",
)
@click.option(
    "--idempotency-key",
    metavar="KEY",
    help="Queue at most one message per key; repeating it returns the job already queued.",
)
@json_option
@click.pass_obj
def send(
    app: CliApp,
    channel: str,
    recipient: str,
    text: str | None,
    template: str | None,
    params: tuple[str, ...],
    header: str | None,
    header_filename: str | None,
    buttons: tuple[str, ...],
    idempotency_key: str | None,
    as_json: bool,
) -> None:
    """Queue a message and print its job id (run `lia worker` to deliver it)."""
    with app.errors(as_json=as_json):
        content = _content(
            text,
            template,
            params,
            parse_header(
                header, header_filename, flag="--header", filename_flag="--header-filename"
            ),
            tuple(parse_button(b, flag="--button") for b in buttons),
        )
        cmd = EnqueueMessage(
            channel=Channel.parse(channel),
            recipient=recipient,
            content=content,
            idempotency_key=idempotency_key or None,
        )
        result = app.run(lambda rt: rt.services.enqueue_message(cmd))
        if as_json:
            emit_json(EnqueueOut.of(result, app.settings.tz))
            return
        job = result.job
        verdict = "queued" if result.created else "already queued"
        click.echo(f"{verdict}: job {job.id} ({job.job_name} on {job.channel}, {job.status})")
