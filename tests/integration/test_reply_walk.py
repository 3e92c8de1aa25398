"""Issue 14's agent messages, on SQLite and PostgreSQL through `lia stub-provider`: an agent's
reply goes out on the real WhatsApp Cloud sender and its receipts (a Cloud API status webhook
through the real parser) move it to READ; a note never reaches the provider; after the
24-hour window a free text is refused before queuing and a canned response goes out as its
approved template. Runs the real composition root (`bootstrap`) with a settable clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.memory import FixedClock
from lia_adapters.webhooks.whatsapp_cloud import parse_cloud_api_webhook
from lia_core.domain.activity import Actor
from lia_core.domain.conversations import StoredMessage
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage, MessageStatus
from lia_core.domain.recipients import Phone
from lia_core.domain.users import Role
from lia_core.errors import OutsideServiceWindow
from lia_core.services import CreateUser, ListConversations, Reply, SaveCannedResponse, Services
from lia_core.services.users import UpdateUser
from lia_entrypoints.bootstrap import Runtime, bootstrap
from lia_entrypoints.settings import Settings

from .delivery.processes import stub_provider

SP = ZoneInfo("America/Sao_Paulo")
MONDAY_10H = datetime(2026, 5, 4, 10, 0, tzinfo=SP)
CUSTOMER = "5511987654321"
ADMIN = Actor(name="ana.admin")


def _statuses(wamid: str, *steps: tuple[str, datetime]) -> object:
    """A Cloud API status webhook body: *wamid* moved through *steps*."""
    statuses = [
        {
            "id": wamid,
            "status": status,
            "timestamp": str(int(at.timestamp())),
            "recipient_id": CUSTOMER,
        }
        for status, at in steps
    ]
    value = {"messaging_product": "whatsapp", "metadata": {}, "statuses": statuses}
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "waba", "changes": [{"field": "messages", "value": value}]}],
    }


def _sent_to_customer(stub: str) -> int:
    counts = httpx.get(f"{stub}/_stub/requests", timeout=5).json()
    return sum(
        n
        for provider in counts["providers"].values()
        for recipient, n in provider["accepted"].items()
        if CUSTOMER in recipient
    )


async def _message(services: Services, cid: str, message_id: str) -> StoredMessage:
    """One message of the conversation as it is shown now."""
    shown = (await services.get_conversation(cid)).messages
    return next(m for m in shown if m.id == message_id)


async def _drain(runtime: Runtime) -> None:
    for _ in range(3):
        await runtime.services.dispatcher.run_once(owner="walk")


async def test_a_reply_reaches_the_customer_and_its_receipts_move_it_to_read(
    migrated_engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    """The walk of one agent's messages, end to end."""
    del migrated_engine  # migrated for bootstrap, which opens its own engine
    clock = FixedClock(MONDAY_10H.astimezone(UTC))
    with stub_provider({}, cwd=tmp_path) as stub:
        settings = Settings(
            _env_file=None,
            database_url=database_url,
            data_dir=tmp_path,
            timezone="America/Sao_Paulo",
            whatsapp={"base_url": stub, "phone_number_id": "1234567890", "access_token": "t"},
            delivery={"pair_interval_seconds": 0},
        )
        runtime = await bootstrap(settings, clock=clock)
        try:
            await _walk(runtime, clock, stub)
        finally:
            await runtime.aclose()


async def _walk(runtime: Runtime, clock: FixedClock, stub: str) -> None:
    services = runtime.services
    await services.create_user(
        CreateUser(username="bia", password="segredo-12345", role=Role.AGENT, actor=ADMIN)
    )
    await services.update_user(
        UpdateUser(username="bia", actor=ADMIN, departments=("general", "support"), full_name="Bia")
    )
    bia = await services.get_user("bia")
    as_bia = Actor(name="bia")

    # The customer wrote 20 minutes ago (provider time); the gate hands it to the queue.
    written = clock.now() - timedelta(minutes=20)
    message = InboundMessage(
        channel=Channel.WHATSAPP,
        provider_message_id="wamid.in-1",
        sender=Phone(CUSTOMER),
        reply_to=CUSTOMER,
        sent_at=written,
        text="quero falar com um atendente",
        display_name="Maria Clara",
    )
    report = await services.ingest([message])
    await services.process_inbound(report.new)
    (conversation,) = await services.list_conversations(ListConversations())
    cid = conversation.id

    await _drain(runtime)  # whatever the bot said on the way to the human queue
    # The reply: PENDING, then SENT by the worker through the stub, then DELIVERED and READ.
    sent = await services.replies.reply(
        Reply(conversation_id=cid, text="Olá Maria, vou verificar."), author=bia, actor=as_bia
    )
    assert sent.message.status is MessageStatus.PENDING
    before = _sent_to_customer(stub)
    await _drain(runtime)
    assert _sent_to_customer(stub) == before + 1
    shown = await _message(services, cid, sent.message.id)
    assert shown.status is MessageStatus.SENT
    assert shown.provider_message_id is not None
    wamid = shown.provider_message_id
    batch = parse_cloud_api_webhook(
        _statuses(wamid, ("delivered", clock.now()), ("read", clock.now() + timedelta(seconds=30)))
    )
    await services.ingest([], batch.statuses)
    shown = await _message(services, cid, sent.message.id)
    assert shown.status is MessageStatus.READ

    # A note stays on the ticket: the provider hears nothing.
    await services.replies.note(cid, "cliente reiniciou o modem", author=bia, actor=as_bia)
    await _drain(runtime)
    assert _sent_to_customer(stub) == before + 1

    # 24 hours after the customer's message (provider time), free text is refused before
    # queuing; the canned response with an approved template goes out as that template.
    await services.canned.create(
        SaveCannedResponse(
            key="retomada",
            title="Retomada",
            body="Olá {{contact.first_name}}, aqui é {{agent.name}}.",
            whatsapp_template="retomada_atendimento",
        ),
        ADMIN,
    )
    clock.set(written + timedelta(hours=24))
    with pytest.raises(OutsideServiceWindow):
        await services.replies.reply(
            Reply(conversation_id=cid, text="ainda aí?"), author=bia, actor=as_bia
        )
    late = await services.replies.reply(
        Reply(conversation_id=cid, template="retomada"), author=bia, actor=as_bia
    )
    assert late.job.content.template == "retomada_atendimento"
    assert late.job.content.params == ("Maria", "Bia")
    await _drain(runtime)
    assert _sent_to_customer(stub) == before + 2
    assert (await _message(services, cid, late.message.id)).status is MessageStatus.SENT
