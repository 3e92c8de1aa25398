"""``lia contact show`` and ``lia conversation list|show``: who wrote, and what was said."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click

from lia_core.domain.conversations import ConversationStatus
from lia_core.errors import ValidationError
from lia_core.services import ListConversations
from lia_core.services.conversations import MAX_LIST
from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._conversation_text import (
    contact_details,
    conversation_details,
    conversation_table,
)
from lia_entrypoints.cli._errors import InvalidInputError
from lia_entrypoints.cli._options import json_option
from lia_entrypoints.cli.output import emit_json
from lia_entrypoints.schemas.conversations import (
    ContactDetailsOut,
    ConversationDetailsOut,
    ConversationOut,
)

__all__ = ["contact_group", "conversation_group"]


@contextlib.contextmanager
def _phone_given_as(flag: str) -> Iterator[None]:
    """Name the argument or flag a malformed phone came from (the core calls it ``phone``)."""
    try:
        yield
    except ValidationError as exc:
        if exc.field != "phone":
            raise
        raise InvalidInputError(
            f"{flag}: {exc.message}", kind="validation_error", field=flag
        ) from None


@click.group("contact")
def contact_group() -> None:
    """Contacts: the people who wrote to the ISP, their addresses and conversations."""


@contact_group.command("show")
@click.argument("phone")
@json_option
@click.pass_obj
def show_contact(app: CliApp, phone: str, as_json: bool) -> None:
    """Show the contact with PHONE (any format: '(31) 8765-4321', +5531987654321)."""
    with app.errors(as_json=as_json):
        with _phone_given_as("PHONE"):
            details = app.run(lambda rt: rt.services.get_contact(phone))
        tz = app.settings.tz
        if as_json:
            emit_json(ContactDetailsOut.of(details, tz))
        else:
            click.echo(contact_details(details, tz))


@click.group("conversation")
def conversation_group() -> None:
    """Conversations: one chat per contact and channel, who holds it, and its messages."""


@conversation_group.command("list")
@click.option(
    "--status",
    type=click.Choice([s.value for s in ConversationStatus], case_sensitive=False),
    help="Only conversations in this status.",
)
@click.option("--phone", metavar="PHONE", help="Only this contact's (any phone format).")
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_LIST),
    default=50,
    show_default=True,
    help="At most this many conversations.",
)
@json_option
@click.pass_obj
def list_(app: CliApp, status: str | None, phone: str | None, limit: int, as_json: bool) -> None:
    """List conversations, most recent message first (phones masked in the table, not in --json)."""
    with app.errors(as_json=as_json):
        query = ListConversations(
            status=ConversationStatus.parse(status) if status else None,
            phone=phone,
            limit=limit,
        )
        with _phone_given_as("--phone"):
            conversations = app.run(lambda rt: rt.services.list_conversations(query))
        tz = app.settings.tz
        if as_json:
            emit_json(
                {
                    "items": [
                        ConversationOut.of(c, tz).model_dump(mode="json") for c in conversations
                    ]
                }
            )
        elif not conversations:
            click.echo("no conversations match")
        else:
            click.echo(conversation_table(conversations, tz))


@conversation_group.command("show")
@click.argument("conversation_id", metavar="ID")
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_LIST),
    default=100,
    show_default=True,
    help="Show the last this many messages.",
)
@json_option
@click.pass_obj
def show_conversation(app: CliApp, conversation_id: str, limit: int, as_json: bool) -> None:
    """Show one conversation and its last messages, oldest first (← customer, → reply)."""
    with app.errors(as_json=as_json):
        details = app.run(
            lambda rt: rt.services.get_conversation(conversation_id.strip(), limit=limit)
        )
        tz = app.settings.tz
        if as_json:
            emit_json(ConversationDetailsOut.of(details, tz))
        else:
            click.echo(conversation_details(details, tz, limit=limit))
