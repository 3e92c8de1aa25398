"""Provider text with NUL characters becomes storable everywhere, and the original stays recoverable."""

from __future__ import annotations

import copy
import json
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from lia_adapters.webhooks import parse_cloud_api_webhook, parse_evolution_webhook
from lia_core.domain.inbound import InboundMessage, StatusUpdate

from . import cloud_payloads as p
from . import evolution_payloads as e
from .test_properties import CLOUD_BODIES, EVOLUTION_BODIES, nodes


def strings(item: InboundMessage | StatusUpdate) -> list[str]:
    """Every text an item would write to the database."""
    found = [v for v in attrs.asdict(item, recurse=True).values() if isinstance(v, str)]
    if isinstance(item, InboundMessage):
        found += [str(item.sender), *item.details.keys(), *item.details.values()]
    elif item.error is not None:
        found += [item.error.code, item.error.title]
    return found


def test_cloud_text_and_profile_name_with_nul() -> None:
    """A WhatsApp text and profile name with NUL are stored with U+FFFD; the originals come back."""
    value = copy.deepcopy(p.TEXT)
    value["messages"][0]["text"]["body"] = "sem\x00internet"
    value["contacts"][0]["profile"]["name"] = "Maria\x00"
    (message,) = parse_cloud_api_webhook(p.body(p.change(value))).messages
    assert message.text == "sem\ufffdinternet"
    assert message.display_name == "Maria\ufffd"
    assert json.loads(message.details["original"]) == {
        "text": "sem\x00internet",
        "display_name": "Maria\x00",
    }


def test_evolution_text_push_name_and_media_details_with_nul() -> None:
    """Evolution text, pushName and media metadata with NUL are cleaned, the originals kept."""
    payload = e.upsert_v2({"imageMessage": {"caption": "foto\x00", "fileName": "a\x00.jpg"}})
    payload["data"]["pushName"] = "\x00João"
    (message,) = parse_evolution_webhook(payload).messages
    assert (message.text, message.display_name) == ("foto\ufffd", "\ufffdJoão")
    assert message.details["filename"] == "a\ufffd.jpg"
    assert json.loads(message.details["original"]) == {
        "text": "foto\x00",
        "display_name": "\x00João",
        "details.filename": "a\x00.jpg",
    }


def test_clean_messages_are_returned_as_they_are() -> None:
    """Without NUL nothing is copied and no original is recorded."""
    (message,) = parse_cloud_api_webhook(p.body(p.change(p.TEXT))).messages
    assert "original" not in message.details


@st.composite
def poisoned(draw: st.DrawFn, bodies: list[dict[str, Any]]) -> object:
    """A documented body with one string leaf (not the envelope's `object`) given NUL characters."""
    body = copy.deepcopy(draw(st.sampled_from(bodies)))
    leaves = [
        t for t in nodes(body) if t not in ((), ("object",)) and isinstance(_at(body, t), str)
    ]
    trail = draw(st.sampled_from(leaves))
    parent = _at(body, trail[:-1])
    parent[trail[-1]] = draw(st.sampled_from(["\x00", "a\x00b", ""])) + parent[trail[-1]] + "\x00"
    return body


def _at(body: Any, trail: tuple[Any, ...]) -> Any:
    for step in trail:
        body = body[step]
    return body


@given(st.one_of(poisoned(CLOUD_BODIES), poisoned(EVOLUTION_BODIES)))
def test_no_parsed_item_carries_a_nul(payload: Any) -> None:
    """Wherever a provider puts NUL, no message or receipt handed to storage contains one."""
    parse = parse_cloud_api_webhook if "object" in payload else parse_evolution_webhook
    batch = parse(payload)
    items: list[InboundMessage | StatusUpdate] = [*batch.messages, *batch.statuses]
    for item in items:
        assert not any("\x00" in text for text in strings(item))
