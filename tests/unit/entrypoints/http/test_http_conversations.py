"""The contacts and conversations API over the in-memory store: any role reads, problems on error."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lia_adapters.memory import InMemoryStore
from lia_core.domain.conversations import (
    Contact,
    Conversation,
    ConversationStatus,
    Direction,
    GateMemory,
    StoredMessage,
)
from lia_core.domain.customers import CustomerAddress
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage, MessageKind, MessageStatus, ReceiptError
from lia_core.domain.recipients import Phone

from .api_support import NOW, Client, Headers, problem

MARIA = "5531987654321"
JOAO = "5521912345678"


def later(minutes: int) -> datetime:
    """*minutes* after the fixed clock's time."""
    return NOW + timedelta(minutes=minutes)


def chat(
    cid: str,
    phone: str,
    minutes: int,
    status: ConversationStatus,
    channel: Channel = Channel.WHATSAPP,
) -> Conversation:
    """A conversation (one per channel and phone) whose last message came *minutes* after NOW."""
    return Conversation(
        id=cid, channel=channel, chat_id=phone, contact_phone=phone,
        client_name="Maria" if phone == MARIA else "João", status=status,
        last_message=f"last of {cid}", last_message_at=later(minutes), created_at=NOW,
        updated_at=later(minutes),
    )  # fmt: skip


@pytest.fixture(autouse=True)
async def seeded(store: InMemoryStore) -> None:
    """Maria (CRM address, chats c-1 answered by outage f-7 and c-2) and João (chat c-3)."""
    async with store.unit_of_work() as uow:
        home = CustomerAddress(city="Teresópolis", neighbourhood="Alto", cep="25960-000")
        await uow.contacts.save_many([
            Contact(phone=Phone(MARIA), name="Maria", crm_id="c-9", addresses=(home,),
                    address_source="customer", address_checked_at=NOW, created_at=NOW,
                    updated_at=NOW),
            Contact(phone=Phone(JOAO), name="João", created_at=NOW, updated_at=NOW),
        ])  # fmt: skip
        answered = chat("c-1", MARIA, 20, ConversationStatus.ACTIVE)
        answered.gate = GateMemory(outage_ids=("f-7",))
        await uow.conversations.save_many([
            answered,
            chat("c-2", MARIA, 5, ConversationStatus.RESOLVED, Channel.SMS),
            chat("c-3", JOAO, 10, ConversationStatus.WAITING),
        ])  # fmt: skip
        sent = [
            (f"in-{n}", InboundMessage(channel=Channel.WHATSAPP, provider_message_id=f"w{n}",
                                       sender=Phone(MARIA), reply_to=MARIA, sent_at=later(n),
                                       text=f"pergunta {n}"))
            for n in (0, 20)
        ]  # fmt: skip
        await uow.messages.add_inbound(sent, stored_at=NOW)
        await uow.messages.mark_processed({mid: "c-1" for mid, _ in sent}, at=NOW)
        await uow.messages.add_outbound([
            StoredMessage(id="out-1", conversation_id="c-1", channel=Channel.WHATSAPP,
                          direction=Direction.OUTBOUND, contact_phone=MARIA,
                          kind=MessageKind.TEXT, text="Há uma falha na sua região.",
                          status=MessageStatus.FAILED, sent_at=later(1), status_at=later(2),
                          error=ReceiptError(code="131047", title="Re-engagement message")),
        ])  # fmt: skip
        await uow.commit()


async def test_get_contact_by_any_phone_format(client: Client, agent: Headers) -> None:
    """An agent reads a contact by a local number: addresses, then conversations newest first."""
    response = await client.get("/api/v1/contacts/(31) 8765-4321", headers=agent)
    assert response.status_code == 200, response.text
    body = response.json()
    contact = body["contact"]
    assert (contact["phone"], contact["name"], contact["crm_id"]) == (MARIA, "Maria", "c-9")
    assert contact["address_source"] == "customer"
    assert contact["address_checked_at"] == "2026-05-20T12:00:00-03:00"
    assert contact["addresses"] == [
        {"contract_id": None, "street": None, "number": None, "neighbourhood": "Alto",
         "city": "Teresópolis", "state": None, "cep": "25960-000"},
    ]  # fmt: skip
    assert [c["id"] for c in body["conversations"]] == ["c-1", "c-2"]
    assert body["conversations"][0]["answered_by_outage"] is True


async def test_list_conversations_filters(client: Client, agent: Headers) -> None:
    """Most recent first; status, phone (any format) and limit filter the list."""
    url = "/api/v1/conversations"
    listed = (await client.get(url, headers=agent)).json()
    assert [c["id"] for c in listed] == ["c-1", "c-3", "c-2"]
    first = listed[0]
    assert (first["status"], first["contact_phone"], first["client_name"]) == (
        "active",
        MARIA,
        "Maria",
    )
    assert first["gate"]["outage_ids"] == ["f-7"]
    assert first["last_message_at"] == "2026-05-20T12:20:00-03:00"
    waiting = (await client.get(url, params={"status": "waiting"}, headers=agent)).json()
    assert [c["id"] for c in waiting] == ["c-3"]
    mine = await client.get(url, params={"phone": "+55 31 98765-4321", "limit": 1}, headers=agent)
    assert [c["id"] for c in mine.json()] == ["c-1"]


async def test_get_conversation_messages_oldest_first(client: Client, agent: Headers) -> None:
    """The conversation with its messages both ways, oldest first; `limit` keeps the last N."""
    body = (await client.get("/api/v1/conversations/c-1", headers=agent)).json()
    assert body["conversation"]["id"] == "c-1"
    assert [(m["id"], m["direction"], m["status"]) for m in body["messages"]] == [
        ("in-0", "inbound", "RECEIVED"),
        ("out-1", "outbound", "FAILED"),
        ("in-20", "inbound", "RECEIVED"),
    ]
    failed = body["messages"][1]
    assert failed["error"] == {"code": "131047", "title": "Re-engagement message"}
    assert failed["text"] == "Há uma falha na sua região."
    assert failed["sent_at"] == "2026-05-20T12:01:00-03:00"
    last = await client.get("/api/v1/conversations/c-1", params={"limit": 1}, headers=agent)
    assert [m["text"] for m in last.json()["messages"]] == ["pergunta 20"]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/conversations?status=open", "status"),
        ("/api/v1/conversations?limit=0", "limit"),
        ("/api/v1/conversations?phone=12", "phone"),
        ("/api/v1/conversations/c-1?limit=501", "limit"),
        ("/api/v1/contacts/abc", "phone"),
    ],
)
async def test_bad_input_is_422_naming_the_field(
    client: Client, agent: Headers, path: str, field: str
) -> None:
    """An unknown status, an out-of-range limit or a malformed phone: 422 with its field."""
    problem(await client.get(path, headers=agent), 422, field=field)


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/api/v1/contacts/21999990001", "contact '5521999990001' not found"),
        ("/api/v1/conversations/nope", "conversation 'nope' not found"),
    ],
)
async def test_unknown_is_404(client: Client, agent: Headers, path: str, detail: str) -> None:
    """An unknown contact or conversation is a 404 problem saying which."""
    body = problem(await client.get(path, headers=agent), 404)
    assert (body["type"], body["detail"]) == ("urn:lia:problem:not-found", detail)


@pytest.mark.parametrize(
    "path", ["/api/v1/contacts/5531987654321", "/api/v1/conversations", "/api/v1/conversations/c-1"]
)
async def test_reading_needs_a_token(client: Client, path: str) -> None:
    """Without a token every route is 401."""
    problem(await client.get(path), 401)
