"""The bot in the live flow, end to end on SQLite and PostgreSQL: the real composition root
(`bootstrap`), the real WhatsApp Cloud sender against `lia stub-provider`, the worker's own
timer code path (`run_worker(once=True)`) and a settable clock.

A cancellation reaches the cancellation department with raised priority and its reply
reaches the customer; a quiet customer gets the inactivity menu from the timer, then the
close; out of hours the reply goes out once per conversation per day and the ticket queues.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.memory import FixedClock
from lia_core.domain.conversations import ConversationStatus
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.recipients import Phone
from lia_core.domain.tickets import Priority
from lia_core.handoff import HandoffReason
from lia_core.ports import TicketFilter
from lia_core.services import ListHandoffs
from lia_entrypoints.bootstrap import Runtime, bootstrap
from lia_entrypoints.settings import Settings
from lia_entrypoints.worker import run_worker

from .delivery.processes import stub_provider

SP = ZoneInfo("America/Sao_Paulo")
MONDAY_10H = datetime(2026, 5, 4, 10, 0, tzinfo=SP)
MONDAY_20H = datetime(2026, 5, 4, 20, 0, tzinfo=SP)
TUESDAY_21H = datetime(2026, 5, 5, 21, 0, tzinfo=SP)
CANCELS = "5511987650001"
QUIET = "5511987650002"
NIGHT = "5511987650003"


class Walk:
    """The customers' side: messages in through ingest and the gate, replies out to the stub."""

    def __init__(self, runtime: Runtime, clock: FixedClock, stub: str) -> None:
        self.runtime, self.clock, self.stub = runtime, clock, stub
        self.n = 0

    async def say(self, phone: str, text: str) -> None:
        """*phone* writes *text* now; the bot's replies are sent by the worker."""
        self.n += 1
        message = InboundMessage(
            channel=Channel.WHATSAPP,
            provider_message_id=f"wamid.{self.n}",
            sender=Phone(phone),
            reply_to=phone,
            sent_at=self.clock.now(),
            text=text,
            display_name="Cliente",
        )
        report = await self.runtime.services.ingest([message])
        await self.runtime.services.process_inbound(report.new)
        await self.worker()

    async def worker(self) -> None:
        """One pass of `lia worker`: its timers (the bot's among them), then the outbox."""
        await run_worker(self.runtime, once=True)

    def received(self, phone: str) -> int:
        """How many messages the stub provider accepted for *phone*."""
        counts = httpx.get(f"{self.stub}/_stub/requests", timeout=5).json()
        return sum(
            n
            for provider in counts["providers"].values()
            for recipient, n in provider["accepted"].items()
            if phone in recipient
        )

    async def status(self, phone: str) -> ConversationStatus:
        """The status of *phone*'s conversation."""
        async with self.runtime.uow() as uow:
            found = await uow.conversations.get_many([(Channel.WHATSAPP, phone)])
        return found[(Channel.WHATSAPP, phone)].status

    async def close(self, phone: str) -> None:
        """Staff closes *phone*'s conversation (its next message is a new matter)."""
        async with self.runtime.uow() as uow:
            found = await uow.conversations.get_many([(Channel.WHATSAPP, phone)])
            conversation = found[(Channel.WHATSAPP, phone)]
            conversation.status = ConversationStatus.RESOLVED
            await uow.conversations.save_many([conversation])
            await uow.commit()


async def test_the_bot_from_message_to_reply(
    migrated_engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    """The walk: routing with raised priority, the timer's menu and close, out of hours once."""
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
            walk = Walk(runtime, clock, stub)
            await _routed_to_retention(walk)
            await _inactivity(walk)
            await _out_of_hours(walk)
        finally:
            await runtime.aclose()


async def _routed_to_retention(walk: Walk) -> None:
    await walk.say(CANCELS, "Quero cancelar meu plano")
    (ticket,) = await walk.runtime.services.desk.list(TicketFilter())
    assert (ticket.department, ticket.priority) == ("cancellation", Priority.HIGH)
    assert await walk.status(CANCELS) is ConversationStatus.WAITING
    (entry,) = await walk.runtime.services.list_handoffs(ListHandoffs())
    assert (entry.reason, entry.department) == (HandoffReason.CRITICAL_INTENT, "cancellation")
    assert walk.received(CANCELS) == 1  # "Vou te transferir para um atendente (Retenção)"


async def _inactivity(walk: Walk) -> None:
    await walk.say(QUIET, "oi")
    assert walk.received(QUIET) == 1  # the clarifying question
    walk.clock.advance(minutes=4)
    await walk.worker()
    assert walk.received(QUIET) == 1
    walk.clock.advance(minutes=1)
    await walk.worker()
    assert walk.received(QUIET) == 2  # the menu: 1 continuar / 2 atendente / 3 cancelar
    await walk.worker()
    assert walk.received(QUIET) == 2  # never twice
    walk.clock.advance(minutes=5)
    await walk.worker()
    assert walk.received(QUIET) == 3  # the goodbye
    # Closed for inactivity: resolved, no ticket, no human; the next message is a new matter.
    assert await walk.status(QUIET) is ConversationStatus.RESOLVED
    tickets = await walk.runtime.services.desk.list(TicketFilter())
    assert len(tickets) == 1
    walk.clock.advance(minutes=1)
    await walk.say(QUIET, "voltei")  # not an answer to the NPS survey the close sent
    assert await walk.status(QUIET) is ConversationStatus.ACTIVE  # the bot again
    assert walk.received(QUIET) == 5  # the survey (5 s after the goodbye), the bot's question


async def _out_of_hours(walk: Walk) -> None:
    walk.clock.set(MONDAY_20H.astimezone(UTC))
    await walk.say(NIGHT, "atendente")
    assert walk.received(NIGHT) == 1  # "… volta terça-feira, 05/05 às 08:00"
    night = [
        t
        for t in await walk.runtime.services.desk.list(TicketFilter())
        if t.priority is Priority.HIGH
    ]
    assert len(night) == 2  # queued, raised (an explicit request for a person)
    await walk.close(NIGHT)
    walk.clock.advance(minutes=30)
    await walk.say(NIGHT, "atendente, por favor")
    assert walk.received(NIGHT) == 1  # the same evening: no second out-of-hours reply
    await walk.close(NIGHT)
    walk.clock.set(TUESDAY_21H.astimezone(UTC))
    await walk.say(NIGHT, "atendente")
    assert walk.received(NIGHT) == 2  # another day: told again
    reasons = [
        e.reason
        for e in await walk.runtime.services.list_handoffs(ListHandoffs(reason="out_of_hours"))
    ]
    assert reasons == [HandoffReason.OUT_OF_HOURS] * 3
