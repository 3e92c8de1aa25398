"""WhatsApp Cloud API customer messages, every kind and identity, become InboundMessages."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from lia_adapters.webhooks import parse_cloud_api_webhook
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import MessageKind
from lia_core.domain.recipients import Phone, ProviderIdentity

from . import cloud_payloads as p


def only_message(value: p.Json) -> Any:
    """The single message of a body holding *value*."""
    batch = parse_cloud_api_webhook(p.body(p.change(value)))
    assert batch.statuses == ()
    assert batch.ignored == ()
    (message,) = batch.messages
    return message


def test_text_message_from_the_reference_example() -> None:
    """Meta's documented text message keeps its id, sender, name, text and time."""
    message = only_message(p.TEXT)
    assert message.channel is Channel.WHATSAPP
    assert message.provider_message_id == p.WAMID
    assert message.sender == Phone("16505551234")
    assert message.reply_to == "16505551234"
    assert message.display_name == "Sheena Nelson"
    assert message.kind is MessageKind.TEXT
    assert message.text == "Does it come in another color?"
    assert message.sent_at == datetime(2025, 6, 8, 20, 59, 43, tzinfo=UTC)


def test_brazilian_sender_gets_the_ninth_digit_but_replies_go_where_meta_said() -> None:
    """An old-format Brazilian WhatsApp id is the contact 55DD9…, while reply_to stays as given."""
    message = only_message(
        p.incoming(p.TEXT["messages"][0] | {"from": "553187654321"}, wa_id="553187654321")
    )
    assert message.sender == Phone("5531987654321")
    assert message.reply_to == "553187654321"
    assert message.display_name == "Sheena Nelson"


def test_interactive_button_reply() -> None:
    """A reply button is a BUTTON_REPLY with the button's id and title."""
    message = only_message(p.BUTTON_REPLY)
    assert (message.kind, message.reply_id, message.text) == (
        MessageKind.BUTTON_REPLY,
        "unsubscribe-yes",
        "Yes, unsubscribe",
    )


def test_interactive_list_reply() -> None:
    """A chosen list row is a LIST_REPLY with the row's id and title."""
    message = only_message(p.LIST_REPLY)
    assert (message.kind, message.reply_id, message.text) == (
        MessageKind.LIST_REPLY,
        "priority_express",
        "Priority Mail Express",
    )


def test_template_quick_reply_button() -> None:
    """A template quick-reply is a BUTTON_REPLY whose id is the payload."""
    message = only_message(p.QUICK_REPLY)
    assert (message.kind, message.reply_id, message.text) == (
        MessageKind.BUTTON_REPLY,
        "Unsubscribe from Promos",
        "Unsubscribe from Promos",
    )


def test_location_keeps_coordinates_name_and_address() -> None:
    """A location pin's coordinates, name and address land in details."""
    message = only_message(p.LOCATION)
    assert message.kind is MessageKind.LOCATION
    assert message.details == {
        "latitude": "40.782910059774",
        "longitude": "-73.959075808525",
        "name": "Solomon R. Guggenheim Museum",
        "address": "1071 5th Ave, New York, NY 10128",
    }


@pytest.mark.parametrize(
    ("value", "details", "caption"),
    [
        (
            p.IMAGE,
            {
                "media_type": "image",
                "media_id": "1003383421387256",
                "mime_type": "image/jpeg",
                "sha256": "SfInY0gHQ5ZK2hGz7Nw+3NFJvZNBGRQ3Bd2KqGtq/4g=",
            },
            "Roteador piscando vermelho",
        ),
        (
            p.DOCUMENT,
            {
                "media_type": "document",
                "media_id": "1003383421387257",
                "mime_type": "application/pdf",
                "sha256": "Vn3TqLPb3mNs1JO/RDZn2DKu0XzVFx5W1lEhqOnlXtU=",
                "filename": "fatura-2026-05.pdf",
            },
            "Fatura de maio",
        ),
        (
            p.AUDIO,
            {
                "media_type": "audio",
                "media_id": "1003383421387258",
                "mime_type": "audio/ogg; codecs=opus",
                "sha256": "XJ5xD2a0pSFFaQSF6CvCZXyGZ3w2hSDYC/rW0SjHC9w=",
            },
            "",
        ),
        (
            p.STICKER,
            {
                "media_type": "sticker",
                "media_id": "1003383421387259",
                "mime_type": "image/webp",
                "sha256": "abc=",
            },
            "",
        ),
    ],
)
def test_media_keeps_only_metadata(value: p.Json, details: dict[str, str], caption: str) -> None:
    """Image, document, audio and sticker messages are MEDIA with their metadata and caption."""
    message = only_message(value)
    assert message.kind is MessageKind.MEDIA
    assert message.details == details
    assert message.text == caption


def test_video_is_media_too() -> None:
    """A video message is MEDIA named video."""
    video = p.incoming(
        {"type": "video", "video": {"mime_type": "video/mp4", "id": "77", "caption": "olha"}}
    )
    message = only_message(video)
    assert message.details == {"media_type": "video", "media_id": "77", "mime_type": "video/mp4"}
    assert message.text == "olha"


@pytest.mark.parametrize(
    ("value", "kind"), [(p.UNSUPPORTED, "unsupported"), (p.REACTION, "reaction")]
)
def test_unreadable_types_are_kept_as_unsupported(value: p.Json, kind: str) -> None:
    """Unsupported and reaction messages are kept (a customer did write) as UNSUPPORTED."""
    message = only_message(value)
    assert message.kind is MessageKind.UNSUPPORTED
    assert message.details == {"type": kind}


def test_other_interactive_replies_are_unsupported() -> None:
    """A Flow response (nfm_reply) is UNSUPPORTED, naming the interactive type."""
    flow = p.incoming(
        {
            "type": "interactive",
            "interactive": {
                "type": "nfm_reply",
                "nfm_reply": {"name": "flow", "response_json": "{}"},
            },
        }
    )
    assert only_message(flow).details == {"type": "interactive.nfm_reply"}


def test_user_with_a_username_is_known_by_the_business_scoped_id() -> None:
    """Without a phone, the business-scoped user id is both sender and reply address."""
    message = only_message(p.USER_ID_ONLY)
    assert message.sender == ProviderIdentity(p.BSUID)
    assert message.reply_to == p.BSUID
    assert message.display_name == "Sheena Nelson"


def test_phone_wins_over_the_user_id_when_both_are_given() -> None:
    """With both identities, the phone is the contact and the name is matched by wa_id."""
    message = only_message(p.PHONE_AND_USER_ID)
    assert message.sender == Phone("5531987654321")
    assert message.reply_to == "553187654321"
    assert message.display_name == "Ana Lima"


def test_name_is_matched_to_the_right_contact() -> None:
    """With several contacts in one value, each message gets its own sender's name."""
    value = copy.deepcopy(p.TEXT)
    value["contacts"].append({"profile": {"name": "Outra Pessoa"}, "wa_id": "5521999990001"})
    value["messages"].append(value["messages"][0] | {"from": "5521999990001", "id": "wamid.second"})
    batch = parse_cloud_api_webhook(p.body(p.change(value)))
    assert [m.display_name for m in batch.messages] == ["Sheena Nelson", "Outra Pessoa"]
