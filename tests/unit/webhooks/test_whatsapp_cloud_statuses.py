"""Cloud API receipts, several entries and changes per body, ignored fields, malformed bodies."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from lia_adapters.webhooks import MalformedWebhook, parse_cloud_api_webhook
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import MessageKind, MessageStatus, ReceiptError

from . import cloud_payloads as p


def test_several_entries_and_changes_in_one_body() -> None:
    """Every entry and change is read, in body order, statuses and ignored fields included."""
    first = p.body(p.change(p.TEXT), p.change(p.status("delivered")))
    second = p.body(p.change(p.LOCATION), p.ACCOUNT_UPDATE)
    payload = {"object": "whatsapp_business_account", "entry": first["entry"] + second["entry"]}
    batch = parse_cloud_api_webhook(payload)
    assert [m.kind for m in batch.messages] == [MessageKind.TEXT, MessageKind.LOCATION]
    assert [s.status for s in batch.statuses] == [MessageStatus.DELIVERED]
    assert batch.ignored == ("entry[1].changes[1]: field 'account_update' is not read",)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sent", MessageStatus.SENT),
        ("delivered", MessageStatus.DELIVERED),
        ("read", MessageStatus.READ),
        ("played", MessageStatus.READ),
    ],
)
def test_statuses_map_to_core_statuses(name: str, expected: MessageStatus) -> None:
    """sent, delivered, read (and played voice notes) map onto the core statuses."""
    batch = parse_cloud_api_webhook(p.body(p.change(p.status(name, **p.PRICING))))
    (update,) = batch.statuses
    assert update.status is expected
    assert update.channel is Channel.WHATSAPP
    assert (
        update.provider_message_id == "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3N0EyRjQ0QTJCRjg0NEMyRjUA"
    )
    assert update.recipient == "16505551234"
    assert update.at == datetime(2025, 6, 18, 16, 22, 53, tzinfo=UTC)
    assert update.error is None
    assert update.idempotency_key is None


def test_failed_status_carries_the_error_and_the_outbox_key() -> None:
    """A failure keeps errors[0] (code and title) and biz_opaque_callback_data as the idempotency key."""
    value = copy.deepcopy(p.FAILED)
    value["statuses"][0]["biz_opaque_callback_data"] = "outbox:42"
    (update,) = parse_cloud_api_webhook(p.body(p.change(value))).statuses
    assert update.status is MessageStatus.FAILED
    assert update.error == ReceiptError(code="131047", title="Re-engagement message")
    assert update.idempotency_key == "outbox:42"


def test_status_of_a_message_sent_to_a_user_id() -> None:
    """Without recipient_id, the receipt's recipient is the recipient_user_id."""
    value = p.status("delivered", recipient_user_id=p.BSUID)
    del value["statuses"][0]["recipient_id"]
    (update,) = parse_cloud_api_webhook(p.body(p.change(value))).statuses
    assert update.recipient == p.BSUID


def test_untracked_status_and_platform_errors_are_ignored_with_a_reason() -> None:
    """Statuses LIA does not track and value-level errors become log reasons, not errors."""
    batch = parse_cloud_api_webhook(
        p.body(p.change(p.status("deleted")), p.change(p.PLATFORM_ERROR))
    )
    assert batch.statuses == ()
    assert batch.ignored == (
        "entry[0].changes[0].value.statuses[0]: status 'deleted' of "
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3N0EyRjQ0QTJCRjg0NEMyRjUA is not tracked",
        "entry[0].changes[1].value.errors[0]: platform error 130429 Rate limit hit",
    )


def break_it(path: list[str | int], replacement: object) -> p.Json:
    """A two-change body whose second change has *replacement* at *path* (under the value)."""
    payload = p.body(p.change(p.TEXT), p.change(copy.deepcopy(p.TEXT)))
    node: Any = payload["entry"][0]["changes"][1]["value"]
    for step in path[:-1]:
        node = node[step]
    if replacement is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = replacement
    return payload


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ([], "$"),
        ({"object": "page", "entry": []}, "object"),
        ({"object": "whatsapp_business_account", "entry": {}}, "entry"),
        ({"object": "whatsapp_business_account"}, "entry"),
        (break_it(["messages", 0, "id"], KeyError), "entry[0].changes[1].value.messages[0].id"),
        (
            break_it(["messages", 0, "timestamp"], "soon"),
            "entry[0].changes[1].value.messages[0].timestamp",
        ),
        (
            break_it(["messages", 0, "from"], "not-a-phone"),
            "entry[0].changes[1].value.messages[0].from",
        ),
        (break_it(["messages", 0, "from"], KeyError), "entry[0].changes[1].value.messages[0].from"),
        (break_it(["messages", 0, "type"], 7), "entry[0].changes[1].value.messages[0].type"),
        (break_it(["messages", 0, "text"], "hi"), "entry[0].changes[1].value.messages[0].text"),
        (break_it(["messages"], {"id": "x"}), "entry[0].changes[1].value.messages"),
        (
            break_it(["contacts", 0, "profile"], "Sheena"),
            "entry[0].changes[1].value.contacts[0].profile",
        ),
    ],
)
def test_malformed_bodies_name_the_json_path(payload: object, field: str) -> None:
    """A body of the wrong shape raises MalformedWebhook whose field is the path at fault."""
    with pytest.raises(MalformedWebhook) as info:
        parse_cloud_api_webhook(payload)
    assert info.value.field == field


def test_malformed_status_names_its_path() -> None:
    """A failed status whose error has no code is malformed at that error's code."""
    value = copy.deepcopy(p.FAILED)
    del value["statuses"][0]["errors"][0]["code"]
    with pytest.raises(MalformedWebhook) as info:
        parse_cloud_api_webhook(p.body(p.change(value)))
    assert info.value.field == "entry[0].changes[0].value.statuses[0].errors[0].code"
