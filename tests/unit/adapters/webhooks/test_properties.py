"""Whatever JSON arrives, the parsers read it or refuse its envelope (MalformedWebhook): nothing else."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lia_adapters.webhooks import (
    MalformedWebhook,
    WebhookBatch,
    parse_cloud_api_webhook,
    parse_evolution_webhook,
)
from lia_core.domain.recipients import Phone

from . import cloud_payloads as p
from . import evolution_payloads as e

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["", "0", "1749416383", "553187654321", "x@lid", "a@g.us", "text", "image"]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)

CLOUD_BODIES = [
    p.body(p.change(value))
    for value in (
        p.TEXT,
        p.BUTTON_REPLY,
        p.LIST_REPLY,
        p.QUICK_REPLY,
        p.LOCATION,
        p.IMAGE,
        p.DOCUMENT,
    )
] + [
    p.body(
        p.change(p.USER_ID_ONLY), p.change(p.FAILED), p.change(p.PLATFORM_ERROR), p.ACCOUNT_UPDATE
    ),
    p.body(p.change(p.status("read", biz_opaque_callback_data="k"))),
]
EVOLUTION_BODIES = [
    e.upsert_v2(content)
    for content in (e.TEXT, e.BUTTONS_RESPONSE, e.LIST_RESPONSE, e.LOCATION, e.IMAGE, e.EPHEMERAL)
] + [
    e.upsert_v2(e.TEXT, key={"remoteJid": e.LID_JID, "remoteJidAlt": e.PHONE_JID}),
    e.envelope("messages.upsert", [e.message_v1(e.DOCUMENT_WITH_CAPTION)]),
    e.update_v2("READ"),
    e.update_v1(3),
]


def nodes(value: Any, trail: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path to every node of a JSON document, the root included."""
    found = [trail]
    if isinstance(value, dict):
        for key, item in value.items():
            found += nodes(item, (*trail, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += nodes(item, (*trail, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, bodies: list[dict[str, Any]]) -> object:
    """A documented body with one node replaced by arbitrary JSON (or removed)."""
    body = copy.deepcopy(draw(st.sampled_from(bodies)))
    trail = draw(st.sampled_from(nodes(body)))
    if not trail:
        return draw(JSON)
    parent: Any = body
    for step in trail[:-1]:
        parent = parent[step]
    if isinstance(parent, dict) and draw(st.booleans()):
        del parent[trail[-1]]
    else:
        parent[trail[-1]] = draw(JSON)
    return body


def reads_or_refuses(parse: Callable[[object], WebhookBatch], payload: object) -> None:
    """*parse* returns a batch or raises MalformedWebhook naming an envelope field.

    Below the envelope nothing refuses the body: items are stored, UNSUPPORTED or unreadable.
    """
    error: MalformedWebhook | None = None
    try:
        batch = parse(payload)
    except MalformedWebhook as exc:
        error = exc
    if error is None:
        assert isinstance(batch, WebhookBatch)
    else:
        assert error.field in ("$", "object", "entry", "event")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(JSON, mutated(CLOUD_BODIES)))
def test_cloud_parser_raises_only_malformed_webhook(payload: object) -> None:
    """Arbitrary and near-valid Cloud API bodies never raise anything but MalformedWebhook."""
    reads_or_refuses(parse_cloud_api_webhook, payload)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(JSON, mutated(EVOLUTION_BODIES)))
def test_evolution_parser_raises_only_malformed_webhook(payload: object) -> None:
    """Arbitrary and near-valid Evolution bodies never raise anything but MalformedWebhook."""
    reads_or_refuses(parse_evolution_webhook, payload)


@given(st.sampled_from(["21", "31", "41", "85"]), st.integers(60_000_000, 99_999_999))
def test_old_brazilian_whatsapp_ids_become_ninth_digit_contacts(area: str, subscriber: int) -> None:
    """Any pre-2016 mobile id (55 DD 8 digits) is the contact 55 DD 9 + 8 digits, replied to as given."""
    wa_id = f"55{area}{subscriber}"
    value = p.incoming(p.TEXT["messages"][0] | {"from": wa_id}, wa_id=wa_id)
    (message,) = parse_cloud_api_webhook(p.body(p.change(value))).messages
    assert message.sender == Phone(f"55{area}9{subscriber}")
    assert message.reply_to == wa_id
