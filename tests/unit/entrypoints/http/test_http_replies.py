"""`/api/v1/conversations/{id}/messages|notes` and `/api/v1/templates` in-process: replies through
the outbox, the 24-hour window as a 409 problem, notes that never leave, canned-response CRUD
with versions and the preview, and each refusal as problem details naming the field."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from lia_adapters.memory import FixedClock, InMemoryStore
from lia_core.desk.commands import Resolve
from lia_core.domain.activity import ActivityFilter, Actor
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.recipients import Phone
from lia_core.services import UpdateUser
from lia_entrypoints.bootstrap import Runtime

from .api_support import NOW, Client, Headers, problem

WELCOME = {
    "key": "saudacao",
    "title": "Saudação",
    "body": "Olá {{contact.first_name}}, aqui é {{agent.name}}. Protocolo {{ticket.id}}.",
}


@pytest.fixture
async def conversation(runtime: Runtime, store: InMemoryStore) -> str:
    """A WhatsApp conversation handed to the human queue (its ticket in "support"), written
    an hour ago by the customer's phone."""
    message = InboundMessage(
        channel=Channel.WHATSAPP,
        provider_message_id="wamid.1",
        sender=Phone("5521999998888"),
        reply_to="5521999998888",
        sent_at=NOW - timedelta(hours=1),
        text="minha internet caiu",
        display_name="Maria Clara",
    )
    report = await runtime.services.ingest([message])
    await runtime.services.process_inbound(report.new)
    async with store.unit_of_work() as uow:
        (found,) = await uow.conversations.list(limit=5)
    return found.id


async def _jobs(store: InMemoryStore) -> int:
    async with store.unit_of_work() as uow:
        return len(await uow.outbox.list(status=None, recipient=None, limit=100))


async def test_a_reply_is_201_pending_and_shows_in_the_conversation(
    client: Client, supervisor: Headers, conversation: str, store: InMemoryStore
) -> None:
    """The reply comes back PENDING with its job; the conversation lists it; it is audited."""
    response = await client.post(
        f"/api/v1/conversations/{conversation}/messages",
        json={"text": "Olá! Vou verificar."},
        headers=supervisor,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["message"]["status"] == "PENDING"
    assert body["message"]["direction"] == "outbound"
    assert body["job_id"]
    shown = (await client.get(f"/api/v1/conversations/{conversation}", headers=supervisor)).json()
    assert shown["messages"][-1]["text"] == "Olá! Vou verificar."
    async with store.unit_of_work() as uow:
        (entry,) = await uow.activity.list(ActivityFilter(entity="conversation"), limit=5)
    assert (entry.action, entry.actor, entry.ip) == ("conversation.reply", "sofia", "testclient")


async def test_after_the_window_free_text_is_409_naming_it(
    client: Client, supervisor: Headers, conversation: str, clock: FixedClock, store: InMemoryStore
) -> None:
    """23 hours after NOW the customer's message is 24 hours old: a free text is a 409 problem
    naming the window and when it closed, and nothing is queued."""
    clock.advance(hours=23)
    before = await _jobs(store)
    response = await client.post(
        f"/api/v1/conversations/{conversation}/messages", json={"text": "oi"}, headers=supervisor
    )
    body = problem(response, 409)
    assert body["type"] == "urn:lia:problem:outside-service-window"
    assert "24-hour" in body["detail"]
    assert (NOW + timedelta(hours=23)).isoformat(timespec="seconds") in body["detail"]
    assert await _jobs(store) == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, None),
        ({"text": "a", "template": "saudacao"}, "text"),
        ({"template": "nada"}, "template"),
        ({"text": "   "}, "text"),
        ({"text": "a", "extra": 1}, None),
    ],
)
async def test_a_bad_reply_is_422(
    client: Client,
    supervisor: Headers,
    conversation: str,
    payload: dict[str, Any],
    field: str | None,
) -> None:
    """Neither or both of text and template, an unknown template, a blank text: 422."""
    response = await client.post(
        f"/api/v1/conversations/{conversation}/messages", json=payload, headers=supervisor
    )
    problem(response, 422, field=field)


async def test_an_agent_writes_only_in_their_departments(
    client: Client, runtime: Runtime, agent: Headers, conversation: str
) -> None:
    """An agent outside "support" gets 403 on reply and note; once in it, 201."""
    url = f"/api/v1/conversations/{conversation}"
    problem(await client.post(f"{url}/messages", json={"text": "oi"}, headers=agent), 403)
    problem(await client.post(f"{url}/notes", json={"text": "oi"}, headers=agent), 403)
    await runtime.services.update_user(
        UpdateUser(username="artur", actor=Actor(name="ana"), departments=("support",))
    )
    assert (
        await client.post(f"{url}/messages", json={"text": "oi"}, headers=agent)
    ).status_code == 201
    problem(
        await client.post("/api/v1/conversations/nope/messages", json={"text": "x"}, headers=agent),
        404,
    )


async def test_a_note_is_kept_on_the_ticket_and_never_queued(
    client: Client, supervisor: Headers, conversation: str, store: InMemoryStore
) -> None:
    """A note answers 201 with its ticket; no job is queued; the ticket shows it."""
    before = await _jobs(store)
    response = await client.post(
        f"/api/v1/conversations/{conversation}/notes",
        json={"text": "cliente VIP, ligar"},
        headers=supervisor,
    )
    assert response.status_code == 201, response.text
    note = response.json()
    assert (note["text"], note["by"]) == ("cliente VIP, ligar", "sofia")
    assert await _jobs(store) == before
    ticket = (await client.get(f"/api/v1/tickets/{note['ticket_id']}", headers=supervisor)).json()
    assert ticket["timeline"][-1]["kind"] == "private_note"
    shown = (await client.get(f"/api/v1/conversations/{conversation}", headers=supervisor)).json()
    assert [(n["text"], n["by"]) for n in shown["notes"]] == [("cliente VIP, ligar", "sofia")]
    assert "cliente VIP, ligar" not in [m["text"] for m in shown["messages"]]
    problem(
        await client.post(
            f"/api/v1/conversations/{conversation}/notes", json={"text": ""}, headers=supervisor
        ),
        422,
        field="text",
    )


async def test_templates_crud_with_versions(
    client: Client, supervisor: Headers, agent: Headers
) -> None:
    """Create 201, taken key 409, get, list; replace with If-Match (stale: 409); delete 204;
    agents read but may not write (403); an unknown variable is 422 naming body."""
    created = await client.post("/api/v1/templates", json=WELCOME, headers=supervisor)
    assert created.status_code == 201, created.text
    assert created.json()["variables"] == ["contact.first_name", "agent.name", "ticket.id"]
    problem(await client.post("/api/v1/templates", json=WELCOME, headers=supervisor), 409)
    problem(await client.post("/api/v1/templates", json=WELCOME, headers=agent), 403)
    unknown = {**WELCOME, "key": "x", "body": "Olá {{cliente}}"}
    body = problem(
        await client.post("/api/v1/templates", json=unknown, headers=supervisor), 422, field="body"
    )
    assert "{{contact.name}}" in body["detail"]
    assert (await client.get("/api/v1/templates/saudacao", headers=agent)).json()["version"] == 1
    assert [t["key"] for t in (await client.get("/api/v1/templates", headers=agent)).json()] == [
        "saudacao"
    ]
    change = {"title": "Oi", "body": "Oi {{contact.name}}"}
    replaced = await client.put(
        "/api/v1/templates/saudacao", json=change, headers={**supervisor, "If-Match": '"1"'}
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["version"] == 2
    stale = await client.put(
        "/api/v1/templates/saudacao", json=change, headers={**supervisor, "If-Match": "1"}
    )
    problem(stale, 409)
    problem(
        await client.delete("/api/v1/templates/saudacao", headers={**supervisor, "If-Match": "1"}),
        409,
    )
    assert (
        await client.delete("/api/v1/templates/saudacao", headers=supervisor)
    ).status_code == 204
    problem(await client.get("/api/v1/templates/saudacao", headers=supervisor), 404)


async def test_preview_and_reply_with_a_template(
    client: Client, supervisor: Headers, conversation: str
) -> None:
    """The preview renders for the conversation and lists empty values; a reply with the
    template sends that text."""
    await client.post("/api/v1/templates", json=WELCOME, headers=supervisor)
    preview = await client.post(
        "/api/v1/templates/saudacao/preview",
        json={"conversation_id": conversation},
        headers=supervisor,
    )
    assert preview.status_code == 200, preview.text
    shown = preview.json()
    assert shown["text"].startswith("Olá Maria, aqui é sofia. Protocolo ")
    assert shown["empty"] == []
    assert (shown["whatsapp_template"], shown["whatsapp_header"], shown["whatsapp_buttons"]) == (
        None,
        None,
        [],
    )
    problem(
        await client.post(
            "/api/v1/templates/saudacao/preview",
            json={"conversation_id": "nope"},
            headers=supervisor,
        ),
        404,
    )
    sent = await client.post(
        f"/api/v1/conversations/{conversation}/messages",
        json={"template": "saudacao"},
        headers=supervisor,
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["message"]["text"] == shown["text"]
    assert sent.json()["template"] == "saudacao"


def _answer(reply: dict[str, Any]) -> dict[str, Any]:
    """A reply's answer but the time of its status (a replay shows the current status)."""
    return {**reply, "message": {k: v for k, v in reply["message"].items() if k != "status_at"}}


async def test_a_retry_with_the_same_idempotency_key_queues_nothing_again(
    client: Client, supervisor: Headers, conversation: str, store: InMemoryStore
) -> None:
    """Same key, same body: 200 with the reply queued the first time, one job; the same key
    with another text or in another conversation: 422 naming the header; without a key, two
    posts are two replies."""
    url = f"/api/v1/conversations/{conversation}/messages"
    keyed = {**supervisor, "Idempotency-Key": "retry-7f3a"}
    before = await _jobs(store)
    first = await client.post(url, json={"text": "Olá! Vou verificar."}, headers=keyed)
    assert first.status_code == 201, first.text
    again = await client.post(url, json={"text": "Olá! Vou verificar."}, headers=keyed)
    assert again.status_code == 200, again.text
    assert _answer(again.json()) == _answer(first.json())
    assert await _jobs(store) == before + 1
    other = await client.post(url, json={"text": "Outra coisa"}, headers=keyed)
    body = problem(other, 422, field="Idempotency-Key")
    assert "retry-7f3a" in body["detail"]
    elsewhere = await client.post(
        "/api/v1/conversations/nope/messages", json={"text": "Olá! Vou verificar."}, headers=keyed
    )
    problem(elsewhere, 404)
    assert await _jobs(store) == before + 1
    for _ in range(2):
        plain = await client.post(url, json={"text": "Olá! Vou verificar."}, headers=supervisor)
        assert plain.status_code == 201
    assert await _jobs(store) == before + 3


async def test_an_idempotency_key_belongs_to_its_account_and_template_replies_replay(
    client: Client, runtime: Runtime, supervisor: Headers, agent: Headers, conversation: str
) -> None:
    """Another account's same key is its own reply; a template reply replays with its
    template and empty variables."""
    await runtime.services.update_user(
        UpdateUser(username="artur", actor=Actor(name="ana"), departments=("support",))
    )
    created = await client.post("/api/v1/templates", json=WELCOME, headers=supervisor)
    assert created.status_code == 201, created.text
    url = f"/api/v1/conversations/{conversation}/messages"
    mine = await client.post(
        url, json={"template": "saudacao"}, headers={**supervisor, "Idempotency-Key": "k1"}
    )
    theirs = await client.post(
        url, json={"template": "saudacao"}, headers={**agent, "Idempotency-Key": "k1"}
    )
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["message"]["id"] != theirs.json()["message"]["id"]
    replay = await client.post(
        url, json={"template": "saudacao"}, headers={**agent, "Idempotency-Key": "k1"}
    )
    assert replay.status_code == 200
    assert _answer(replay.json()) == _answer(theirs.json())
    assert replay.json()["template"] == "saudacao"


@pytest.mark.parametrize("key", ["has space", "x" * 256, "tab\tkey"])
async def test_a_malformed_idempotency_key_is_422_naming_the_header(
    client: Client, supervisor: Headers, conversation: str, key: str
) -> None:
    """A key with a space or a tab, or too long: 422 naming the header."""
    response = await client.post(
        f"/api/v1/conversations/{conversation}/messages",
        json={"text": "oi"},
        headers={**supervisor, "Idempotency-Key": key},
    )
    problem(response, 422, field="Idempotency-Key")


async def test_the_openapi_document_states_the_idempotency_key(client: Client) -> None:
    """The reply's operation documents the header and the 200 of a replay."""
    document = (await client.get("/schema/openapi.json")).json()
    operation = document["paths"]["/api/v1/conversations/{conversation_id}/messages"]["post"]
    (header,) = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
    assert header["in"] == "header"
    assert header["required"] is False
    assert "422" in header["description"]
    assert "200" in operation["responses"]
    assert "201" in operation["responses"]


async def test_a_template_with_whatsapp_header_and_buttons(
    client: Client, supervisor: Headers
) -> None:
    """Saved and shown with the header and buttons; an unknown variable in one, or parts
    without an approved template, is 422 naming the field."""
    body = {
        **WELCOME,
        "whatsapp_template": "retomada",
        "whatsapp_header": {"type": "text", "value": "Olá {{contact.first_name}}"},
        "whatsapp_buttons": [{"type": "url", "index": 0, "value": "t/{{ticket.id}}"}],
    }
    created = await client.post("/api/v1/templates", json=body, headers=supervisor)
    assert created.status_code == 201, created.text
    shown = created.json()
    assert shown["whatsapp_header"] == {
        "type": "text",
        "value": "Olá {{contact.first_name}}",
        "filename": None,
    }
    assert shown["whatsapp_buttons"] == [{"type": "url", "index": 0, "value": "t/{{ticket.id}}"}]
    bad = {**body, "key": "outro", "whatsapp_header": {"type": "text", "value": "{{cliente}}"}}
    problem(
        await client.post("/api/v1/templates", json=bad, headers=supervisor),
        422,
        field="whatsapp_header",
    )
    loose = {**body, "key": "solto", "whatsapp_template": None}
    problem(
        await client.post("/api/v1/templates", json=loose, headers=supervisor),
        422,
        field="whatsapp_header",
    )


async def test_the_preview_fills_the_whatsapp_header_and_buttons(
    client: Client, supervisor: Headers, conversation: str, runtime: Runtime
) -> None:
    """The preview carries the approved template's header and buttons filled for the
    conversation, each with its own empty variables (a blank value: the reply would be
    refused after the window); `empty` stays the body's."""
    body = {
        **WELCOME,
        "body": "Olá {{contact.first_name}}",
        "whatsapp_template": "retomada",
        "whatsapp_header": {
            "type": "document",
            "value": "https://isp.example/{{ticket.id}}.pdf",
            "filename": "protocolo.pdf",
        },
        "whatsapp_buttons": [
            {"type": "quick_reply", "index": 1, "value": "{{ticket.id}}"},
            {"type": "url", "index": 0, "value": "c/{{conversation.id}}"},
        ],
    }
    created = await client.post("/api/v1/templates", json=body, headers=supervisor)
    assert created.status_code == 201, created.text
    path = "/api/v1/templates/saudacao/preview"
    ask = {"conversation_id": conversation}
    shown = (await client.post(path, json=ask, headers=supervisor)).json()
    ticket = (await runtime.services.get_conversation(conversation)).ticket
    assert ticket is not None
    ticket_id = ticket.id
    assert (shown["text"], shown["empty"], shown["whatsapp_template"]) == (
        "Olá Maria",
        [],
        "retomada",
    )
    assert shown["whatsapp_header"] == {
        "type": "document",
        "value": f"https://isp.example/{ticket_id}.pdf",
        "filename": "protocolo.pdf",
        "empty": [],
    }
    assert shown["whatsapp_buttons"] == [
        {"type": "url", "index": 0, "value": f"c/{conversation}", "empty": []},
        {"type": "quick_reply", "index": 1, "value": ticket_id, "empty": []},
    ]

    await runtime.services.desk.act(ticket_id, Resolve(), Actor(name="sofia"))
    resolved = (await client.post(path, json=ask, headers=supervisor)).json()
    assert resolved["empty"] == []
    assert resolved["whatsapp_header"]["value"] == "https://isp.example/.pdf"
    assert resolved["whatsapp_header"]["empty"] == ["ticket.id"]
    assert [(b["value"], b["empty"]) for b in resolved["whatsapp_buttons"]] == [
        (f"c/{conversation}", []),
        ("", ["ticket.id"]),
    ]


async def test_the_conversation_shows_its_ticket_and_place_at_the_desk(
    client: Client, supervisor: Headers, conversation: str
) -> None:
    """GET /api/v1/conversations/{id} carries `ticket_id` and `assignment` (queued here)."""
    shown = (await client.get(f"/api/v1/conversations/{conversation}", headers=supervisor)).json()
    assert shown["ticket_id"]
    assert (shown["assignment"]["state"], shown["assignment"]["department"]) == (
        "queued",
        "support",
    )
