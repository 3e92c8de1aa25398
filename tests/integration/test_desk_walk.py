"""The issue's done-when, on SQLite and PostgreSQL: the desk from a handoff to the audit log.

A conversation handed to a human opens a ticket; during business hours it goes warning then
breached (a holiday in the calendar pauses another); the desk policy's rule moves it to N2
with the rule's reason and the staff alert reaches the staff channel once (the stub provider
counts one request per alert, however often the monitor and the dispatcher run again); the
supervisor reassigns it and resolves it; the audit log says who did what; a bad policy file
names its line. Runs the real composition root (`bootstrap`) over the real database, the
real WhatsApp Cloud sender and `lia stub-provider`, with a settable clock.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.memory import FixedClock
from lia_core.desk.commands import Reassign, Resolve
from lia_core.domain.activity import ActivityFilter, Actor
from lia_core.domain.delivery import Channel, JobName, JobStatus
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.recipients import Phone
from lia_core.domain.tickets import EventKind, SupportLevel, TicketStatus
from lia_core.domain.users import Role
from lia_core.escalation import RuleFileError
from lia_core.ports import TicketFilter
from lia_core.services import CreateUser
from lia_core.services.desk_policy import LoadDeskPolicy
from lia_core.services.users import UpdateUser
from lia_entrypoints.bootstrap import Runtime, bootstrap
from lia_entrypoints.settings import Settings

from .delivery.processes import stub_provider

SP = ZoneInfo("America/Sao_Paulo")
MONDAY_10H = datetime(2026, 5, 4, 10, 0, tzinfo=SP)
SUPERVISOR_PHONE = "5511912345678"
CUSTOMER = "5511987654321"
ADMIN = Actor(name="ana.admin", ip="127.0.0.1", user_agent="walk")
SUPERVISOR = Actor(name="sergio.sup", ip="127.0.0.1", user_agent="walk")

POLICY = """\
version = 1
default_policy = "desk"

[calendar]
timezone = "America/Sao_Paulo"
[calendar.hours]
monday = "08:00-18:00"
tuesday = "08:00-18:00"
wednesday = "08:00-18:00"
thursday = "08:00-18:00"
friday = "08:00-18:00"
[calendar.holidays]
custom = [2026-05-05]

[[sla_policy]]
name = "desk"
basis = "business"
warning_at = 0.7
[sla_policy.priority.medium]
first_response = 60
resolution = 480

[notifications]
ticket-escalation = ["whatsapp"]
sla-alert = ["whatsapp"]

[[rule]]
name = "breached-to-n2"
reason = "the first answer is late"
[rule.when]
sla_state = ["breached"]
[rule.then]
escalate_to = "N2"
notify = ["ticket-escalation"]
"""

BAD_POLICY = POLICY.replace("warning_at = 0.7", 'warning_at = "soon"')


def _message(mid: str, text: str, at: datetime) -> InboundMessage:
    return InboundMessage(
        channel=Channel.WHATSAPP,
        provider_message_id=mid,
        sender=Phone(CUSTOMER),
        reply_to=CUSTOMER,
        sent_at=at,
        text=text,
        display_name="Maria",
    )


async def _receive(runtime: Runtime, message: InboundMessage) -> None:
    report = await runtime.services.ingest([message])
    await runtime.services.process_inbound(report.new)


async def _drain(runtime: Runtime) -> None:
    for _ in range(5):
        await runtime.services.dispatcher.run_once(owner="walk")


def _requests_to(stub: str, phone: str) -> int:
    """How many sends the stub provider accepted for *phone*, all providers together."""
    counts = httpx.get(f"{stub}/_stub/requests", timeout=5).json()
    return sum(
        n
        for provider in counts["providers"].values()
        for recipient, n in provider["accepted"].items()
        if phone in recipient
    )


async def _staff_jobs(runtime: Runtime) -> list[str]:
    async with runtime.uow() as uow:
        jobs = await uow.outbox.list(limit=100)
    return sorted(job.idempotency_key for job in jobs if job.job_name is JobName.NOTIFY_USER)


async def test_the_desk_from_handoff_to_audit(
    migrated_engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    """The walk a new supervisor takes, end to end."""
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
        # Batches at once on PostgreSQL; SQLite has one writer at a time.
        assert runtime.sla_monitor.lanes == (2 if database_url.startswith("postgresql") else 1)
        try:
            await _walk(runtime, clock, stub)
        finally:
            await runtime.aclose()


async def _walk(runtime: Runtime, clock: FixedClock, stub: str) -> None:
    services = runtime.services
    for name, role in (("ana.admin", Role.ADMIN), ("sergio.sup", Role.SUPERVISOR)):
        await services.create_user(
            CreateUser(username=name, password="segredo-12345", role=role, actor=ADMIN)
        )
    await services.update_user(
        UpdateUser(
            username="sergio.sup",
            actor=ADMIN,
            phone=SUPERVISOR_PHONE,
            departments=("support",),
        )
    )
    with pytest.raises(RuleFileError) as bad:
        await services.load_desk_policy(LoadDeskPolicy(source=BAD_POLICY, actor=ADMIN))
    assert bad.value.line == POLICY.splitlines().index("warning_at = 0.7") + 1
    await services.load_desk_policy(
        LoadDeskPolicy(source=POLICY, actor=ADMIN, filename="desk.toml")
    )

    # A customer the gate lets through is handed to the human queue: a ticket opens.
    await _receive(runtime, _message("m1", "minha internet está lenta", clock.now()))
    (listed,) = await services.desk.list(TicketFilter())
    ticket_id = listed.id

    # 60 business minutes to answer: warning past 42, breach at 60 — each alerted once.
    for minutes, state in ((30, None), (15, EventKind.SLA_WARNING), (20, EventKind.SLA_BREACHED)):
        clock.advance(minutes=minutes)
        await runtime.sla_monitor.tick()
        ticket = (await services.desk.show(ticket_id)).ticket
        if state is not None:
            assert ticket.timeline.last(state) is not None
    assert ticket.level is SupportLevel.N2
    assert ticket.escalation_reason == "the first answer is late"
    assert ticket.escalated_by == "rule:breached-to-n2"
    await _drain(runtime)
    clock.advance(minutes=5)
    await runtime.sla_monitor.tick()
    await _drain(runtime)
    staff = await _staff_jobs(runtime)
    assert len(staff) == 3  # the warning, the breach, the escalation: one job each
    assert _requests_to(stub, SUPERVISOR_PHONE) == 3
    async with runtime.uow() as uow:
        jobs = await uow.outbox.list(limit=100)
    assert {j.status for j in jobs if j.job_name is JobName.NOTIFY_USER} == {JobStatus.SENT}

    # The supervisor reassigns it and resolves it; the audit log says who did what.
    await services.desk.act(
        ticket_id, Reassign(reason="é cobrança", department="financial"), SUPERVISOR
    )
    clock.advance(minutes=2)
    resolved = await services.desk.act(ticket_id, Resolve(reason="ajustado"), SUPERVISOR)
    assert resolved.status is TicketStatus.RESOLVED
    async with runtime.uow() as uow:
        entries = await uow.activity.list(ActivityFilter(entity="ticket"), limit=10)
    assert [(e.actor, e.action) for e in entries][:2] == [
        ("sergio.sup", "ticket.resolve"),
        ("sergio.sup", "ticket.reassign"),
    ]

    # A holiday pauses the clock: opened Monday 17:30, Tuesday is off, due Wednesday 08:30.
    clock.set(datetime(2026, 5, 4, 17, 30, tzinfo=SP).astimezone(UTC))
    await _receive(runtime, _message("m2", "caiu de novo", clock.now()))
    second = next(t for t in await services.desk.list(TicketFilter()) if t.id != ticket_id)
    clock.set(datetime(2026, 5, 5, 16, 0, tzinfo=SP).astimezone(UTC))
    await runtime.sla_monitor.tick()
    view = await services.desk.show(second.id)
    assert view.ticket.timeline.last(EventKind.SLA_WARNING) is None
    assert view.index.first_response_due_at == datetime(2026, 5, 6, 8, 30, tzinfo=SP)
