"""The log leak detector: what it must find (phones in every form LIA meets them, tokens,
credentials, secrets, customer texts) and what it must let pass (masked phones, ids,
protocol numbers, timestamps, durations)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.domain.recipients import Phone
from lia_core.testing.log_leaks import LeakDetector
from lia_core.testing.recipients import phones, typed_br_mobiles
from lia_entrypoints.delivery_text import mask_phone
from lia_entrypoints.logging import mask_phones

SECRET = "stub-token-4f8a"
SAID = "minha internet caiu de novo"


def detector() -> LeakDetector:
    """A detector that knows one secret and one customer text."""
    found = LeakDetector()
    found.add_secrets([SECRET, "abc"])
    found.add_customer_texts([SAID, "oi"])
    return found


def line(**fields: object) -> str:
    """A JSON log line as `configure_logging` renders it."""
    return json.dumps({"event": "x", "level": "info", **fields})


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (line(to="5521987654321"), "phone"),
        (line(to=5521987654321), "phone"),
        (line(event="sent to (21) 98765-4321"), "phone"),
        (line(jid="5521987654321@s.whatsapp.net"), "phone"),
        (line(to="whatsapp:+5521987654321"), "phone"),
        (line(to="+1 415 555 2671"), "phone"),
        (line(rows=[{"phone": "021 98765 4321"}]), "phone"),
        ("POST /x to 21.98765.4321 failed", "phone"),
        (line(auth="eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbmEifQ.c2ln"), "jwt"),
        (line(event="header Authorization: Bearer abcdefghij123"), "bearer"),
        (line(event="Basic dXNlcjpwYXNzd29yZA=="), "bearer"),
        (line(event="GET https://graph.example/v21.0/me?access_token=EAAGxyz"), "url-credential"),
        (line(url="https://h/x?a=1&api_key=k123"), "url-credential"),
        (line(url="postgresql://lia:pw123@db/lia"), "url-credential"),
        (line(error=f"401 with {SECRET}"), "secret"),
        (line(text=SAID), "customer-text"),
        (line(error=f"bad body {{'text': '{SAID}'}}"), "customer-text"),
    ],
)
def test_finds_each_kind_of_leak(text: str, kind: str) -> None:
    """Each forbidden thing is found, named, and cut out of the line shown."""
    leak = detector().find(text)
    assert leak is not None
    assert leak.kind == kind
    assert f"<{kind}>" in leak.line


@pytest.mark.parametrize(
    "text",
    [
        line(to="5521*******21"),
        line(to="5521*****4321"),
        line(to="(21) 9****-4321"),
        line(url="/v21.0/1234****90/messages"),
        line(ticket="TK-000012345", protocol="202612060001"),
        line(job_id="1b70a790-9cc7-438d-a5e1-32dd1f8614c9", request_id="d815aedc92bc4b8c"),
        # httpcore's debug repr: the address's digits (6335932510) once passed for a phone.
        line(event="connect_tcp.complete return_value=<SyncStream object at 0x7f6335932510>"),
        line(duration_ms=0.012345678901234, timestamp="2026-12-06T19:35:12.394062Z"),
        line(event="Uvicorn running on http://127.0.0.1:33113 (Press CTRL+C to quit)"),
        line(url="postgresql+psycopg://lia:***@db/lia?options=-csearch_path%3Dx"),
        line(url="https://h/x?access_token=***&b=2"),
        line(event="webhook.bad_signature", provider="whatsapp_cloud"),
        line(text="oi", word="abc"),  # too short to be evidence
        "Started server process [16269]",
    ],
)
def test_lets_masked_values_and_ids_pass(text: str) -> None:
    """Masked phones, ids, protocols, timestamps, durations and masked URLs are no leak."""
    assert detector().find(text) is None


@given(typed=typed_br_mobiles())
def test_any_number_as_people_type_it_is_found(typed: tuple[str, str]) -> None:
    """A Brazilian mobile in any form `Phone.parse` accepts is found in a log value."""
    raw, digits = typed
    assert Phone.parse(raw).digits == digits
    leak = detector().find(line(event="webhook", sender=raw))
    assert leak is not None
    assert leak.kind == "phone"


@given(phone=phones(), shape=st.sampled_from(["{d}", "+{d}", "whatsapp:+{d}", "{d}@c.us"]))
def test_stored_phones_are_found_and_their_masks_are_not(phone: Phone, shape: str) -> None:
    """A stored phone in a provider address is a leak; the same after each mask LIA uses is not."""
    text = shape.format(d=phone.digits)
    assert detector().find(line(to=text)) is not None
    assert detector().find(line(to=mask_phones(text))) is None
    assert detector().find(line(to=mask_phone(phone.digits))) is None


def test_the_redacted_line_never_holds_the_leak() -> None:
    """What a failing test prints has the value cut out, accents and JSON escapes included."""
    found = LeakDetector()
    found.add_customer_texts(["Não tenho sinal desde ontem"])
    leak = found.find(line(text="Não tenho sinal desde ontem", to="5521987654321"))
    assert leak is not None
    assert "sinal" not in leak.line
    assert "<customer-text>" in leak.line


_AROUND = st.sampled_from(["", " ", ", ", " job 12 ", " 3 ", "-1", " (x) ", "\n", " id=42 "])


@given(
    numbers=st.lists(
        typed_br_mobiles().map(lambda typed: typed[0].strip()), min_size=1, max_size=3
    ),
    around=st.lists(_AROUND, min_size=4, max_size=4),
)
def test_what_the_logging_masks_holds_no_phone(numbers: list[str], around: list[str]) -> None:
    """`configure_logging`'s mask leaves no full phone, whatever numbers stand beside it."""
    text = around[0] + "".join(n + a for n, a in zip(numbers, around[1:], strict=False))
    assert detector().find(mask_phones(text)) is None, mask_phones(text)
