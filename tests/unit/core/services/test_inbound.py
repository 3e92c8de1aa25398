"""Ingest and the gate over the in-memory fakes: notices once, queues, CRM failures, receipts."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import attrs
import pytest

from lia_adapters.memory import (
    FixedClock,
    InMemoryCustomerDirectory,
    InMemoryStore,
    PlainTextHasher,
    SequentialIds,
)
from lia_core.domain.conversations import ConversationStatus, Direction
from lia_core.domain.customers import Customer, CustomerAddress
from lia_core.domain.delivery import Channel, JobName, JobStatus, MessageContent
from lia_core.domain.failures import FailureAction
from lia_core.domain.gate import GateOutcome
from lia_core.domain.inbound import InboundMessage, MessageStatus, StatusUpdate
from lia_core.domain.notices import NoticeKind
from lia_core.domain.recipients import Phone
from lia_core.domain.regions import CityArea, parse_cep_rule
from lia_core.ports import DirectoryUnavailable
from lia_core.services import (
    ChangeFailureStatus,
    DeclareFailure,
    EnqueueMessage,
    ResolveAndBroadcast,
    Services,
)
from lia_core.services.failures import CheckLocationHandler
from lia_core.services.inbound import HumanQueueRouter, ProcessInboundHandler
from lia_core.services.ingest import ActiveFailures, IngestHandler

PHONE = "5531987654321"
WA_ID = "553187654321"


@attrs.define
class Pipeline:
    """Ingest + gate + the use cases, over one in-memory store."""

    store: InMemoryStore
    clock: FixedClock
    services: Services
    ingest: IngestHandler
    process: ProcessInboundHandler
    crm: InMemoryCustomerDirectory

    async def receive(self, *messages: InboundMessage) -> int:
        """Store the messages and run the gate on the new ones; return how many were new."""
        report = await self.ingest(messages)
        await self.process(report.new)
        return len(report.new)


@pytest.fixture
def p() -> Pipeline:
    """A pipeline with an empty CRM and no failure."""
    store, clock, ids = InMemoryStore(), FixedClock(), SequentialIds()
    uow = store.unit_of_work
    crm = InMemoryCustomerDirectory()
    services = Services.build(uow=uow, clock=clock, ids=ids, hasher=PlainTextHasher())
    failures = ActiveFailures(CheckLocationHandler(uow), clock, timedelta(0))
    process = ProcessInboundHandler(
        uow=uow,
        clock=clock,
        ids=ids,
        failures=failures,
        router=HumanQueueRouter(),
        directory=crm,
        tz=clock.now().tzinfo,  # type: ignore[arg-type]
    )
    return Pipeline(store, clock, services, IngestHandler(uow, clock, ids), process, crm)


def wa(text: str, mid: str, *, sender: str = PHONE, reply_to: str = WA_ID) -> InboundMessage:
    """A WhatsApp text."""
    return InboundMessage(
        channel=Channel.WHATSAPP,
        provider_message_id=mid,
        sender=Phone(sender),
        reply_to=reply_to,
        sent_at=FixedClock().now(),
        text=text,
        display_name="Maria Souza",
    )


async def declare(p: Pipeline, city: str = "Teresópolis") -> str:
    """An active failure over *city*; returns its id."""
    failure = await p.services.declare_failure(
        DeclareFailure(
            name="Fibra",
            message="Olá {nome}, falha em {regiao}.",
            resolution_message="Resolvido, {nome}!",
            cities=(CityArea.parse(city),),
            actor="sup",
        )
    )
    return failure.id


def in_crm(p: Pipeline, city: str) -> None:
    """Put the customer in the CRM at *city*."""
    p.crm.add(
        Customer(crm_id="c1", phone=PHONE, name="Maria", addresses=(CustomerAddress(city=city),))
    )


def notice_jobs(p: Pipeline) -> list[str]:
    """Recipients of the outage-notice jobs."""
    return [str(j.recipient) for j in p.store.jobs.values() if j.job_name is JobName.OUTAGE_NOTICE]


async def test_covered_customer_is_notified_once_even_when_redelivered(p: Pipeline) -> None:
    """CRM finds the customer inside the outage: one notice to the WhatsApp id, recorded."""
    failure_id = await declare(p)
    in_crm(p, "Teresópolis")
    assert await p.receive(wa("sem internet", "m1")) == 1
    assert await p.receive(wa("sem internet", "m1")) == 0  # Meta redelivers
    assert await p.receive(wa("alô?", "m2")) == 1  # same outage: silence, not a second notice
    assert notice_jobs(p) == [WA_ID]
    notice = next(iter(p.store.notices.values()))
    assert (notice.failure_id, notice.recipient, notice.reply_to) == (
        failure_id,
        Phone(PHONE),
        WA_ID,
    )
    conversation = next(iter(p.store.conversation_tables.conversations.values()))
    assert conversation.answered_by_outage
    assert conversation.status is ConversationStatus.ACTIVE
    assert p.crm.lookups == 1


async def test_resolution_reaches_the_gate_notified_customer(p: Pipeline) -> None:
    """Resolving sends the resolution to the address the platform gave."""
    failure_id = await declare(p)
    in_crm(p, "Teresópolis")
    await p.receive(wa("sem internet", "m1"))
    report = await p.services.resolve_and_broadcast(
        ResolveAndBroadcast(failure_id=failure_id, actor="sup")
    )
    assert report.queued == 1
    resolution = [j for j in p.store.jobs.values() if j.job_name is JobName.OUTAGE_RESOLUTION]
    assert [str(j.recipient) for j in resolution] == [WA_ID]


async def test_uncovered_customer_waits_for_a_human(p: Pipeline) -> None:
    """In the CRM but elsewhere: no notice, the conversation enters the human queue."""
    await declare(p)
    in_crm(p, "Petrópolis")
    await p.receive(wa("sem internet", "m1"))
    assert notice_jobs(p) == []
    conversation = next(iter(p.store.conversation_tables.conversations.values()))
    assert conversation.status is ConversationStatus.WAITING


async def test_no_active_failure_costs_no_crm_call(p: Pipeline) -> None:
    """Without failures the CRM is never asked and everyone goes to the queue."""
    in_crm(p, "Teresópolis")
    await p.receive(
        wa("oi", "m1"), wa("oi", "m2", sender="5521999990001", reply_to="5521999990001")
    )
    assert p.crm.lookups == 0
    statuses = {c.status for c in p.store.conversation_tables.conversations.values()}
    assert statuses == {ConversationStatus.WAITING}


async def test_crm_down_asks_for_the_cep_and_the_typed_cep_decides(p: Pipeline) -> None:
    """A failing CRM never blocks: ask the CEP, count it, use the CEP the customer types."""
    failure = await p.services.declare_failure(
        DeclareFailure(
            name="Fibra",
            message="Falha na sua região.",
            ceps=(parse_cep_rule("2595"),),
            actor="sup",
        )
    )
    p.crm.fail_next(DirectoryUnavailable("timeout"))
    report = await p.process((await p.ingest([wa("sem internet", "m1")])).new)
    assert report.crm_unavailable == 1
    assert report.outcomes == {GateOutcome.ASKED_CEP: 1}
    await p.receive(wa("25953-120", "m2"))
    assert notice_jobs(p) == [WA_ID]
    contact = p.store.conversation_tables.contacts[Phone(PHONE)]
    assert contact.addresses[0].cep == "25953120"
    assert failure.id in {n.failure_id for n in p.store.notices.values()}


async def test_slow_crm_times_out_and_asks(p: Pipeline) -> None:
    """A CRM slower than the timeout is treated as unavailable."""
    await declare(p)

    class Slow:
        async def find_by_phone(self, phone: str) -> Customer | None:
            await asyncio.sleep(5)
            return None

    slow = attrs.evolve(p.process, directory=Slow(), crm_timeout=timedelta(milliseconds=20))
    report = await slow((await p.ingest([wa("oi", "m1")])).new)
    assert report.crm_unavailable == 1
    assert report.outcomes == {GateOutcome.ASKED_CEP: 1}


async def test_human_request_after_the_notice_goes_to_the_queue(p: Pipeline) -> None:
    """ "Atendente" after the notice leaves the outage flow for the human queue."""
    await declare(p)
    in_crm(p, "Teresópolis")
    await p.receive(wa("sem internet", "m1"))
    await p.receive(wa("quero um atendente", "m2"))
    conversation = next(iter(p.store.conversation_tables.conversations.values()))
    assert conversation.status is ConversationStatus.WAITING


async def test_receipts_never_move_backwards_and_settle_uncertain_jobs(p: Pipeline) -> None:
    """READ then a late DELIVERED stays READ; a receipt with the job's key settles it as sent."""
    queued = await p.services.enqueue_message(
        EnqueueMessage(channel=Channel.WHATSAPP, recipient=PHONE, content=MessageContent(text="x"))
    )
    job = p.store.jobs[queued.job.id]
    job.status = JobStatus.UNCERTAIN
    now = p.clock.now()

    def receipt(status: MessageStatus) -> StatusUpdate:
        return StatusUpdate(
            channel=Channel.WHATSAPP,
            provider_message_id="wamid.X",
            status=status,
            at=now,
            idempotency_key=job.idempotency_key,
        )

    first = await p.ingest([], [receipt(MessageStatus.READ), receipt(MessageStatus.SENT)])
    assert first.settled_job_ids == (job.id,)
    assert p.store.jobs[job.id].status is JobStatus.SENT
    assert p.store.jobs[job.id].provider_message_id == "wamid.X"
    late = await p.ingest([], [receipt(MessageStatus.DELIVERED)])
    assert late.receipts_changed == 0
    stored = p.store.conversation_tables.receipts[(Channel.WHATSAPP, "wamid.X")]
    assert stored.status is MessageStatus.READ


async def test_conversation_shows_the_notice_with_its_status(p: Pipeline) -> None:
    """`lia conversation show`: the customer's message and the outage notice, in order."""
    await declare(p)
    in_crm(p, "Teresópolis")
    await p.receive(wa("sem internet", "m1"))
    conversation = next(iter(p.store.conversation_tables.conversations.values()))
    details = await p.services.get_conversation(conversation.id)
    assert [m.direction for m in details.messages] == [Direction.INBOUND, Direction.OUTBOUND]
    assert details.messages[1].status is MessageStatus.PENDING
    assert "Maria" in details.messages[1].text
    contact = await p.services.get_contact("(31) 8765-4321")
    assert contact.contact.phone == Phone(PHONE)
    assert [c.id for c in contact.conversations] == [conversation.id]


async def test_paused_failure_stops_notices(p: Pipeline) -> None:
    """A paused failure is not active: customers go to the queue."""
    failure_id = await declare(p)
    await p.services.change_failure_status(
        ChangeFailureStatus(failure_id=failure_id, action=FailureAction.PAUSE, actor="sup")
    )
    in_crm(p, "Teresópolis")
    await p.receive(wa("oi", "m1"))
    assert notice_jobs(p) == []
    assert NoticeKind.NOTICE not in {n.kind for n in p.store.notices.values()}


async def test_a_reply_goes_to_the_id_the_platform_gave_even_abroad(p: Pipeline) -> None:
    """A US WhatsApp id is digits with their own country code: the gate's question goes there
    (read as typed in Brazil, 14155550100 would become +55 14 155550100)."""
    await p.services.declare_failure(
        DeclareFailure(
            name="Fibra", message="Falha na sua região.", ceps=(parse_cep_rule("2595"),), actor="s"
        )
    )
    p.crm.fail_next(DirectoryUnavailable("timeout"))
    report = await p.process(
        (await p.ingest([wa("oi", "m1", sender="14155550100", reply_to="14155550100")])).new
    )
    assert report.outcomes == {GateOutcome.ASKED_CEP: 1}
    asked = [j for j in p.store.jobs.values() if j.context.source == "inbound-gate"]
    assert [str(j.recipient) for j in asked] == ["14155550100"]
