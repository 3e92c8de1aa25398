"""The MessageRepository contract: inbound, outbound, live statuses and receipts, on every backend."""

from __future__ import annotations

import asyncio
import itertools
from datetime import datetime, timedelta

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lia_core.domain.conversations import (
    Direction,
    OutboundRef,
)
from lia_core.domain.delivery import (
    Channel,
    JobStatus,
)
from lia_core.domain.inbound import (
    MessageKind,
    MessageStatus,
)
from lia_core.ports import UnitOfWorkFactory
from tests.contract.builders.conversations import (
    BRT,
    T0,
    UNDELIVERABLE,
    WA,
    a_reply,
    a_reply_job,
    add_inbound,
    inbound,
    receipt,
    record,
    shown,
)


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
    """Unhandled messages before the cutoff come back whole (the webhook's request id too),
    oldest first, until marked."""
    full = attrs.evolve(
        inbound("wamid.full", sent_at=datetime(2026, 3, 10, 8, 59, tzinfo=BRT)),
        kind=MessageKind.LOCATION,
        reply_id="row-2",
        details={"latitude": "-22.4", "name": "Várzea"},
        request_id="0f8fad5b-d9cb-469f-a165-70867728950e",
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
        await uow.outbox.add(a_reply_job("j-1", status=job_status, pid=pid))
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
        await uow.outbox.add(attrs.evolve(a_reply_job(f"j-p{n}", status=JobStatus.SENT, pid=pid)))
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


async def test_last_inbound_at_is_the_providers_time_of_the_latest_inbound(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """The newest provider timestamp among a conversation's inbound messages; replies and
    other conversations do not count; None before the customer's messages join it."""
    await add_inbound(
        uow_factory,
        ("m-1", inbound("wamid.1", sent_at=T0)),
        ("m-2", inbound("wamid.2", sent_at=T0 + timedelta(hours=3))),
        ("m-3", inbound("wamid.3", sent_at=T0 + timedelta(hours=9))),
    )
    async with uow_factory() as uow:
        assert await uow.messages.last_inbound_at("c-1") is None
        await uow.messages.mark_processed({"m-1": "c-1", "m-2": "c-1", "m-3": "c-2"}, at=T0)
        await uow.messages.add_outbound([a_reply("r-1", key="k-1", sent_at=T0 + timedelta(5))])
        await uow.commit()

    async with uow_factory() as uow:
        last = await uow.messages.last_inbound_at("c-1")
        assert last == T0 + timedelta(hours=3)
        assert last is not None
        assert last.utcoffset() is not None
        assert await uow.messages.last_inbound_at("c-2") == T0 + timedelta(hours=9)
        assert await uow.messages.last_inbound_at("c-3") is None


async def test_record_receipts_returns_the_receipts_that_moved_a_status(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Each message's highest receipt comes back if it moved the stored status; a late or
    repeated one does not."""
    async with uow_factory() as uow:
        moved = await uow.messages.record_receipts(
            [
                receipt("wamid.a", MessageStatus.SENT),
                receipt("wamid.a", MessageStatus.DELIVERED),
                receipt("wamid.b", MessageStatus.READ),
            ]
        )
        await uow.commit()
    assert sorted((r.provider_message_id, r.status) for r in moved) == [
        ("wamid.a", MessageStatus.DELIVERED),
        ("wamid.b", MessageStatus.READ),
    ]
    async with uow_factory() as uow:
        again = await uow.messages.record_receipts(
            [receipt("wamid.a", MessageStatus.SENT), receipt("wamid.b", MessageStatus.READ)]
        )
        forward = await uow.messages.record_receipts([receipt("wamid.a", MessageStatus.READ)])
        await uow.commit()
    assert again == []
    assert [(r.provider_message_id, r.status) for r in forward] == [("wamid.a", MessageStatus.READ)]


async def test_outbound_refs_name_the_message_of_a_job(uow_factory: UnitOfWorkFactory) -> None:
    """By job key or by the provider id its job was sent with (on that channel), a reply is
    found with its conversation; unknown keys, other channels and job-less messages are not."""
    async with uow_factory() as uow:
        await uow.outbox.add(a_reply_job("j-1", status=JobStatus.SENT, pid="wamid.sent"))
        await uow.outbox.add(a_reply_job("j-2"))
        await uow.messages.add_outbound(
            [a_reply("r-1", key="key-j-1"), a_reply("r-2", key="key-j-2"), a_reply("r-3", key=None)]
        )
        await uow.commit()
    async with uow_factory() as uow:
        by_key = await uow.messages.outbound_refs(job_keys=["key-j-2", "key-unknown"])
        by_pid = await uow.messages.outbound_refs(
            provider_ids=[(WA, "wamid.sent"), (Channel.SMS, "wamid.sent"), (WA, "wamid.none")]
        )
        nothing = await uow.messages.outbound_refs()
    assert by_key == [
        OutboundRef(message_id="r-2", conversation_id="c-1", job_key="key-j-2", channel=WA)
    ]
    assert by_pid == [
        OutboundRef(
            message_id="r-1",
            conversation_id="c-1",
            job_key="key-j-1",
            channel=WA,
            provider_message_id="wamid.sent",
        )
    ]
    assert nothing == []


async def test_outbound_by_job_key_finds_the_reply_with_its_live_status_and_details(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """The reply a job carries, with its details and its status from the provider's receipts;
    an unknown key, or a message without a job, is None."""
    async with uow_factory() as uow:
        await uow.outbox.add(a_reply_job("j-1", status=JobStatus.SENT, pid="wamid.sent"))
        await uow.messages.add_outbound(
            [
                attrs.evolve(a_reply("r-1", key="key-j-1"), details={"template": "saudacao"}),
                a_reply("r-2", key="key-orphan"),
            ]
        )
        await uow.commit()
    await record(uow_factory, receipt("wamid.sent", MessageStatus.READ))
    async with uow_factory() as uow:
        found = await uow.messages.outbound_by_job_key("key-j-1")
        orphan = await uow.messages.outbound_by_job_key("key-orphan")
        unknown = await uow.messages.outbound_by_job_key("key-unknown")
    assert found is not None
    assert (found.id, found.status, found.provider_message_id) == (
        "r-1",
        MessageStatus.READ,
        "wamid.sent",
    )
    assert found.details == {"template": "saudacao"}
    assert (orphan, unknown) == (None, None)
