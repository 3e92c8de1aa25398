"""Two `lia worker` processes on one PostgreSQL: each SLA alert reaches each staff member once.

The whole path as deployed: a desk policy loaded with `lia rules load` (24/7, resolution due
100 minutes after opening, warning at 70, `sla-alert` on WhatsApp), tickets opened 71 minutes
ago, two supervisors with phones, two workers whose monitors and dispatchers share the work,
WhatsApp through `lia stub-provider`. Each ticket gets one `sla_warning`; the provider
receives exactly one message per ticket and staff member.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.memory import FixedClock
from lia_adapters.sql import SqlUnitOfWorkFactory
from lia_adapters.system import UuidGenerator
from lia_core.desk.alerts import OutboxStaffNotifier
from lia_core.desk.commands import OpenTicket
from lia_core.desk.policy import DeskPolicy
from lia_core.desk.service import Desk, FixedPolicySource
from lia_core.domain.activity import Actor
from lia_core.domain.recipients import Phone
from lia_core.domain.users import Role, User
from tests.integration.cli.lia_process import LiaProcess, clean_environment
from tests.integration.delivery.processes import stub_provider, worker_env, worker_process

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("processes")]

TICKETS = 60
STAFF = (Phone.stored("5521988880001"), Phone.stored("5521988880002"))
POLICY = """\
version = 1
default_policy = "round-the-clock"

[calendar]
timezone = "UTC"

[calendar.hours]
monday = "00:00-24:00"
tuesday = "00:00-24:00"
wednesday = "00:00-24:00"
thursday = "00:00-24:00"
friday = "00:00-24:00"
saturday = "00:00-24:00"
sunday = "00:00-24:00"

[[sla_policy]]
name = "round-the-clock"
basis = "calendar"
warning_at = 0.7

[sla_policy.priority.medium]
first_response = 30
resolution = 100

[notifications]
sla-alert = ["whatsapp"]
"""


async def seed(engine: AsyncEngine) -> None:
    """Two supervisors with phones, and the tickets, opened 71 minutes ago under the policy."""
    factory = SqlUnitOfWorkFactory(engine)
    opened = datetime.now(UTC) - timedelta(minutes=71)
    async with factory() as uow:
        for n, phone in enumerate(STAFF):
            await uow.users.add(
                User(
                    id=f"u-{n}",
                    username=f"sup{n}",
                    role=Role.SUPERVISOR,
                    password_hash="x",
                    created_at=opened,
                    phone=phone,
                )
            )
        await uow.commit()
    ids = UuidGenerator()
    desk = Desk(
        uow=factory,
        clock=FixedClock(opened),
        ids=ids,
        policies=FixedPolicySource(DeskPolicy.from_toml(POLICY, timezone="UTC")),
        notifier=OutboxStaffNotifier(ids),
    )
    for n in range(TICKETS):
        await desk.open(OpenTicket(subject=f"Sem conexão {n}"), Actor(name="ana"))


async def progress(engine: AsyncEngine) -> tuple[Counter[str], int]:
    """Warnings per ticket, and staff jobs not sent yet."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT ticket_id FROM ticket_events WHERE kind = 'sla_warning'")
        )
        warned = Counter(str(row[0]) for row in rows)
        unsent = await conn.execute(
            text(
                "SELECT count(*) FROM outbox_jobs"
                " WHERE job_name = 'notify-user' AND status <> 'sent'"
            )
        )
        return warned, int(unsent.scalar_one())


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM; the worker ends its round and exits 0."""
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0, process.stderr.read() if process.stderr else b""


async def test_two_workers_alert_each_staff_member_once_per_threshold(
    migrated_postgres_engine: AsyncEngine, postgres_url: str, tmp_path: Path
) -> None:
    """60 tickets cross their warning: 60 warnings, 120 WhatsApp messages, none twice."""
    policy = tmp_path / "desk.toml"
    policy.write_text(POLICY)
    lia = LiaProcess(env=clean_environment(LIA_DATABASE_URL=postgres_url), cwd=tmp_path)
    assert "revision 1" in lia.ok("rules", "load", str(policy), "--actor", "test").stdout
    await seed(migrated_postgres_engine)
    with stub_provider({}, cwd=tmp_path) as stub:
        env = worker_env(
            postgres_url,
            stub,
            LIA_DESK__MONITOR_INTERVAL_SECONDS="0.2",
            LIA_DESK__MONITOR_BATCH="7",
            # One message per ticket and staff member (a digest is counted in the other test).
            LIA_DESK__ALERT_DIGEST_AFTER="100",
        )
        workers = [worker_process(env, cwd=tmp_path) for _ in range(2)]
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                warned, unsent = await progress(migrated_postgres_engine)
                if len(warned) == TICKETS and unsent == 0:
                    break
                await asyncio.sleep(0.2)
            await asyncio.sleep(1)  # a few more ticks: nothing may be raised again
        finally:
            for worker in workers:
                stop(worker)
        async with httpx.AsyncClient() as client:
            seen = (await client.get(f"{stub}/_stub/requests", timeout=5)).json()
    warned, unsent = await progress(migrated_postgres_engine)
    assert len(warned) == TICKETS
    assert set(warned.values()) == {1}
    assert unsent == 0
    accepted = Counter(seen["providers"]["whatsapp"]["accepted"])
    assert accepted == {str(phone): TICKETS for phone in STAFF}
