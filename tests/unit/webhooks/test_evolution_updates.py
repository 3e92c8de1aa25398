"""Evolution API receipts (v1 and v2), ignored updates and malformed bodies."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lia_adapters.webhooks import MalformedWebhook, parse_evolution_webhook
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import MessageStatus

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


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ("[]", "$"),
        ({"data": {}}, "event"),
        (e.envelope("messages.upsert", "oops"), "data"),
        (e.envelope("messages.upsert", [e.message_v1(e.TEXT), 3]), "data[1]"),
        (e.upsert_v2(e.TEXT) | {"data": {"message": e.TEXT}}, "data.key"),
        (e.upsert_v2(e.TEXT, key={"id": None}), "data.key.id"),
        (e.upsert_v2(e.TEXT, key={"remoteJid": "abc@s.whatsapp.net"}), "data.key.remoteJid"),
        (
            e.upsert_v2(e.TEXT, key={"remoteJid": e.LID_JID, "remoteJidAlt": "x1@s.whatsapp.net"}),
            "data.key.remoteJidAlt",
        ),
        (e.upsert_v2({"conversation": 42}), "data.message.conversation"),
        (
            e.upsert_v2({"locationMessage": {"degreesLatitude": "north"}}),
            "data.message.locationMessage.degreesLatitude",
        ),
        (
            e.upsert_v2(e.TEXT)
            | {"data": e.upsert_v2(e.TEXT)["data"] | {"messageTimestamp": "later"}},
            "data.messageTimestamp",
        ),
        (e.envelope("messages.update", {"remoteJid": e.PHONE_JID, "status": "READ"}), "data.keyId"),
        (e.update_v2("READ") | {"date_time": "yesterday"}, "date_time"),
    ],
)
def test_malformed_bodies_name_the_json_path(payload: object, field: str) -> None:
    """A body of the wrong shape raises MalformedWebhook whose field is the path at fault."""
    with pytest.raises(MalformedWebhook) as info:
        parse_evolution_webhook(payload)
    assert info.value.field == field
