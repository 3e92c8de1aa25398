"""The stub provider in-process (ASGI): provider shapes, fault injection, counters, runtime faults."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from litestar.testing import AsyncTestClient

from lia_entrypoints.stub_provider import StubFaults, create_stub_app

WA = "/v21.0/106540352242922/messages"
BEARER = {"Authorization": "Bearer t"}


def wa_text(to: str) -> dict[str, object]:
    """A WhatsApp Cloud text message body."""
    return {"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": "oi"}}


@pytest.fixture
async def stub() -> AsyncIterator[httpx.AsyncClient]:
    """A client talking to a fresh stub app without faults."""
    async with AsyncTestClient(create_stub_app(StubFaults())) as client:
        yield client


async def set_faults(stub: httpx.AsyncClient, **faults: object) -> None:
    """Replace the stub's faults."""
    response = await stub.post("/_stub/faults", json=faults)
    assert response.status_code == 200, response.text


async def test_each_provider_answers_in_its_documented_success_shape(
    stub: httpx.AsyncClient,
) -> None:
    """WhatsApp wamid, Evolution key.id (201), Twilio SM sid (201) and FCM name come back."""
    wa = await stub.post(WA, json=wa_text("+5521999998888"), headers=BEARER)
    assert wa.status_code == 200
    assert wa.json()["contacts"] == [{"input": "+5521999998888", "wa_id": "5521999998888"}]
    assert wa.json()["messages"][0]["id"].startswith("wamid.")
    evo = await stub.post(
        "/message/sendText/lia",
        json={"number": "5521999998888", "text": "oi"},
        headers={"apikey": "k"},
    )
    assert (evo.status_code, evo.json()["key"]["fromMe"]) == (201, True)
    sms = await stub.post(
        "/2010-04-01/Accounts/AC1/Messages.json",
        data={"To": "+5521999998888", "From": "+15005550006", "Body": "oi"},
        headers={"Authorization": "Basic eDp5"},
    )
    assert sms.status_code == 201
    sid = sms.json()["sid"]
    assert (sid[:2], len(sid)) == ("SM", 34)
    push = await stub.post(
        "/v1/projects/lia-isp/messages:send", json={"message": {"token": "dev-1"}}, headers=BEARER
    )
    assert push.json()["name"].startswith("projects/lia-isp/messages/")


async def test_requests_are_counted_per_provider_and_recipient_digits(
    stub: httpx.AsyncClient,
) -> None:
    """Attempts and accepted messages are counted by recipient digits, per provider."""
    for to in ("+55 21 99999-8888", "5521999998888", "+5521977776666"):
        await stub.post(WA, json=wa_text(to), headers=BEARER)
    counts = (await stub.get("/_stub/requests")).json()
    assert counts["total"] == 3
    assert counts["providers"]["whatsapp"]["accepted"] == {"5521999998888": 2, "5521977776666": 1}
    assert counts["outcomes"] == {"ok": 3}
    await stub.post("/_stub/reset")
    assert (await stub.get("/_stub/requests")).json()["total"] == 0


async def test_every_nth_faults_are_deterministic(stub: httpx.AsyncClient) -> None:
    """error_every=3 fails exactly the 3rd and 6th requests with Meta's 131000 body."""
    await set_faults(stub, error_every=3)
    statuses = []
    for _ in range(6):
        response = await stub.post(WA, json=wa_text("+5521999998888"), headers=BEARER)
        statuses.append(response.status_code)
    assert statuses == [200, 200, 500, 200, 200, 500]
    assert response.json()["error"]["code"] == 131000
    counts = (await stub.get("/_stub/requests")).json()
    assert counts["providers"]["whatsapp"]["attempts"] == {"5521999998888": 6}
    assert counts["providers"]["whatsapp"]["accepted"] == {"5521999998888": 4}


async def test_rate_limit_answers_429_with_retry_after(stub: httpx.AsyncClient) -> None:
    """A rate-limit fault answers 429, the provider's code and the configured Retry-After."""
    await set_faults(stub, rate_limit_rate=1.0, retry_after_seconds=7)
    response = await stub.post(
        "/2010-04-01/Accounts/AC1/Messages.json",
        data={"To": "+5521999998888"},
        headers={"Authorization": "Basic eDp5"},
    )
    assert (response.status_code, response.headers["Retry-After"]) == (429, "7")
    assert response.json()["code"] == 20429


async def test_per_recipient_rules_use_each_providers_error(stub: httpx.AsyncClient) -> None:
    """Unreachable recipients get 131026, exists:false, 21211 or UNREGISTERED; others pass."""
    await set_faults(stub, unreachable=["+55 21 98888-7777", "dead-token"])
    wa = await stub.post(WA, json=wa_text("5521988887777"), headers=BEARER)
    evo = await stub.post(
        "/message/sendText/lia",
        json={"number": "5521988887777", "text": "x"},
        headers={"apikey": "k"},
    )
    sms = await stub.post(
        "/2010-04-01/Accounts/AC1/Messages.json",
        data={"To": "+5521988887777"},
        headers={"Authorization": "Basic eDp5"},
    )
    push = await stub.post(
        "/v1/projects/p/messages:send", json={"message": {"token": "dead-token"}}, headers=BEARER
    )
    assert wa.json()["error"]["code"] == 131026
    assert evo.json()["response"]["message"][0]["exists"] is False
    assert sms.json()["code"] == 21211
    assert (push.status_code, push.json()["error"]["details"][0]["errorCode"]) == (
        404,
        "UNREGISTERED",
    )
    ok = await stub.post(WA, json=wa_text("5521999998888"), headers=BEARER)
    assert ok.status_code == 200


async def test_outside_window_refuses_text_but_not_templates(stub: httpx.AsyncClient) -> None:
    """Recipients outside the 24-hour window get 131047 for text; templates are accepted."""
    await set_faults(stub, outside_window=["5521977776666"])
    text = await stub.post(WA, json=wa_text("+5521977776666"), headers=BEARER)
    template = {"to": "+5521977776666", "type": "template", "template": {"name": "t"}}
    tpl = await stub.post(WA, json=template, headers=BEARER)
    assert (text.json()["error"]["code"], tpl.status_code) == (131047, 200)


async def test_missing_credentials_get_the_providers_auth_error(stub: httpx.AsyncClient) -> None:
    """No bearer token is Meta's 190 with 401; no apikey is Evolution's 401."""
    wa = await stub.post(WA, json=wa_text("+5521999998888"))
    evo = await stub.post("/message/sendText/lia", json={"number": "55219", "text": "x"})
    assert (wa.status_code, wa.json()["error"]["code"], evo.status_code) == (401, 190, 401)


async def test_bad_fault_configurations_are_refused(stub: httpx.AsyncClient) -> None:
    """Unknown fields or wrong types answer 400 and leave the faults unchanged."""
    await set_faults(stub, error_every=2)
    for bad in ({"nope": 1}, {"error_rate": "lots"}, {"unreachable": "x"}, [1]):
        response = await stub.post("/_stub/faults", json=bad)
        assert response.status_code == 400
    counts = (await stub.get("/_stub/requests")).json()
    assert counts["total"] == 0
    statuses = [
        (await stub.post(WA, json=wa_text("+5521999998888"), headers=BEARER)).status_code
        for _ in range(2)
    ]
    assert statuses == [200, 500]


def test_faults_json_round_trips() -> None:
    """to_json and from_json agree, recipients normalised to digits."""
    faults = StubFaults(reject_every=4, delay_seconds=0.5, unreachable={"+55 (21) 98888-7777"})
    assert faults.unreachable == frozenset({"5521988887777"})
    assert StubFaults.from_json(faults.to_json()) == faults


async def test_seeded_probabilities_repeat(stub: httpx.AsyncClient) -> None:
    """The same seed gives the same sequence of injected faults."""

    async def run() -> list[int]:
        await set_faults(stub, error_rate=0.5, seed=42)
        return [
            (await stub.post(WA, json=wa_text("+5521999998888"), headers=BEARER)).status_code
            for _ in range(12)
        ]

    first, second = await run(), await run()
    assert first == second
    assert {200, 500} == set(first)


async def test_accepted_sends_are_counted_per_message_with_their_arrival(
    stub: httpx.AsyncClient,
) -> None:
    """A message sent twice (same idempotency key) shows as repeated; each arrival is kept."""
    await set_faults(stub, latency_seconds=0.01, error_every=3)
    for key in ("job-1", "job-2", "job-1"):  # the third request is a 500: not accepted
        body = {**wa_text("+5521999998888"), "biz_opaque_callback_data": key}
        await stub.post(WA, json=body, headers=BEARER)
    body = {**wa_text("+5521999998888"), "biz_opaque_callback_data": "job-1"}
    assert (await stub.post(WA, json=body, headers=BEARER)).status_code == 200
    messages = (await stub.get("/_stub/requests")).json()["messages"]
    assert messages == {"distinct": 2, "repeated": {"job-1": 2}}
    times = (await stub.get("/_stub/arrivals")).json()["times"]
    assert len(times) == 3
    assert times == sorted(times)
    await stub.post("/_stub/reset")
    assert (await stub.get("/_stub/arrivals")).json()["times"] == []
