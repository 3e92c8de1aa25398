"""`lia contact show` and `lia conversation list|show` in-process over the in-memory store."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lia_adapters.memory import InMemoryCustomerDirectory, InMemoryStore
from lia_core.domain.conversations import (
    Awaiting,
    Contact,
    Conversation,
    ConversationStatus,
    Direction,
    GateMemory,
    StoredMessage,
)
from lia_core.domain.customers import Customer, CustomerAddress
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage, MessageKind, MessageStatus, ReceiptError
from lia_core.domain.recipients import Phone
from lia_core.services.failures import CheckLocationHandler
from lia_core.services.inbound import HumanQueueRouter, ProcessInboundHandler
from lia_core.services.ingest import ActiveFailures, IngestHandler

from .cli_harness import NOW, CliHarness

MARIA = "5531987654321"
JOAO = "5521912345678"
CENTRO = CustomerAddress(
    contract_id="k-1", street="Rua das Flores", number="10", neighbourhood="Centro",
    city="Teresópolis", state="RJ", cep="25953-120",
)  # fmt: skip
ALTO = CustomerAddress(contract_id="k-2", neighbourhood="Alto", city="Teresópolis", cep="25960-000")


def later(minutes: int) -> datetime:
    """*minutes* after the harness clock's start."""
    return NOW + timedelta(minutes=minutes)


def chat(
    cid: str,
    channel: Channel,
    phone: str,
    minutes: int,
    *,
    name: str = "",
    status: ConversationStatus = ConversationStatus.ACTIVE,
    reason: str | None = None,
    last: str = "",
    gate: GateMemory | None = None,
) -> Conversation:
    """A conversation whose last message came *minutes* after NOW."""
    return Conversation(
        id=cid, channel=channel, chat_id=phone, contact_phone=phone, client_name=name,
        status=status, status_reason=reason, last_message=last, last_message_at=later(minutes),
        created_at=NOW, updated_at=later(minutes), gate=gate or GateMemory(),
    )  # fmt: skip


def inbound(
    mid: str, minutes: int, text: str, kind: MessageKind = MessageKind.TEXT
) -> tuple[str, InboundMessage]:
    """An inbound WhatsApp message from Maria, *minutes* after NOW."""
    message = InboundMessage(
        channel=Channel.WHATSAPP, provider_message_id=f"wamid.{mid}", sender=Phone(MARIA),
        reply_to="553187654321", sent_at=later(minutes), kind=kind, text=text,
    )  # fmt: skip
    return mid, message


def reply(
    mid: str, minutes: int, text: str, status: MessageStatus, error: ReceiptError | None = None
) -> StoredMessage:
    """An outbound WhatsApp message to Maria in conversation c-wa."""
    return StoredMessage(
        id=mid, conversation_id="c-wa", channel=Channel.WHATSAPP, direction=Direction.OUTBOUND,
        contact_phone=MARIA, kind=MessageKind.TEXT, text=text, status=status,
        sent_at=later(minutes), status_at=later(minutes + 1), job_key=f"job-{mid}", error=error,
    )  # fmt: skip


async def _seed(store: InMemoryStore) -> None:
    async with store.unit_of_work() as uow:
        await uow.contacts.save_many([
            Contact(phone=Phone(MARIA), name="Maria Souza", crm_id="c-1", document="123.456.789-00",
                    addresses=(CENTRO, ALTO), address_source="crm", address_checked_at=NOW,
                    last_interaction_at=later(30), created_at=NOW - timedelta(days=1),
                    updated_at=NOW),
            Contact(phone=Phone(JOAO), name="João", created_at=NOW, updated_at=NOW),
        ])  # fmt: skip
        await uow.conversations.save_many([
            chat("c-wa", Channel.WHATSAPP, MARIA, 30, name="Maria Souza",
                 status=ConversationStatus.WAITING, reason="asked for a human",
                 last="quero um atendente\nagora",
                 gate=GateMemory(outage_ids=("f-9",), escaped=True)),
            chat("c-sms", Channel.SMS, MARIA, 10, status=ConversationStatus.RESOLVED, last="ok",
                 gate=GateMemory(awaiting=Awaiting.CEP, attempts=1)),
            chat("c-joao", Channel.EVOLUTION, JOAO, 20, name="João", last="oi"),
        ])  # fmt: skip
        pairs = [
            inbound("m1", 0, "Oi, estou sem internet"),
            inbound("m3", 5, "", MessageKind.LOCATION),
            inbound("m5", 30, "quero um atendente\nagora"),
        ]
        await uow.messages.add_inbound(pairs, stored_at=NOW)
        await uow.messages.mark_processed({mid: "c-wa" for mid, _ in pairs}, at=NOW)
        await uow.messages.add_outbound([
            reply("m2", 1, "Olá Maria, há uma falha em Teresópolis.", MessageStatus.DELIVERED),
            reply("m4", 6, "Um atendente vai falar com você.", MessageStatus.FAILED,
                  ReceiptError(code="131026", title="Message undeliverable")),
        ])  # fmt: skip
        await uow.commit()


@pytest.fixture
def seeded(lia: CliHarness) -> CliHarness:
    """The CLI over Maria (two conversations, five messages) and João (one conversation)."""
    asyncio.run(_seed(lia.store))
    return lia


def test_contact_show_finds_any_phone_format(seeded: CliHarness) -> None:
    """A local format finds the canonical contact: addresses with source and check time, chats."""
    out = seeded.ok("contact", "show", "(31) 8765-4321").stdout
    assert "Contact       Maria Souza (5531987654321)" in out
    assert "CRM id        c-1" in out
    assert "Addresses (from crm, checked 2026-05-20 09:00 -03)" in out
    assert "k-1       Rua das Flores 10  Centro  Teresópolis  RJ  25953-120" in out
    assert "k-2       -                  Alto    Teresópolis  -   25960-000" in out
    talks = out.split("Conversations\n")[1].splitlines()
    assert talks[0] == "ID     CHANNEL   STATUS    OUTAGE  LAST AT               LAST MESSAGE"
    assert [line.split()[0] for line in talks[1:]] == ["c-wa", "c-sms"]  # most recent first
    assert (
        "c-wa   whatsapp  waiting   f-9     2026-05-20 09:30 -03  quero um atendente agora" in out
    )


def test_contact_show_json(seeded: CliHarness) -> None:
    """--json: the contact with ISO times in the ISP's offset, then its conversations."""
    doc = seeded.json("contact", "show", "+55 31 98765-4321")
    contact = doc["contact"]
    assert (contact["phone"], contact["name"], contact["crm_id"], contact["document"]) == (
        MARIA, "Maria Souza", "c-1", "123.456.789-00",
    )  # fmt: skip
    assert contact["address_source"] == "crm"
    assert contact["address_checked_at"] == "2026-05-20T09:00:00-03:00"
    assert contact["last_interaction_at"] == "2026-05-20T09:30:00-03:00"
    assert contact["addresses"][0] == {
        "contract_id": "k-1", "street": "Rua das Flores", "number": "10",
        "neighbourhood": "Centro", "city": "Teresópolis", "state": "RJ", "cep": "25953-120",
    }  # fmt: skip
    assert [c["id"] for c in doc["conversations"]] == ["c-wa", "c-sms"]
    assert doc["conversations"][1]["gate"]["awaiting"] == "cep"


def test_contact_without_address_or_conversation(lia: CliHarness) -> None:
    """A contact the gate never located says so instead of printing empty tables."""
    contact = Contact(phone=Phone(JOAO), name="João", created_at=NOW, updated_at=NOW)

    async def save() -> None:
        async with lia.store.unit_of_work() as uow:
            await uow.contacts.save_many([contact])
            await uow.commit()

    asyncio.run(save())
    out = lia.ok("contact", "show", JOAO).stdout
    assert "no address on file" in out
    assert out.rstrip().endswith("no conversations")


def test_conversation_list_masks_phones_and_filters(seeded: CliHarness) -> None:
    """Most recent first, phones masked in the table; --status, --phone and --limit filter."""
    lines = seeded.ok("conversation", "list").stdout.splitlines()
    assert [line.split()[0] for line in lines[1:]] == ["c-wa", "c-joao", "c-sms"]
    assert "c-wa    whatsapp   5531*****4321  Maria Souza  waiting   f-9" in lines[1]
    assert MARIA not in "\n".join(lines)
    waiting = seeded.json("conversation", "list", "--status", "WAITING")["items"]
    assert [c["id"] for c in waiting] == ["c-wa"]
    assert waiting[0]["contact_phone"] == MARIA  # --json keeps the number
    assert waiting[0]["answered_by_outage"] is True
    assert waiting[0]["gate"]["outage_ids"] == ["f-9"]
    assert waiting[0]["status_reason"] == "asked for a human"
    mine = seeded.json("conversation", "list", "--phone", "(31) 8765-4321", "--limit", "1")
    assert [c["id"] for c in mine["items"]] == ["c-wa"]
    assert seeded.json("conversation", "list", "--status", "archived") == {"items": []}
    assert seeded.ok("conversation", "list", "--status", "archived").stdout == (
        "no conversations match\n"
    )


def test_conversation_show_lists_messages_oldest_first(seeded: CliHarness) -> None:
    """The header, then one line per message: local time, arrow, status (and error), text."""
    out = seeded.ok("conversation", "show", "c-wa").stdout
    head, messages = out.split("\n\n")
    assert head.splitlines()[0] == "conversation c-wa"
    assert "Status        waiting (asked for a human)" in head
    assert "Outage        answered by f-9" in head
    assert "Escaped       asked for a human while answered by the outage" in head
    assert messages.splitlines() == [
        "2026-05-20 09:00 -03  ←  RECEIVED   Oi, estou sem internet",
        "2026-05-20 09:01 -03  →  DELIVERED  Olá Maria, há uma falha em Teresópolis.",
        "2026-05-20 09:05 -03  ←  RECEIVED   [location]",
        "2026-05-20 09:06 -03  →  FAILED     Um atendente vai falar com você.",
        "                                    error 131026: Message undeliverable",
        "2026-05-20 09:30 -03  ←  RECEIVED   quero um atendente",
        "                                    agora",
    ]
    gate = seeded.ok("conversation", "show", "c-sms").stdout
    assert "Awaiting      cep, 1 not understood" in gate
    assert gate.rstrip().endswith("no messages")


def test_conversation_show_json_and_limit(seeded: CliHarness) -> None:
    """--json gives every message field; --limit keeps the last N, still oldest first."""
    doc = seeded.json("conversation", "show", "c-wa")
    assert doc["conversation"]["id"] == "c-wa"
    assert [m["id"] for m in doc["messages"]] == ["m1", "m2", "m3", "m4", "m5"]
    failed = doc["messages"][3]
    assert (failed["direction"], failed["status"], failed["job_key"]) == (
        "outbound", "FAILED", "job-m4",
    )  # fmt: skip
    assert failed["error"] == {"code": "131026", "title": "Message undeliverable"}
    assert failed["sent_at"] == "2026-05-20T09:06:00-03:00"
    first = doc["messages"][0]
    assert (first["direction"], first["status"], first["kind"]) == ("inbound", "RECEIVED", "text")
    assert first["provider_message_id"] == "wamid.m1"
    assert first["conversation_id"] == "c-wa"
    last_two = seeded.json("conversation", "show", "c-wa", "--limit", "2")["messages"]
    assert [m["id"] for m in last_two] == ["m4", "m5"]
    text = seeded.ok("conversation", "show", "c-wa", "--limit", "2").stdout
    assert text.rstrip().endswith("(the last 2 messages; --limit for more)")


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("contact", "show", "abc"), "PHONE"),
        (("conversation", "list", "--phone", "12"), "--phone"),
    ],
)
def test_malformed_phone_exits_2_naming_it(
    seeded: CliHarness, args: tuple[str, ...], flag: str
) -> None:
    """A phone that cannot be a number is bad input, named by its argument or flag."""
    result = seeded(*args, "--json")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {flag}: not a")
    assert len(result.stderr.splitlines()) == 1
    assert json.loads(result.stdout)["error"]["field"] == flag


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("conversation", "list", "--status", "open"), "--status"),
        (("conversation", "list", "--limit", "0"), "--limit"),
        (("conversation", "show", "c-wa", "--limit", "501"), "--limit"),
    ],
)
def test_bad_option_is_a_usage_error(seeded: CliHarness, args: tuple[str, ...], flag: str) -> None:
    """An unknown status or an out-of-range limit is exit 2 naming the flag."""
    result = seeded(*args)
    assert result.exit_code == 2
    assert flag in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("contact", "show", "(21) 99999-0001"), "contact '5521999990001' not found"),
        (("conversation", "show", "nope"), "conversation 'nope' not found"),
    ],
)
def test_unknown_is_exit_1(seeded: CliHarness, args: tuple[str, ...], message: str) -> None:
    """An unknown contact or conversation is refused with a one-line message (JSON too)."""
    result = seeded(*args, "--json")
    assert result.exit_code == 1
    assert result.stderr == f"error: {message}\n"
    error = json.loads(result.stdout)["error"]
    assert (error["kind"], error["exit_code"]) == ("not_found", 1)


def test_pipeline_conversation_is_readable(lia: CliHarness) -> None:
    """A message that ran through ingest and the gate shows up with the outage notice it got."""
    lia.ok("failure", "create", "--name", "Fibra", "--message", "Olá {nome}, falha em {regiao}.",
           "--region", "Teresópolis")  # fmt: skip
    crm = InMemoryCustomerDirectory()
    crm.add(Customer(crm_id="c-1", phone=MARIA, name="Maria", addresses=(CENTRO,)))
    uow = lia.store.unit_of_work
    process = ProcessInboundHandler(
        uow=uow, clock=lia.clock, ids=lia.ids, router=HumanQueueRouter(), directory=crm,
        failures=ActiveFailures(CheckLocationHandler(uow), lia.clock, timedelta(0)),
        tz=ZoneInfo("America/Sao_Paulo"),
    )  # fmt: skip

    async def receive() -> None:
        report = await IngestHandler(uow, lia.clock, lia.ids)([inbound("w1", 0, "sem internet")[1]])
        await process(report.new)

    asyncio.run(receive())
    (listed,) = lia.json("conversation", "list", "--phone", "31 8765-4321")["items"]
    assert listed["answered_by_outage"] is True
    messages = lia.ok("conversation", "show", listed["id"]).stdout.split("\n\n")[1].splitlines()
    assert messages[0].endswith("←  RECEIVED  sem internet")
    assert messages[1].endswith("→  PENDING   Olá Maria, falha em Teresópolis.")
    assert "k-1       Rua das Flores 10" in lia.ok("contact", "show", MARIA).stdout
