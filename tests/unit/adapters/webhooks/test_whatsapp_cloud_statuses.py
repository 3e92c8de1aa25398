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
    ],
)
def test_a_body_that_is_no_cloud_api_webhook_is_malformed(payload: object, field: str) -> None:
    """Only the envelope (object, entry) makes a body malformed; the error names the path."""
    with pytest.raises(MalformedWebhook) as info:
        parse_cloud_api_webhook(payload)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (break_it(["messages", 0, "id"], KeyError), "at entry[0].changes[1].value.messages[0].id"),
        (
            break_it(["messages", 0, "timestamp"], "soon"),
            "at entry[0].changes[1].value.messages[0].timestamp",
        ),
        (
            break_it(["messages", 0, "from"], "not-a-phone"),
            "at entry[0].changes[1].value.messages[0].from",
        ),
        (
            break_it(["messages", 0, "from"], KeyError),
            "at entry[0].changes[1].value.messages[0].from",
        ),
        (break_it(["messages"], {"id": "x"}), "at entry[0].changes[1].value.messages"),
        (break_it(["messages", 0], "x"), "at entry[0].changes[1].value.messages[0]"),
    ],
)
def test_an_item_without_identity_is_skipped_and_named(payload: object, reason: str) -> None:
    """A message without id, sender or time is unreadable (path named); its neighbour is stored."""
    batch = parse_cloud_api_webhook(payload)
    (why,) = batch.unreadable
    assert why.endswith(reason)
    (stored,) = batch.messages
    assert stored.kind is MessageKind.TEXT


def test_an_unreadable_time_is_the_time_of_receipt_when_given() -> None:
    """With received_at, a message whose timestamp cannot be read is stored, dated on arrival."""
    now = datetime(2026, 6, 6, 13, 0, tzinfo=UTC)
    batch = parse_cloud_api_webhook(break_it(["messages", 0, "timestamp"], "soon"), received_at=now)
    assert batch.unreadable == ()
    assert [m.sent_at for m in batch.messages][1] == now


@pytest.mark.parametrize(
    ("payload", "kind", "error"),
    [
        (
            break_it(["messages", 0, "type"], 7),
            "unknown",
            "expected a non-empty string at entry[0].changes[1].value.messages[0].type",
        ),
        (
            break_it(["messages", 0, "text"], "hi"),
            "text",
            "expected a JSON object at entry[0].changes[1].value.messages[0].text",
        ),
        (
            break_it(["messages", 0], p.TEXT["messages"][0] | {"type": "interactive"}),
            "interactive",
            "expected a JSON object at entry[0].changes[1].value.messages[0].interactive",
        ),
    ],
)
def test_a_body_of_unexpected_shape_is_stored_as_unsupported(
    payload: object, kind: str, error: str
) -> None:
    """Content LIA cannot read is UNSUPPORTED, with the provider's type and the reason."""
    batch = parse_cloud_api_webhook(payload)
    assert batch.unreadable == ()
    unsupported = batch.messages[1]
    assert unsupported.kind is MessageKind.UNSUPPORTED
    assert unsupported.details == {"type": kind, "error": error}
    assert unsupported.provider_message_id == p.WAMID


def test_a_malformed_profile_only_loses_the_name() -> None:
    """A contact profile of the wrong shape gives no display name; the message is stored."""
    batch = parse_cloud_api_webhook(break_it(["contacts", 0, "profile"], "Sheena"))
    assert [m.display_name for m in batch.messages] == ["Sheena Nelson", ""]


def test_malformed_status_is_skipped_and_named() -> None:
    """A failed status whose error has no code is unreadable at that error's code."""
    value = copy.deepcopy(p.FAILED)
    del value["statuses"][0]["errors"][0]["code"]
    batch = parse_cloud_api_webhook(p.body(p.change(value), p.change(p.status("read"))))
    assert batch.unreadable == (
        "expected an error code at entry[0].changes[0].value.statuses[0].errors[0].code",
    )
    assert [s.status for s in batch.statuses] == [MessageStatus.READ]
