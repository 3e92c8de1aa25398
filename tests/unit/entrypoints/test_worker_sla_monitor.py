"""The worker runs the SLA monitor: a ticket past its warning gets its event and staff alert."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_core.desk.commands import OpenTicket
from lia_core.domain.activity import Actor
from lia_core.domain.delivery import JobName
from lia_core.domain.recipients import Phone
from lia_core.domain.tickets import EventKind, Priority
from lia_core.domain.users import Role, User
from lia_entrypoints.bootstrap import bootstrap
from lia_entrypoints.settings import Settings
from lia_entrypoints.worker import run_worker, timers

MONDAY_9_SAO_PAULO = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


async def test_once_raises_the_warning_of_a_due_ticket_and_alerts_staff(tmp_path: Path) -> None:
    """`lia worker --once` after 169 working minutes of an urgent ticket (240): one warning, one job."""
    clock, store = FixedClock(MONDAY_9_SAO_PAULO), InMemoryStore()
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        desk={"monitor_interval_seconds": 7, "planner_interval_seconds": 3},
    )
    runtime = await bootstrap(
        settings, uow=store.unit_of_work, clock=clock, ids=SequentialIds(), hasher=PlainTextHasher()
    )
    every = {t.name: t.every for t in timers(runtime)}
    assert (every["sla-monitor"], every["sla-planner"]) == (7, 3)
    async with store.unit_of_work() as uow:
        await uow.users.add(
            User(
                id="u-1",
                username="sofia",
                role=Role.SUPERVISOR,
                password_hash="x",
                created_at=clock.now(),
                phone=Phone.stored("5521988887777"),
            )
        )
        await uow.commit()
    ticket = await runtime.services.desk.open(
        OpenTicket(subject="Sem conexão", priority=Priority.URGENT), Actor(name="ana")
    )
    clock.advance(minutes=120)  # the warning (at 168 working minutes) is within the hour
    await run_worker(runtime, once=True)  # the planner plans the ticket's visits
    assert next(iter(store.tickets.values())).index.plan is not None
    clock.advance(minutes=49)
    for _ in range(2):
        await run_worker(runtime, once=True)
    async with store.unit_of_work() as uow:
        stored = await uow.tickets.get(ticket.id)
        jobs = await uow.outbox.list(status=None, recipient=None, limit=100)
    warnings = [e for e in stored.timeline.events if e.kind is EventKind.SLA_WARNING]
    assert [(e.by, e.data["clock"]) for e in warnings] == [("sla-monitor", "resolution")]
    alerts = [
        j for j in jobs if j.job_name is JobName.NOTIFY_USER and "SLA" in (j.content.text or "")
    ]
    assert len(alerts) == 1
    assert str(alerts[0].recipient) == "5521988887777"
    await runtime.aclose()
