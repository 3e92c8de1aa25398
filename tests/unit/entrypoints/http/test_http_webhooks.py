"""Provider webhooks end to end over the in-memory store: signatures, idempotency, the gate."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import structlog.testing
from litestar.testing import AsyncTestClient

from lia_adapters.memory import (
    FixedClock,
    InMemoryCustomerDirectory,
    InMemoryStore,
    PlainTextHasher,
    SequentialIds,
)
from lia_adapters.webhooks.signatures import twilio_signature
from lia_core.domain.conversations import ConversationStatus
from lia_core.domain.customers import Customer, CustomerAddress
from lia_core.domain.delivery import Channel, JobName
from lia_core.domain.inbound import MessageKind, MessageStatus
from lia_core.domain.recipients import Phone
from lia_core.domain.regions import CityArea
from lia_core.services import DeclareFailure, ResolveAndBroadcast
from lia_entrypoints.bootstrap import Runtime, bootstrap
from lia_entrypoints.http import create_app
from lia_entrypoints.http.context import INBOUND_KEY
from lia_entrypoints.inbound import InboundRuntime
from lia_entrypoints.settings import Settings

from ...adapters.webhooks.cloud_payloads import body, change, incoming, status
from ...adapters.webhooks.evolution_payloads import upsert_v2
from .api_support import Client, problem

APP_SECRET = "meta-app-secret"
PUBLIC = "https://lia.example.net"
COVERED = "5531987654321"
COVERED_WA_ID = "553187654321"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Every webhook configured; the gate answers at once."""
    return Settings(
        _env_file=None,
        data_dir=tmp_path,
        jwt_secret="test-secret-" + "x" * 40,
        whatsapp={"app_secret": APP_SECRET, "verify_token": "verify-me"},
        evolution={"webhook_token": "evo-token"},
        twilio={"auth_token": "twilio-token"},
        http={"public_url": PUBLIC},
        inbound={"failures_max_age_seconds": 0, "commit_window_ms": 0},
    )


@pytest.fixture
def crm() -> InMemoryCustomerDirectory:
    """A CRM with one customer in Teresópolis."""
    return InMemoryCustomerDirectory(
        (
            Customer(
                crm_id="c1",
                phone=COVERED,
                name="Maria Souza",
                addresses=(CustomerAddress(city="Teresópolis", neighbourhood="Alto"),),
            ),
        )
    )


@pytest.fixture
async def runtime(
    settings: Settings, store: InMemoryStore, clock: FixedClock, crm: InMemoryCustomerDirectory
) -> Runtime:
    """Use cases over the in-memory store, the gate asking the fake CRM."""
    return await bootstrap(
        settings,
        uow=store.unit_of_work,
        clock=clock,
        ids=SequentialIds(),
        hasher=PlainTextHasher(),
        directory=crm,
    )


@pytest.fixture
async def client(settings: Settings, runtime: Runtime) -> AsyncIterator[Client]:
    """The app with the fake CRM."""
    app = create_app(settings, runtime=runtime)
    async with AsyncTestClient(app) as test_client:
        yield test_client


async def outage(runtime: Runtime) -> str:
    """An active failure over Teresópolis."""
    failure = await runtime.services.declare_failure(
        DeclareFailure(
            name="Fibra",
            message="Olá {nome}, falha em {regiao}.",
            resolution_message="Resolvido!",
            cities=(CityArea.parse("Teresópolis"),),
            actor="sup",
        )
    )
    return failure.id


def signed(payload: Any, secret: str = APP_SECRET) -> tuple[bytes, dict[str, str]]:
    """A raw body and its Meta signature header."""
    raw = json.dumps(payload).encode()
    digest = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


def text_from(wa_id: str, mid: str, text: str = "sem internet") -> Any:
    """A Cloud API webhook with one text message."""
    message = incoming({"type": "text", "text": {"body": text}}, wa_id=wa_id, name="Maria")
    message["messages"][0]["id"] = mid
    return body(change(message))


async def settle(client: Client) -> None:
    """Wait until the gate handled everything stored."""
    inbound = client.app.state[INBOUND_KEY]
    assert isinstance(inbound, InboundRuntime)
    await asyncio.wait_for(inbound.drain(), 5)


def notices(store: InMemoryStore) -> list[str]:
    """Recipients of outage-notice jobs."""
    return [str(j.recipient) for j in store.jobs.values() if j.job_name is JobName.OUTAGE_NOTICE]


async def test_verification_challenge(client: Client) -> None:
    """The right verify token gets the challenge back as text; a wrong one a 403 problem."""
    ok = await client.get(
        "/webhooks/whatsapp",
        params={
            "hub.mode": "subscribe",
            "hub.verify_token": "verify-me",
            "hub.challenge": "1158201444",
        },
    )
    assert ok.status_code == 200
    assert ok.text == "1158201444"
    bad = await client.get(
        "/webhooks/whatsapp",
        params={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"},
    )
    problem(bad, 403)


async def test_covered_customer_gets_one_notice_despite_redelivery(
    client: Client, runtime: Runtime, store: InMemoryStore
) -> None:
    """Signed webhook, delivered twice: stored once, one notice to the WhatsApp id."""
    failure_id = await outage(runtime)
    raw, headers = signed(text_from(COVERED_WA_ID, "wamid.A"))
    for _ in range(2):
        response = await client.post("/webhooks/whatsapp", content=raw, headers=headers)
        assert response.status_code == 200, response.text
        await settle(client)
    assert len(store.conversation_tables.inbound) == 1
    assert notices(store) == [COVERED_WA_ID]
    contact = store.conversation_tables.contacts[Phone(COVERED)]
    assert contact.crm_id == "c1"
    report = await runtime.services.resolve_and_broadcast(
        ResolveAndBroadcast(failure_id=failure_id, actor="sup")
    )
    assert report.queued == 1


async def test_bad_or_missing_signature_stores_nothing(
    client: Client, store: InMemoryStore
) -> None:
    """A body signed with another secret → 403; no header → 401; nothing stored."""
    raw, headers = signed(text_from(COVERED_WA_ID, "wamid.B"), secret="wrong")
    problem(await client.post("/webhooks/whatsapp", content=raw, headers=headers), 403)
    problem(
        await client.post(
            "/webhooks/whatsapp", content=raw, headers={"Content-Type": "application/json"}
        ),
        401,
    )
    reformatted = json.dumps(json.loads(raw), indent=2).encode()
    _, good_headers = signed(text_from(COVERED_WA_ID, "wamid.B"))
    problem(await client.post("/webhooks/whatsapp", content=reformatted, headers=good_headers), 403)
    assert store.conversation_tables.inbound == {}


async def test_malformed_signed_body_is_a_422_with_the_field(client: Client) -> None:
    """Valid signature, no Cloud API webhook: 422 naming the JSON path; not JSON at all: field body."""
    raw, headers = signed({"object": "whatsapp_business_account", "entry": {}})
    found = problem(await client.post("/webhooks/whatsapp", content=raw, headers=headers), 422)
    assert found["field"] == "entry"
    garbage = b"{not json"
    digest = hmac.new(APP_SECRET.encode(), garbage, hashlib.sha256).hexdigest()
    response = await client.post(
        "/webhooks/whatsapp", content=garbage, headers={"X-Hub-Signature-256": f"sha256={digest}"}
    )
    problem(response, 422, field="body")


async def test_unreadable_items_are_answered_200_and_their_neighbours_stored(
    client: Client, store: InMemoryStore
) -> None:
    """A message without id is skipped (logged); an interactive without its object is UNSUPPORTED."""
    payload = text_from(COVERED_WA_ID, "wamid.C")
    messages = payload["entry"][0]["changes"][0]["value"]["messages"]
    broken = messages[0] | {"id": "wamid.D", "type": "interactive"}
    del broken["text"]
    messages.append(broken)
    del messages[0]["id"]
    raw, headers = signed(payload)
    response = await client.post("/webhooks/whatsapp", content=raw, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"messages": 1, "statuses": 0, "ignored": 0}
    (stored,) = store.conversation_tables.inbound.values()
    assert stored.message.provider_message_id == "wamid.D"
    assert stored.message.kind is MessageKind.UNSUPPORTED
    assert stored.message.details["type"] == "interactive"


async def test_uncovered_customer_lands_in_the_human_queue(
    client: Client, runtime: Runtime, store: InMemoryStore
) -> None:
    """A sender the CRM places elsewhere (here: not in the CRM, then a CEP outside) goes on to
    the bot, and to a human when they ask for one."""
    await outage(runtime)
    raw, headers = signed(text_from("5521999990001", "wamid.D"))
    assert (
        await client.post("/webhooks/whatsapp", content=raw, headers=headers)
    ).status_code == 200
    await settle(client)
    raw, headers = signed(text_from("5521999990001", "wamid.E", text="01310-100"))
    assert (
        await client.post("/webhooks/whatsapp", content=raw, headers=headers)
    ).status_code == 200
    await settle(client)
    (conversation,) = store.conversation_tables.conversations.values()
    assert conversation.status is ConversationStatus.ACTIVE  # the bot asks what it is about
    raw, headers = signed(text_from("5521999990001", "wamid.F", text="atendente"))
    assert (
        await client.post("/webhooks/whatsapp", content=raw, headers=headers)
    ).status_code == 200
    await settle(client)
    (conversation,) = store.conversation_tables.conversations.values()
    assert conversation.status is ConversationStatus.WAITING
    assert notices(store) == []
    asked = [j for j in store.jobs.values() if j.job_name is JobName.SEND_SANDBOX]
    assert "CEP" in (asked[0].content.text or "")


async def test_status_webhook_is_stored_and_never_moves_back(
    client: Client, store: InMemoryStore
) -> None:
    """read, then a late delivered: the receipt stays READ."""
    for name in ("read", "delivered"):
        raw, headers = signed(body(change(status(name))))
        assert (
            await client.post("/webhooks/whatsapp", content=raw, headers=headers)
        ).status_code == 200
    (receipt,) = store.conversation_tables.receipts.values()
    assert receipt.status is MessageStatus.READ


async def test_evolution_requires_the_token(
    client: Client, runtime: Runtime, store: InMemoryStore
) -> None:
    """No token → 401, wrong → 403, header or ?token= → stored; the @s.whatsapp.net sender is canonical."""
    await outage(runtime)
    payload = upsert_v2({"conversation": "sem internet"})
    problem(await client.post("/webhooks/evolution", json=payload), 401)
    problem(
        await client.post(
            "/webhooks/evolution", json=payload, headers={"X-Lia-Webhook-Token": "x"}
        ),
        403,
    )
    ok = await client.post("/webhooks/evolution", json=payload, params={"token": "evo-token"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["messages"] == 1
    again = await client.post(
        "/webhooks/evolution", json=payload, headers={"X-Lia-Webhook-Token": "evo-token"}
    )
    assert again.status_code == 200
    await settle(client)
    (stored,) = store.conversation_tables.inbound.values()
    assert stored.message.sender == Phone(COVERED)
    assert stored.message.channel is Channel.EVOLUTION
    assert len(notices(store)) == 1


async def test_twilio_sms_signed_against_the_public_url(
    client: Client, store: InMemoryStore
) -> None:
    """A correctly signed SMS is stored and answered with empty TwiML; a bad signature is 403."""
    form = {"MessageSid": "SM123", "From": "+5521999990001", "To": "+5521333344444", "Body": "oi"}
    signature = twilio_signature(f"{PUBLIC}/webhooks/twilio/sms", form, "twilio-token")
    problem(
        await client.post("/webhooks/twilio/sms", data=form, headers={"X-Twilio-Signature": "bad"}),
        403,
    )
    response = await client.post(
        "/webhooks/twilio/sms", data=form, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 200, response.text
    assert "<Response>" in response.text
    (stored,) = store.conversation_tables.inbound.values()
    assert stored.message.sender == Phone("5521999990001")
    status_form = {"MessageSid": "SM999", "MessageStatus": "delivered", "To": "+5521999990001"}
    signature = twilio_signature(f"{PUBLIC}/webhooks/twilio/status", status_form, "twilio-token")
    response = await client.post(
        "/webhooks/twilio/status", data=status_form, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 200, response.text
    assert (
        store.conversation_tables.receipts[(Channel.SMS, "SM999")].status is MessageStatus.DELIVERED
    )


async def test_a_bad_twilio_signature_logs_the_url_without_its_query(client: Client) -> None:
    """The refusal names the URL checked, never its query string (it may carry a credential)."""
    form = {"MessageSid": "SM124", "From": "+5521999990001", "Body": "oi"}
    with structlog.testing.capture_logs() as logs:
        refused = await client.post(
            "/webhooks/twilio/sms?key=do-not-log-1", data=form, headers={"X-Twilio-Signature": "x"}
        )
    problem(refused, 403)
    (line,) = [e for e in logs if e["event"] == "webhook.bad_signature"]
    assert line["url"] == f"{PUBLIC}/webhooks/twilio/sms"


async def test_unconfigured_webhook_refuses(tmp_path: Path, store: InMemoryStore) -> None:
    """Without LIA_WHATSAPP__APP_SECRET the endpoint refuses everything with a 403 naming it."""
    bare = Settings(_env_file=None, data_dir=tmp_path, jwt_secret="test-secret-" + "x" * 40)
    plain_runtime = await bootstrap(bare, uow=store.unit_of_work, hasher=PlainTextHasher())
    async with AsyncTestClient(create_app(bare, runtime=plain_runtime)) as plain:
        raw, headers = signed(text_from(COVERED_WA_ID, "wamid.F"))
        found = problem(await plain.post("/webhooks/whatsapp", content=raw, headers=headers), 403)
        assert "LIA_WHATSAPP__APP_SECRET" in found["detail"]
    assert store.conversation_tables.inbound == {}


async def test_metrics_count_webhooks_duplicates_and_gate_outcomes(
    client: Client, runtime: Runtime
) -> None:
    """/metrics: one stored, one duplicate, one rejected webhook; the gate's notice; CRM answers."""
    await outage(runtime)
    raw, headers = signed(text_from(COVERED_WA_ID, "wamid.M"))
    for _ in range(2):
        assert (
            await client.post("/webhooks/whatsapp", content=raw, headers=headers)
        ).status_code == 200
    await settle(client)
    _, forged = signed(text_from(COVERED_WA_ID, "wamid.M"), secret="wrong")
    assert (await client.post("/webhooks/whatsapp", content=raw, headers=forged)).status_code == 403
    text = (await client.get("/metrics")).text
    assert 'lia_webhooks_total{provider="whatsapp",result="stored"} 2.0' in text
    assert 'lia_webhooks_total{provider="whatsapp",result="rejected"} 1.0' in text
    assert 'lia_inbound_messages_total{result="new"} 1.0' in text
    assert 'lia_inbound_messages_total{result="duplicate"} 1.0' in text
    assert 'lia_gate_outcomes_total{outcome="notified"} 1.0' in text
    assert 'lia_crm_lookups_total{result="answered"} 1.0' in text
    assert "lia_gate_backlog 0.0" in text
    assert "lia_gate_stood_back_seconds_total 0.0" in text  # one message: nothing pressed
