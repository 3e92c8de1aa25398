"""Webhook authentication: Meta's body HMAC, Twilio's documented algorithm, shared secrets."""

from __future__ import annotations

import hashlib
import hmac
import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_adapters.webhooks import (
    twilio_signature,
    verify_meta_signature,
    verify_shared_secret,
    verify_twilio_signature,
)

from . import cloud_payloads as p

APP_SECRET = "6d3f2b1a9c8e7f60"
RAW = json.dumps(p.body(p.change(p.TEXT)), separators=(",", ":")).encode()


def meta_header(body: bytes, secret: str = APP_SECRET) -> str:
    """The X-Hub-Signature-256 value Meta would send for *body*."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_meta_signature_of_the_raw_body_verifies() -> None:
    """The HMAC of the bytes as received verifies."""
    assert verify_meta_signature(RAW, meta_header(RAW), APP_SECRET)


def test_reserialised_json_does_not_verify() -> None:
    """The same JSON with other whitespace is other bytes: the signature no longer matches."""
    reserialised = json.dumps(json.loads(RAW), indent=2).encode()
    assert json.loads(reserialised) == json.loads(RAW)
    assert not verify_meta_signature(reserialised, meta_header(RAW), APP_SECRET)


@pytest.mark.parametrize(
    "header",
    [None, "", "sha256=", "sha1=" + "0" * 40, "sha256=zz", "sha256=" + "0" * 64, "sha256=ção"],
)
def test_missing_or_malformed_meta_header_fails(header: str | None) -> None:
    """No header, another algorithm, a wrong or non-hex digest all fail (no exception)."""
    assert not verify_meta_signature(RAW, header, APP_SECRET)


def test_meta_header_with_the_wrong_secret_or_no_secret_fails() -> None:
    """A body signed with another secret fails, and an unset secret verifies nothing."""
    assert not verify_meta_signature(RAW, meta_header(RAW, "other"), APP_SECRET)
    assert not verify_meta_signature(RAW, meta_header(RAW, ""), "")


@given(body=st.binary(max_size=512), secret=st.text(min_size=1, max_size=40), data=st.data())
def test_any_signed_body_verifies_and_any_single_change_fails(
    body: bytes, secret: str, data: st.DataObject
) -> None:
    """A valid signature verifies; changing one byte of the body or one digit of it fails."""
    header = meta_header(body, secret)
    assert verify_meta_signature(body, header, secret)
    if body:
        i = data.draw(st.integers(0, len(body) - 1), label="body byte")
        flip = data.draw(st.integers(1, 255), label="xor")
        changed = body[:i] + bytes([body[i] ^ flip]) + body[i + 1 :]
        assert not verify_meta_signature(changed, header, secret)
    j = data.draw(st.integers(len("sha256="), len(header) - 1), label="signature digit")
    digit = data.draw(st.sampled_from("0123456789abcdef").filter(lambda c: c != header[j]))
    assert not verify_meta_signature(body, header[:j] + digit + header[j + 1 :], secret)


DOC_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
DOC_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+12349013030",
    "Digits": "1234",
    "From": "+12349013030",
    "To": "+18005551212",
}


def test_twilio_documented_example() -> None:
    """Twilio's security docs example (token 12345) signs to 0/KCTR6DLpKmkAf8muzZqo1nDgQ=."""
    assert twilio_signature(DOC_URL, DOC_PARAMS, "12345") == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert verify_twilio_signature(DOC_URL, DOC_PARAMS, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", "12345")


def test_twilio_sdk_vectors() -> None:
    """The vectors of twilio-python's tests/unit/test_request_validator.py, repeated keys included."""
    params = DOC_PARAMS | {"Caller": "+14158675309", "From": "+14158675309"}
    assert twilio_signature(DOC_URL, params, "12345") == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    repeated = {"Sid": "CA123", "SidAccount": "AC123", "Digits": ["5678", "1234"]}
    assert twilio_signature(DOC_URL, repeated, "12345") == "IK+Dwps556ElfBT0I3Rgjkr1wJU="


@pytest.mark.parametrize(
    ("url", "header"),
    [
        # twilio-python: a signature over the URL with the default port verifies the bare URL,
        # and one over the bare URL verifies a URL with an explicit port.
        (DOC_URL, "kvajT1Ptam85bY51eRf/AJRuM3w="),
        (DOC_URL.replace("https", "http"), "0ZXoZLH/DfblKGATFgpif+LLRf4="),
        (DOC_URL.replace(".com", ".com:1234"), "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
    ],
)
def test_twilio_signature_with_or_without_port(url: str, header: str) -> None:
    """Either spelling of the port verifies, as in Twilio's SDKs."""
    params = DOC_PARAMS | {"Caller": "+14158675309", "From": "+14158675309"}
    assert verify_twilio_signature(url, params, header, "12345")


@pytest.mark.parametrize(
    ("url", "params", "header", "token"),
    [
        (DOC_URL, DOC_PARAMS, None, "12345"),
        (DOC_URL, DOC_PARAMS, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", "54321"),
        (DOC_URL, DOC_PARAMS | {"Digits": "1235"}, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", "12345"),
        (DOC_URL + "&baz=3", DOC_PARAMS, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", "12345"),
        (DOC_URL, DOC_PARAMS, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", ""),
        (DOC_URL, DOC_PARAMS, "não é base64", "12345"),
    ],
)
def test_twilio_tampering_fails(
    url: str, params: dict[str, str], header: str | None, token: str
) -> None:
    """A missing header, another token, a changed parameter or URL, or garbage all fail."""
    assert not verify_twilio_signature(url, params, header, token)


@given(
    st.dictionaries(st.text(min_size=1, max_size=8), st.text(max_size=8), max_size=6), st.randoms()
)
def test_twilio_parameter_order_does_not_matter(params: dict[str, str], rng: random.Random) -> None:
    """Parameters are sorted by name, so the form's order never changes the signature."""
    items = list(params.items())
    rng.shuffle(items)
    assert twilio_signature(DOC_URL, dict(items), "t") == twilio_signature(DOC_URL, params, "t")


@pytest.mark.parametrize(
    ("provided", "expected", "ok"),
    [
        ("B6D711FCDE4D4FD5936544120E713976", "B6D711FCDE4D4FD5936544120E713976", True),
        ("B6D711FCDE4D4FD5936544120E713977", "B6D711FCDE4D4FD5936544120E713976", False),
        (None, "B6D711FCDE4D4FD5936544120E713976", False),
        ("", "", False),
        ("chave-ção", "chave-ção", True),
    ],
)
def test_shared_secret(provided: str | None, expected: str, ok: bool) -> None:
    """Only the exact configured secret passes; nothing passes when none is configured."""
    assert verify_shared_secret(provided, expected) is ok
