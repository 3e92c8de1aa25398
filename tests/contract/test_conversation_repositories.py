"""The inbound-pipeline storage contract: contacts, conversations, messages, receipts, and the
outbox and notice methods ingest relies on, on the fake, SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.sql import SqlUnitOfWorkFactory
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
from lia_core.domain.notices import NoticeKind
from lia_core.domain.recipients import Phone
from lia_core.errors import NotFound
from lia_core.ports import UnitOfWorkFactory
from tests.contract.test_delivery_repositories import a_notice, store_failures

BRT = timezone(timedelta(hours=-3), "BRT")
T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
PHONE = "5521999990001"
WA = Channel.WHATSAPP
UNDELIVERABLE = ReceiptError(code="131026", title="Mensagem não entregue")


def inbound(pid: str = "wamid.1", *, sender: str = PHONE, sent_at: datetime = T0) -> InboundMessage:
    """A customer's text on WhatsApp, replies going to the id without the ninth digit."""
    return InboundMessage(
        channel=WA,
        provider_message_id=pid,
        sender=sender,
        reply_to="552199990001",
        sent_at=sent_at,
        display_name="Ana Sá",
        text=f"sem internet ({pid})",
    )


def a_contact(phone: str = PHONE, *, name: str = "Ana") -> Contact:
    """A contact with every field set, two addresses, timestamps in two zones."""
    return Contact(
        phone=phone,
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


def a_job(
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


@pytest.fixture
def sql_uow_factory(migrated_engine: AsyncEngine) -> UnitOfWorkFactory:
    """Units of work on each real database, where overlapping transactions really overlap.

    The fake runs a unit of work without yielding, so it only overlaps another when the
    caller awaits in between; its commit then keeps the earlier writer's unique keys.
    """
    return SqlUnitOfWorkFactory(migrated_engine)


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
    return changed


async def shown(
    uow_factory: UnitOfWorkFactory, conversation_id: str = "c-1"
) -> list[StoredMessage]:
    """The conversation's last 50 messages."""
    async with uow_factory() as uow:
        return list(await uow.messages.for_conversation(conversation_id, limit=50))


# --- contacts ----------------------------------------------------------------------------


async def test_contact_round_trips_and_get_many_returns_the_known(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Every contact field survives; get_many ignores unknown phones; get of one raises NotFound."""
    contact = a_contact()
    async with uow_factory() as uow:
        await uow.contacts.save_many([contact])
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.contacts.get(PHONE) == contact
        assert await uow.contacts.get_many([PHONE, "5521000000000"]) == {PHONE: contact}
        assert await uow.contacts.get_many([]) == {}
        with pytest.raises(NotFound):
            await uow.contacts.get("5521000000000")


async def test_contact_save_replaces_by_phone(uow_factory: UnitOfWorkFactory) -> None:
    """Saving a known phone replaces it; within one batch the last of a phone wins."""
    async with uow_factory() as uow:
        await uow.contacts.save_many([a_contact(), a_contact("5521988887777")])
        await uow.commit()
    moved = attrs.evolve(a_contact(name="Ana Maria"), addresses=(), address_source=None)
    async with uow_factory() as uow:
        await uow.contacts.save_many([a_contact(name="ignored"), moved])
        await uow.commit()

    async with uow_factory() as uow:
        found = await uow.contacts.get_many([PHONE, "5521988887777"])
    assert found == {PHONE: moved, "5521988887777": a_contact("5521988887777")}


# --- conversations -----------------------------------------------------------------------


async def test_conversation_round_trips_with_its_gate_memory(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Every field and the whole gate memory survive get and get_many, keyed by chat."""
    conversation = a_conversation()
    async with uow_factory() as uow:
        await uow.conversations.save_many([conversation])
        await uow.commit()

    async with uow_factory() as uow:
        loaded = await uow.conversations.get("c-1")
        by_chat = await uow.conversations.get_many(
            [(WA, "552199990001"), (Channel.SMS, "552199990001")]
        )
        with pytest.raises(NotFound):
            await uow.conversations.get("c-404")
    assert loaded == conversation
    assert loaded.gate == conversation.gate
    assert loaded.answered_by_outage
    assert by_chat == {(WA, "552199990001"): conversation}


async def test_conversation_save_replaces_by_id(uow_factory: UnitOfWorkFactory) -> None:
    """A known id is rewritten (status, gate, timestamps); new ones in the batch are inserted."""
    async with uow_factory() as uow:
        await uow.conversations.save_many([a_conversation()])
        await uow.commit()
    changed = a_conversation(
        status=ConversationStatus.WAITING, gate=GateMemory(), at=T0 + timedelta(hours=1), version=1
    )
    other = a_conversation("c-2", chat="5521911112222", gate=GateMemory())
    async with uow_factory() as uow:
        await uow.conversations.save_many([changed, other])
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.conversations.get("c-1") == changed
        assert await uow.conversations.get("c-2") == other
        assert not (await uow.conversations.get("c-1")).answered_by_outage


async def test_a_stored_conversation_keeps_its_chat_key(uow_factory: UnitOfWorkFactory) -> None:
    """Saving a known id under another chat key rewrites the rest but keeps the stored key."""
    async with uow_factory() as uow:
        await uow.conversations.save_many([a_conversation()])
        await uow.commit()
    async with uow_factory() as uow:
        moved = a_conversation(chat="elsewhere", status=ConversationStatus.WAITING, version=1)
        await uow.conversations.save_many([moved])
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.conversations.get_many([(WA, "elsewhere")]) == {}
        assert await uow.conversations.get("c-1") == attrs.evolve(moved, chat_id="552199990001")


async def test_a_chat_key_keeps_its_first_conversation(uow_factory: UnitOfWorkFactory) -> None:
    """A second id for a stored or same-batch chat key is skipped; the rest is saved."""
    async with uow_factory() as uow:
        await uow.conversations.save_many([a_conversation()])
        await uow.commit()
    async with uow_factory() as uow:
        await uow.conversations.save_many(
            [
                a_conversation("c-9"),
                a_conversation("c-2", chat="x"),
                a_conversation("c-3", chat="x"),
            ]
        )
        await uow.commit()

    async with uow_factory() as uow:
        chats = await uow.conversations.get_many([(WA, "552199990001"), (WA, "x")])
        with pytest.raises(NotFound):
            await uow.conversations.get("c-9")
    assert {key: c.id for key, c in chats.items()} == {
        (WA, "552199990001"): "c-1",
        (WA, "x"): "c-2",
    }


async def test_concurrent_writers_of_one_chat_keep_one_conversation(
    sql_uow_factory: UnitOfWorkFactory,
) -> None:
    """Two transactions creating the same chat under different ids both commit; one id wins."""

    async def create(conversation_id: str) -> None:
        async with sql_uow_factory() as uow:
            await uow.conversations.save_many([a_conversation(conversation_id)])
            await asyncio.sleep(0.05)  # hold the transaction open while the other writes
            await uow.commit()

    await asyncio.gather(create("c-a"), create("c-b"))

    async with sql_uow_factory() as uow:
        chats = await uow.conversations.get_many([(WA, "552199990001")])
        listed = await uow.conversations.list()
    assert [c.id for c in listed] == [chats[(WA, "552199990001")].id]


async def test_list_filters_and_orders_by_last_message(uow_factory: UnitOfWorkFactory) -> None:
    """list() filters by status and phone, most recent message first, up to the limit."""
    rows = [
        a_conversation("c-1", chat="a", at=T0),
        a_conversation(
            "c-2", chat="b", at=T0 + timedelta(minutes=2), status=ConversationStatus.WAITING
        ),
        a_conversation("c-3", chat="c", at=T0 + timedelta(minutes=1), phone="5521900000000"),
        a_conversation("c-4", chat="d", at=T0 + timedelta(minutes=2)),
    ]
    async with uow_factory() as uow:
        await uow.conversations.save_many(rows)
        await uow.commit()

    async with uow_factory() as uow:
        conversations = uow.conversations
        assert [c.id for c in await conversations.list()] == ["c-4", "c-2", "c-3", "c-1"]
        assert [c.id for c in await conversations.list(limit=2)] == ["c-4", "c-2"]
        waiting = await conversations.list(status=ConversationStatus.WAITING)
        assert [c.id for c in waiting] == ["c-2"]
        mine = await conversations.list(contact_phone=PHONE, status=ConversationStatus.ACTIVE)
        assert [c.id for c in mine] == ["c-4", "c-1"]


# --- inbound messages --------------------------------------------------------------------


async def test_redelivered_messages_are_stored_once(uow_factory: UnitOfWorkFactory) -> None:
    """A redelivery (later, or twice in one batch) is skipped; new ones come back in order."""
    first = await add_inbound(uow_factory, ("m-1", inbound("wamid.1")), ("m-2", inbound("wamid.2")))
    again = await add_inbound(
        uow_factory,
        ("m-3", inbound("wamid.1")),
        ("m-4", inbound("wamid.3")),
        ("m-5", inbound("wamid.3")),
        ("m-6", attrs.evolve(inbound("wamid.1"), channel=Channel.EVOLUTION)),
    )

    assert first == ["m-1", "m-2"]
    assert again == ["m-4", "m-6"]
    async with uow_factory() as uow:
        waiting = await uow.messages.unprocessed(stored_before=T0 + timedelta(1), limit=10)
    assert sorted(p.id for p in waiting) == ["m-1", "m-2", "m-4", "m-6"]


async def test_concurrent_batches_store_a_message_once(sql_uow_factory: UnitOfWorkFactory) -> None:
    """Two transactions storing the same message: exactly one reports it new."""

    async def store(message_id: str) -> list[str]:
        async with sql_uow_factory() as uow:
            new = await uow.messages.add_inbound([(message_id, inbound())], stored_at=T0)
            await asyncio.sleep(0.05)  # hold the transaction open while the other writes
            await uow.commit()
        return [p.id for p in new]

    results = await asyncio.gather(store("m-a"), store("m-b"))

    assert sorted(itertools.chain(*results)) in (["m-a"], ["m-b"])
    async with sql_uow_factory() as uow:
        waiting = await uow.messages.unprocessed(stored_before=T0 + timedelta(1), limit=10)
    assert [p.id for p in waiting] == results[0] + results[1]


async def test_unprocessed_round_trips_oldest_first_until_marked(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Unhandled messages before the cutoff come back whole, oldest first, until marked."""
    full = attrs.evolve(
        inbound("wamid.full", sent_at=datetime(2026, 3, 10, 8, 59, tzinfo=BRT)),
        kind=MessageKind.LOCATION,
        reply_id="row-2",
        details={"latitude": "-22.4", "name": "Várzea"},
    )
    await add_inbound(uow_factory, ("m-2", full), ("m-1", inbound("wamid.a")), at=T0)
    await add_inbound(uow_factory, ("m-0", inbound("wamid.b")), at=T0 - timedelta(seconds=1))
    await add_inbound(uow_factory, ("m-9", inbound("wamid.c")), at=T0 + timedelta(seconds=1))

    async with uow_factory() as uow:
        waiting = await uow.messages.unprocessed(stored_before=T0 + timedelta(seconds=1), limit=10)
        first_two = await uow.messages.unprocessed(stored_before=T0 + timedelta(seconds=1), limit=2)
        await uow.messages.mark_processed({"m-0": "c-1", "m-2": "c-1"}, at=T0)
        await uow.commit()
    async with uow_factory() as uow:
        left = await uow.messages.unprocessed(stored_before=T0 + timedelta(1), limit=10)

    assert [p.id for p in waiting] == ["m-0", "m-1", "m-2"]
    assert [p.id for p in first_two] == ["m-0", "m-1"]
    assert waiting[2].message == full
    assert waiting[2].stored_at == T0
    assert [p.id for p in left] == ["m-1", "m-9"]
    attached = await shown(uow_factory)
    assert [(m.id, m.status, m.conversation_id) for m in attached] == [
        ("m-2", MessageStatus.RECEIVED, "c-1"),
        ("m-0", MessageStatus.RECEIVED, "c-1"),
    ]
    assert attached[0].details == {"latitude": "-22.4", "name": "Várzea"}
    assert attached[0].provider_message_id == "wamid.full"


async def test_rollback_discards_messages(uow_factory: UnitOfWorkFactory) -> None:
    """Nothing written in a unit of work that is not committed is kept."""
    async with uow_factory() as uow:
        await uow.messages.add_inbound([("m-1", inbound())], stored_at=T0)
        await uow.messages.add_outbound([a_reply("r-1", key="k")])
        await uow.messages.record_receipts([receipt("wamid.x", MessageStatus.SENT)])

    assert await add_inbound(uow_factory, ("m-2", inbound())) == ["m-2"]
    assert await record(uow_factory, receipt("wamid.x", MessageStatus.SENT)) == 1
    assert await shown(uow_factory) == []


# --- outbound messages and their live status ----------------------------------------------


async def test_add_outbound_skips_known_job_keys(uow_factory: UnitOfWorkFactory) -> None:
    """A reply with a stored or same-batch job key is skipped; keyless ones always go in."""
    async with uow_factory() as uow:
        assert await uow.messages.add_outbound([a_reply("r-1", key="k-1")]) == 1
        await uow.commit()
    async with uow_factory() as uow:
        batch = [
            a_reply("r-2", key="k-1"),
            a_reply("r-3", key="k-2"),
            a_reply("r-4", key="k-2"),
            a_reply("r-5", key=None),
            a_reply("r-6", key=None),
        ]
        assert await uow.messages.add_outbound(batch) == 3
        assert await uow.messages.add_outbound([]) == 0
        await uow.commit()

    assert [m.id for m in await shown(uow_factory)] == ["r-1", "r-3", "r-5", "r-6"]


async def test_for_conversation_returns_the_last_messages_oldest_first(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """The last *limit* messages by send time (then id), oldest first, both directions."""
    async with uow_factory() as uow:
        replies = [a_reply(f"r-{i}", key=None, sent_at=T0 + timedelta(minutes=i)) for i in (3, 1)]
        await uow.messages.add_outbound(
            [*replies, a_reply("r-0", key=None, sent_at=T0 + timedelta(minutes=3))]
        )
        await uow.messages.add_inbound(
            [("m-2", inbound(sent_at=T0 + timedelta(minutes=2)))], stored_at=T0
        )
        await uow.messages.mark_processed({"m-2": "c-1"}, at=T0)
        await uow.commit()

    async with uow_factory() as uow:
        last = await uow.messages.for_conversation("c-1", limit=3)
        assert await uow.messages.for_conversation("c-2", limit=3) == []
    assert [(m.id, m.direction) for m in last] == [
        ("m-2", Direction.INBOUND),
        ("r-0", Direction.OUTBOUND),
        ("r-3", Direction.OUTBOUND),
    ]


@pytest.mark.parametrize(
    ("job_status", "pid", "receipts", "expected"),
    [
        (JobStatus.PENDING, None, [], MessageStatus.PENDING),
        (JobStatus.UNCERTAIN, None, [], MessageStatus.PENDING),
        (JobStatus.SENT, "wamid.o", [], MessageStatus.SENT),
        (JobStatus.DEAD, None, [], MessageStatus.FAILED),
        (JobStatus.SENT, "wamid.o", [MessageStatus.DELIVERED], MessageStatus.DELIVERED),
        (JobStatus.SENT, "wamid.o", [MessageStatus.READ, MessageStatus.SENT], MessageStatus.READ),
        (JobStatus.SENT, "wamid.o", [MessageStatus.FAILED], MessageStatus.FAILED),
        (JobStatus.SENT, "wamid.o", [MessageStatus.PENDING], MessageStatus.SENT),
    ],
)
async def test_outbound_status_comes_from_the_job_and_its_receipts(
    uow_factory: UnitOfWorkFactory,
    job_status: JobStatus,
    pid: str | None,
    receipts: list[MessageStatus],
    expected: MessageStatus,
) -> None:
    """A reply shows its job's provider id and the better of the job's and the receipts' status."""
    async with uow_factory() as uow:
        await uow.outbox.add(a_job("j-1", status=job_status, pid=pid))
        await uow.messages.add_outbound([a_reply("r-1", key="key-j-1"), a_reply("r-2", key="gone")])
        await uow.commit()
    for i, status in enumerate(receipts):
        await record(uow_factory, receipt("wamid.o", status, at=T0 + timedelta(minutes=i + 1)))

    reply, orphan = await shown(uow_factory)

    assert reply.status is expected
    assert reply.provider_message_id == pid
    assert reply.job_key == "key-j-1"
    assert reply.status_at == (T0 + timedelta(minutes=1) if receipts else T0 + timedelta(seconds=5))
    assert reply.error == (UNDELIVERABLE if expected is MessageStatus.FAILED and receipts else None)
    assert (orphan.status, orphan.provider_message_id, orphan.status_at) == (
        MessageStatus.PENDING,
        None,
        None,
    )


# --- receipts ----------------------------------------------------------------------------


async def test_receipts_count_only_changes(uow_factory: UnitOfWorkFactory) -> None:
    """A new or higher-ranked receipt changes a status; a repeated or lower one does not."""
    sent, read = receipt("wamid.1", MessageStatus.SENT), receipt("wamid.1", MessageStatus.READ)

    assert await record(uow_factory, sent, receipt("wamid.2", MessageStatus.FAILED)) == 2
    assert await record(uow_factory, sent) == 0
    assert await record(uow_factory, read, receipt("wamid.2", MessageStatus.SENT)) == 1
    assert await record(uow_factory, receipt("wamid.1", MessageStatus.DELIVERED)) == 0
    assert await record(uow_factory, sent, read, receipt("wamid.3", MessageStatus.SENT)) == 1
    assert await record(uow_factory) == 0


_pids = itertools.count()
_RECEIPT_STATUSES = [
    MessageStatus.SENT,
    MessageStatus.FAILED,
    MessageStatus.DELIVERED,
    MessageStatus.READ,
]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    statuses=st.one_of(
        st.permutations(_RECEIPT_STATUSES),
        st.lists(st.sampled_from(_RECEIPT_STATUSES), min_size=1, max_size=6),
    ),
    one_batch=st.booleans(),
)
async def test_receipts_never_move_backwards(
    uow_factory: UnitOfWorkFactory, statuses: list[MessageStatus], one_batch: bool
) -> None:
    """In any order, in one batch or one by one, the status ends at the highest rank received."""
    n = next(_pids)
    pid, conversation = f"wamid.p{n}", f"c-p{n}"
    async with uow_factory() as uow:
        await uow.outbox.add(attrs.evolve(a_job(f"j-p{n}", status=JobStatus.SENT, pid=pid)))
        await uow.messages.add_outbound(
            [attrs.evolve(a_reply(f"r-p{n}", key=f"key-j-p{n}"), conversation_id=conversation)]
        )
        await uow.commit()
    updates = [receipt(pid, s, at=T0 + timedelta(seconds=i)) for i, s in enumerate(statuses)]

    if one_batch:
        changed = await record(uow_factory, *updates)
    else:
        changed = sum([await record(uow_factory, u) for u in updates])

    best = max(statuses, key=lambda s: s.rank)
    climbs = [s for i, s in enumerate(statuses) if all(s.rank > p.rank for p in statuses[:i])]
    assert changed == (1 if one_batch else len(climbs))
    (reply,) = await shown(uow_factory, conversation)
    assert reply.status is best
    assert reply.status_at == T0 + timedelta(seconds=statuses.index(best))


# --- outbox settling and notices -----------------------------------------------------------


async def test_settle_delivered_marks_only_uncertain_jobs_sent(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Uncertain jobs named by key become sent with the receipt's provider id; no others."""
    jobs = [
        a_job("j-1", status=JobStatus.UNCERTAIN),
        a_job("j-2", status=JobStatus.UNCERTAIN),
        a_job("j-3", status=JobStatus.PENDING),
        a_job("j-4", status=JobStatus.SENT, pid="wamid.old"),
    ]
    async with uow_factory() as uow:
        await uow.outbox.add_many(jobs)
        await uow.commit()
    later = T0 + timedelta(minutes=3)
    delivered = {f"key-j-{i}": f"wamid.{i}" for i in (1, 3, 4, 9)}

    async with uow_factory() as uow:
        settled = await uow.outbox.settle_delivered(delivered, now=later)
        assert await uow.outbox.settle_delivered({}, now=later) == []
        await uow.commit()

    assert list(settled) == ["j-1"]
    async with uow_factory() as uow:
        done, untouched = (
            await uow.outbox.get("j-1"),
            [await uow.outbox.get(f"j-{i}") for i in (2, 3, 4)],
        )
    assert done == attrs.evolve(
        jobs[0],
        status=JobStatus.SENT,
        provider_message_id="wamid.1",
        sent_at=later,
        updated_at=later,
    )
    assert untouched == jobs[1:]


async def test_notified_finds_notice_pairs_among_the_given(uow_factory: UnitOfWorkFactory) -> None:
    """Only (failure, recipient) pairs with a NOTICE, among those asked, come back."""
    await store_failures(uow_factory, "f-1", "f-2", "f-3")
    async with uow_factory() as uow:
        await uow.notices.record_many(
            [
                a_notice("5521911110001", failure_id="f-1"),
                a_notice("5521911110002", failure_id="f-1"),
                a_notice("5521911110001", failure_id="f-2"),
                a_notice("5521911110003", failure_id="f-2", kind=NoticeKind.RESOLUTION),
                a_notice("5521911110001", failure_id="f-3"),
            ]
        )
        await uow.commit()

    async with uow_factory() as uow:
        people = ["5521911110001", "5521911110003", "5521999999999"]
        assert await uow.notices.notified(["f-1", "f-2", "f-9"], people) == {
            ("f-1", "5521911110001"),
            ("f-2", "5521911110001"),
        }
        assert await uow.notices.notified([], people) == set()
        assert await uow.notices.notified(["f-1"], []) == set()


async def test_notice_reply_to_round_trips(uow_factory: UnitOfWorkFactory) -> None:
    """A notice's reply_to (the platform's address of the contact) survives, and None stays None."""
    await store_failures(uow_factory, "f-1")
    told = attrs.evolve(a_notice("5521911110001"), reply_to="552191110001")
    plain = a_notice("5521911110002")
    async with uow_factory() as uow:
        assert await uow.notices.record_many([told, plain]) == 2
        await uow.commit()

    async with uow_factory() as uow:
        page = await uow.notices.page("f-1", NoticeKind.NOTICE, after=None, limit=10)
    assert list(page) == [told, plain]
    assert page[0].address == "552191110001"
    assert page[1].reply_to is None
