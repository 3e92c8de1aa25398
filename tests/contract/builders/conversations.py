"""Builders for the inbound-pipeline suites: messages, contacts, conversations, replies, receipts."""

from __future__ import annotations

from datetime import datetime, timedelta

from lia_core.domain.conversations import (
    Awaiting,
    Contact,
    Conversation,
    ConversationStatus,
    Direction,
    GateMemory,
    StoredMessage,
)
from lia_core.domain.customers import CustomerAddress
from lia_core.domain.delivery import (
    Channel,
    JobContext,
    JobName,
    JobStatus,
    Lane,
    MessageContent,
    OutboundJob,
)
from lia_core.domain.inbound import (
    InboundMessage,
    MessageKind,
    MessageStatus,
    ReceiptError,
    StatusUpdate,
)
from lia_core.domain.recipients import Phone
from lia_core.ports import UnitOfWorkFactory
from tests.contract.builders.outages import BRT, T0

__all__ = [
    "BRT",
    "PHONE",
    "T0",
    "UNDELIVERABLE",
    "WA",
    "a_contact",
    "a_conversation",
    "a_reply",
    "a_reply_job",
    "add_inbound",
    "inbound",
    "receipt",
    "record",
    "shown",
]


PHONE = "5521999990001"


WA = Channel.WHATSAPP


UNDELIVERABLE = ReceiptError(code="131026", title="Mensagem não entregue")


def inbound(pid: str = "wamid.1", *, sender: str = PHONE, sent_at: datetime = T0) -> InboundMessage:
    """A customer's text on WhatsApp, replies going to the id without the ninth digit."""
    return InboundMessage(
        channel=WA,
        provider_message_id=pid,
        sender=Phone(sender),
        reply_to="552199990001",
        sent_at=sent_at,
        display_name="Ana Sá",
        text=f"sem internet ({pid})",
    )


def a_contact(phone: str = PHONE, *, name: str = "Ana") -> Contact:
    """A contact with every field set, two addresses, timestamps in two zones."""
    return Contact(
        phone=Phone(phone),
        name=name,
        document="123.456.789-00",
        crm_id="crm-7",
        addresses=(
            CustomerAddress(
                city="Teresópolis",
                neighbourhood="Várzea",
                cep="25953-000",
                street="Rua Édson",
                number="12",
                state="RJ",
                contract_id="k-1",
            ),
            CustomerAddress(city="Niterói", cep="24020-000"),
        ),
        address_source="crm",
        address_checked_at=datetime(2026, 3, 10, 9, 0, 0, 7, tzinfo=BRT),
        last_interaction_at=T0,
        created_at=T0,
        updated_at=T0 + timedelta(minutes=1),
    )


def a_conversation(
    conversation_id: str = "c-1",
    *,
    chat: str = "552199990001",
    at: datetime = T0,
    status: ConversationStatus = ConversationStatus.ACTIVE,
    phone: str = PHONE,
    gate: GateMemory | None = None,
    version: int = 0,
) -> Conversation:
    """A WhatsApp conversation; unless given, a gate memory with every field set (new: version 0)."""
    full = GateMemory(
        awaiting=Awaiting.ADDRESS,
        attempts=2,
        options=(CustomerAddress(city="Magé", cep="25900-000"),),
        outage_ids=("f-1",),
        escaped=True,
        reminded_at=datetime(2026, 3, 10, 8, 0, tzinfo=BRT),
    )
    return Conversation(
        id=conversation_id,
        channel=WA,
        chat_id=chat,
        contact_phone=phone,
        client_name="Ana",
        status=status,
        last_message="sem internet",
        last_message_at=at,
        created_at=T0,
        updated_at=at,
        status_reason="outage",
        gate=full if gate is None else gate,
        version=version,
    )


def a_reply(message_id: str, *, key: str | None, sent_at: datetime = T0) -> StoredMessage:
    """A reply in conversation c-1, carried by the job queued under *key*."""
    return StoredMessage(
        id=message_id,
        conversation_id="c-1",
        channel=WA,
        direction=Direction.OUTBOUND,
        contact_phone=PHONE,
        kind=MessageKind.TEXT,
        text="Já estamos verificando.",
        status=MessageStatus.PENDING,
        sent_at=sent_at,
        job_key=key,
    )


def a_reply_job(
    job_id: str, *, status: JobStatus = JobStatus.PENDING, pid: str | None = None
) -> OutboundJob:
    """A WhatsApp job keyed ``key-<id>``, in *status*, with provider id *pid*."""
    return OutboundJob(
        id=job_id,
        job_name=JobName.SEND_WHATSAPP,
        channel=WA,
        recipient=Phone.stored(PHONE),
        content=MessageContent(text="Já estamos verificando."),
        context=JobContext(source="test"),
        idempotency_key=f"key-{job_id}",
        lane=Lane.LIVE,
        status=status,
        next_attempt_at=T0,
        provider_message_id=pid,
        created_at=T0,
        updated_at=T0 + timedelta(seconds=5),
    )


def receipt(pid: str, status: MessageStatus, *, at: datetime = T0) -> StatusUpdate:
    """A WhatsApp receipt; failures carry an error."""
    error = UNDELIVERABLE if status is MessageStatus.FAILED else None
    return StatusUpdate(
        channel=WA, provider_message_id=pid, status=status, at=at, recipient=PHONE, error=error
    )


async def add_inbound(
    uow_factory: UnitOfWorkFactory, *pairs: tuple[str, InboundMessage], at: datetime = T0
) -> list[str]:
    """Store and commit; the ids reported new."""
    async with uow_factory() as uow:
        new = await uow.messages.add_inbound(pairs, stored_at=at)
        await uow.commit()
    return [p.id for p in new]


async def record(uow_factory: UnitOfWorkFactory, *updates: StatusUpdate) -> int:
    """Record receipts and commit; how many changed a status."""
    async with uow_factory() as uow:
        changed = await uow.messages.record_receipts(updates)
        await uow.commit()
    return len(changed)


async def shown(
    uow_factory: UnitOfWorkFactory, conversation_id: str = "c-1"
) -> list[StoredMessage]:
    """The conversation's last 50 messages."""
    async with uow_factory() as uow:
        return list(await uow.messages.for_conversation(conversation_id, limit=50))
