"""Evolution API receipts (v1 and v2), ignored updates and malformed bodies."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lia_adapters.webhooks import MalformedWebhook, parse_evolution_webhook
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import MessageKind, MessageStatus

from . import evolution_payloads as e


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("PENDING", MessageStatus.PENDING),
        ("SERVER_ACK", MessageStatus.SENT),
        ("DELIVERY_ACK", MessageStatus.DELIVERED),
        ("READ", MessageStatus.READ),
        ("PLAYED", MessageStatus.READ),
        ("ERROR", MessageStatus.FAILED),
    ],
)
def test_v2_status_updates(status: str, expected: MessageStatus) -> None:
    """v2 receipts map Baileys statuses and use keyId (not Evolution's messageId) as the provider id."""
    received = datetime(2026, 6, 6, 16, 31, 40, tzinfo=UTC)
    batch = parse_evolution_webhook(e.update_v2(status), received_at=received)
    (update,) = batch.statuses
    assert update.channel is Channel.EVOLUTION
    assert update.provider_message_id == "BAE594145F4C59B4"
    assert update.status is expected
    assert update.recipient == "553187654321"
    assert update.at == received


def test_v2_status_without_received_at_falls_back_to_date_time() -> None:
    """Without a receipt time from the caller, the envelope's date_time dates the update."""
    (update,) = parse_evolution_webhook(e.update_v2("READ")).statuses
    assert update.at == datetime(2026, 6, 6, 13, 31, 37, 123000, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("DELIVERY_ACK", MessageStatus.DELIVERED),
        (3, MessageStatus.DELIVERED),
        (4, MessageStatus.READ),
        (0, MessageStatus.FAILED),
    ],
)
def test_v1_status_updates_by_name_or_number(status: object, expected: MessageStatus) -> None:
    """v1 receipts carry the key id as id, a millisecond time, and a status name or Baileys number."""
    (update,) = parse_evolution_webhook(e.update_v1(status)).statuses
    assert update.provider_message_id == "BAE594145F4C59B4"
    assert update.status is expected
    assert update.at == datetime(2026, 6, 6, 13, 31, 40, tzinfo=UTC)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (e.update_v2("READ", from_me=False), "data: receipt for a message the customer sent"),
        (e.update_v2("READ", remote_jid="120363025246125486@g.us"), "data: group chat"),
        (e.update_v1("DELETED"), "data: status 'DELETED'"),
        (e.update_v1(None), "data: update of BAE594145F4C59B4 without a status"),
    ],
)
def test_ignored_status_updates(payload: e.Json, reason: str) -> None:
    """Receipts of incoming messages, groups, deletions and status-less updates are ignored."""
    batch = parse_evolution_webhook(payload)
    assert batch.statuses == ()
    (why,) = batch.ignored
    assert why.startswith(reason)


@pytest.mark.parametrize(("payload", "field"), [("[]", "$"), ({"data": {}}, "event")])
def test_a_body_that_is_no_evolution_webhook_is_malformed(payload: object, field: str) -> None:
    """Only the envelope (an object with an event) makes a body malformed; the path is named."""
    with pytest.raises(MalformedWebhook) as info:
        parse_evolution_webhook(payload)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (e.envelope("messages.upsert", "oops"), "at data"),
        (e.envelope("messages.upsert", [e.message_v1(e.TEXT), 3]), "at data[1]"),
        (e.upsert_v2(e.TEXT) | {"data": {"message": e.TEXT}}, "at data.key"),
        (e.upsert_v2(e.TEXT, key={"id": None}), "at data.key.id"),
        (e.upsert_v2(e.TEXT, key={"remoteJid": "abc@s.whatsapp.net"}), "at data.key.remoteJid"),
        (
            e.upsert_v2(e.TEXT, key={"remoteJid": e.LID_JID, "remoteJidAlt": "x1@s.whatsapp.net"}),
            "at data.key.remoteJidAlt",
        ),
        (
            e.upsert_v2(e.TEXT)
            | {"data": e.upsert_v2(e.TEXT)["data"] | {"messageTimestamp": "later"}},
            "at data.messageTimestamp",
        ),
        (
            e.envelope("messages.update", {"remoteJid": e.PHONE_JID, "status": "READ"}),
            "at data.keyId",
        ),
        (e.update_v2("READ") | {"date_time": "yesterday"}, "at date_time"),
    ],
)
def test_an_item_that_cannot_be_read_is_skipped_and_named(payload: object, reason: str) -> None:
    """An item without identity or time is unreadable, its path named; nothing raises."""
    batch = parse_evolution_webhook(payload)
    assert batch.statuses == ()
    (why,) = batch.unreadable
    assert why.endswith(reason)
    # Only the v1 list holds a readable neighbour (data[0]), and it is stored.
    assert len(batch.messages) == (1 if reason == "at data[1]" else 0)


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ({"conversation": 42}, "expected a string at data.message.conversation"),
        (
            {"locationMessage": {"degreesLatitude": "north"}},
            "expected a number at data.message.locationMessage.degreesLatitude",
        ),
        (
            {"extendedTextMessage": "hi"},
            "expected a JSON object at data.message.extendedTextMessage",
        ),
    ],
)
def test_content_of_unexpected_shape_is_stored_as_unsupported(content: e.Json, error: str) -> None:
    """Content LIA cannot read is UNSUPPORTED, with Evolution's messageType and the reason."""
    (message,) = parse_evolution_webhook(e.upsert_v2(content)).messages
    assert message.kind is MessageKind.UNSUPPORTED
    assert message.details == {"type": "conversation", "error": error}
    assert message.provider_message_id == e.KEY_ID


def test_an_unreadable_message_time_is_the_time_of_receipt_when_given() -> None:
    """With received_at, a message whose messageTimestamp cannot be read is stored, dated on arrival."""
    now = datetime(2026, 6, 6, 13, 0, tzinfo=UTC)
    payload = e.upsert_v2(e.TEXT)
    payload["data"]["messageTimestamp"] = "later"
    (message,) = parse_evolution_webhook(payload, received_at=now).messages
    assert message.sent_at == now
