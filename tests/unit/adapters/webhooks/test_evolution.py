"""Evolution API customer messages (v1 and v2), identities and ignored items."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from lia_adapters.webhooks import parse_evolution_webhook
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import MessageKind
from lia_core.domain.recipients import Phone, ProviderIdentity

from . import evolution_payloads as e

SENT_AT = datetime(2026, 6, 6, 13, 31, 37, tzinfo=UTC)


def only_message(payload: e.Json) -> Any:
    """The single message of *payload*, nothing ignored."""
    batch = parse_evolution_webhook(payload)
    assert batch.ignored == ()
    (message,) = batch.messages
    return message


def test_v2_text_message() -> None:
    """A v2 conversation message keeps id, canonical sender, JID digits to reply to, name and time."""
    message = only_message(e.upsert_v2(e.TEXT))
    assert message.channel is Channel.EVOLUTION
    assert message.provider_message_id == e.KEY_ID
    assert message.sender == Phone("5531987654321")
    assert message.reply_to == "553187654321"
    assert message.display_name == "Maria Souza"
    assert (message.kind, message.text) == (MessageKind.TEXT, "Estou sem internet desde ontem")
    assert message.sent_at == SENT_AT


@pytest.mark.parametrize("event", ["messages.upsert", "MESSAGES_UPSERT"])
def test_v1_list_of_messages_in_either_event_spelling(event: str) -> None:
    """v1 may send a list under data, and the event may be spelled in upper snake case."""
    data = [
        e.message_v1(e.TEXT),
        e.message_v1(e.EXTENDED_TEXT, key_id="BAE5", message_type="extendedTextMessage"),
    ]
    batch = parse_evolution_webhook(e.envelope(event, data))
    assert [(m.provider_message_id, m.text) for m in batch.messages] == [
        (e.KEY_ID, "Estou sem internet desde ontem"),
        ("BAE5", "Segue o protocolo 12345"),
    ]


@pytest.mark.parametrize(
    ("content", "kind", "text", "reply_id"),
    [
        (e.EXTENDED_TEXT, MessageKind.TEXT, "Segue o protocolo 12345", None),
        (e.EPHEMERAL, MessageKind.TEXT, "mensagem temporária", None),
        (e.BUTTONS_RESPONSE, MessageKind.BUTTON_REPLY, "Sim, ainda sem sinal", "btn-sim"),
        (e.TEMPLATE_BUTTON_REPLY, MessageKind.BUTTON_REPLY, "Voltou, obrigado", "tpl-ok"),
        (e.LIST_RESPONSE, MessageKind.LIST_REPLY, "Segunda via do boleto", "row-boleto"),
    ],
)
def test_text_and_reply_kinds(
    content: e.Json, kind: MessageKind, text: str, reply_id: str | None
) -> None:
    """Extended and disappearing text, button, template-button and list replies are recognised."""
    message = only_message(e.upsert_v2(content))
    assert (message.kind, message.text, message.reply_id) == (kind, text, reply_id)


def test_location() -> None:
    """A location message keeps its coordinates, name and address."""
    message = only_message(e.upsert_v2(e.LOCATION, message_type="locationMessage"))
    assert message.kind is MessageKind.LOCATION
    assert message.details == {
        "latitude": "-19.9166813",
        "longitude": "-43.9344931",
        "name": "Praça da Liberdade",
        "address": "Funcionários, Belo Horizonte - MG",
    }


@pytest.mark.parametrize(
    ("content", "details", "caption"),
    [
        (
            e.IMAGE,
            {
                "media_type": "image",
                "mime_type": "image/jpeg",
                "sha256": "n0Zwo3wQ2x8fPgBr6p1Uk3VJqQ4t0c5G9S0Wm1cYk6E=",
            },
            "Luz LOS vermelha",
        ),
        (
            e.DOCUMENT_WITH_CAPTION,
            {
                "media_type": "document",
                "mime_type": "application/pdf",
                "sha256": "q3Zb7YgS1m9rO0iKQ1f3d1zT2v0bYk9m8Fh2Q6cXw0E=",
                "filename": "comprovante.pdf",
            },
            "Paguei ontem",
        ),
        (e.AUDIO, {"media_type": "audio", "mime_type": "audio/ogg; codecs=opus"}, ""),
    ],
)
def test_media_keeps_only_metadata(content: e.Json, details: dict[str, str], caption: str) -> None:
    """Image, captioned document and voice note are MEDIA with their metadata and caption."""
    message = only_message(e.upsert_v2(content))
    assert message.kind is MessageKind.MEDIA
    assert message.details == details
    assert message.text == caption


def test_binary_fields_serialised_as_objects_are_dropped() -> None:
    """A fileSha256 Baileys serialised as a byte map is left out instead of failing the body."""
    image = copy.deepcopy(e.IMAGE)
    image["imageMessage"]["fileSha256"] = {"0": 159, "1": 70}
    assert "sha256" not in only_message(e.upsert_v2(image)).details


def test_reaction_is_kept_as_unsupported() -> None:
    """Message types LIA does not read are UNSUPPORTED, naming the Baileys type."""
    message = only_message(e.upsert_v2(e.REACTION, message_type="reactionMessage"))
    assert (message.kind, message.details) == (MessageKind.UNSUPPORTED, {"type": "reactionMessage"})


def test_protobuf_long_timestamp() -> None:
    """A messageTimestamp serialised as a protobuf Long ({low, high}) is read."""
    payload = e.upsert_v2(e.TEXT)
    payload["data"]["messageTimestamp"] = {"low": 1780752697, "high": 0, "unsigned": True}
    assert only_message(payload).sent_at == SENT_AT


def test_lid_sender_with_the_phone_in_remote_jid_alt() -> None:
    """An @lid chat whose phone Baileys knows: the contact is the phone, replies go to the @lid JID."""
    key = {"remoteJid": e.LID_JID, "remoteJidAlt": e.PHONE_JID, "addressingMode": "lid"}
    message = only_message(e.upsert_v2(e.TEXT, key=key))
    assert message.sender == Phone("5531987654321")
    assert message.reply_to == e.LID_JID


def test_lid_sender_with_the_phone_in_sender_pn() -> None:
    """Older Baileys builds put the phone JID in key.senderPn instead."""
    message = only_message(
        e.upsert_v2(e.TEXT, key={"remoteJid": e.LID_JID, "senderPn": e.PHONE_JID})
    )
    assert message.sender == Phone("5531987654321")


def test_lid_sender_without_a_phone_is_its_own_identity() -> None:
    """An @lid chat with no phone anywhere is identified and answered by the JID itself."""
    message = only_message(
        e.upsert_v2(e.TEXT, key={"remoteJid": e.LID_JID, "previousRemoteJid": e.LID_JID})
    )
    assert message.sender == ProviderIdentity(e.LID_JID)
    assert message.reply_to == e.LID_JID


def test_remote_jid_already_rewritten_by_evolution() -> None:
    """When Evolution swapped the @lid for the phone (previousRemoteJid holds the @lid), the phone is used."""
    message = only_message(e.upsert_v2(e.TEXT, key={"previousRemoteJid": e.LID_JID}))
    assert (message.sender, message.reply_to) == (Phone("5531987654321"), "553187654321")


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (e.upsert_v2(e.TEXT, key={"fromMe": True}), "data: our own message"),
        (e.upsert_v2(e.TEXT, key={"remoteJid": "120363025246125486@g.us"}), "data.key: group chat"),
        (e.upsert_v2(e.TEXT, key={"remoteJid": "status@broadcast"}), "data.key: broadcast"),
        (e.upsert_v2(e.PROTOCOL), "data: protocol message"),
        (
            e.upsert_v2({}) | {"data": e.upsert_v2({})["data"] | {"message": None}},
            "data: no message content",
        ),
        (
            e.envelope("connection.update", {"instance": "provedor-lia", "state": "open"}),
            "event 'connection.update'",
        ),
        (e.envelope("CONTACTS_UPSERT", []), "event 'CONTACTS_UPSERT'"),
    ],
)
def test_ignored_items_give_a_reason(payload: e.Json, reason: str) -> None:
    """Echoes, groups, broadcasts, protocol messages, stubs and other events are ignored, not errors."""
    batch = parse_evolution_webhook(payload)
    assert batch.messages == ()
    assert batch.statuses == ()
    (why,) = batch.ignored
    assert why.startswith(reason)
