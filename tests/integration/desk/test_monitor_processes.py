"""The SLA monitor in real processes on one PostgreSQL: each alert once, none lost to a kill.

Tickets are opened 71 minutes in the past on a 24/7 policy (warning at 70 minutes), so every
one is due now; `monitor_loop` processes tick on them. Afterwards each ticket must have
exactly one SLA_WARNING event, and each staff member exactly one alert about it (a
`notify-user` job of its own, or a place in a digest's count).
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.memory import FixedClock
from lia_adapters.sql import SqlUnitOfWorkFactory
from lia_adapters.system import UuidGenerator
from lia_core.desk.alerts import OutboxStaffNotifier
from lia_core.desk.commands import OpenTicket
from lia_core.desk.service import Desk, FixedPolicySource
from lia_core.domain.activity import Actor
from lia_core.domain.users import Role, User

from .monitor_loop import ROUND_THE_CLOCK

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("processes")]

ROOT = Path(__file__).resolve().parents[3]
STAFF = 2
DIGEST = re.compile(r": (\d+) tickets — ")
"""A digest (`lia_core.desk.alerts.digest_text`) says how many tickets it covers."""


async def seed(engine: AsyncEngine, tickets: int) -> None:
    """Two staff members and *tickets* tickets whose warning came a minute ago."""
    factory = SqlUnitOfWorkFactory(engine)
    opened = datetime.now(UTC) - timedelta(minutes=71)
    ids = UuidGenerator()
    desk = Desk(
        uow=factory,
        clock=FixedClock(opened),
        ids=ids,
        policies=FixedPolicySource(ROUND_THE_CLOCK),
        notifier=OutboxStaffNotifier(ids),
    )
    async with factory() as uow:
        for n, role in enumerate((Role.SUPERVISOR, Role.ADMIN)[:STAFF]):
            user = User(
                id=f"u-{n}", username=f"staff{n}", role=role, password_hash="x", created_at=opened
            )
            await uow.users.add(user)
        await uow.commit()
    for n in range(tickets):
        await desk.open(OpenTicket(subject=f"Sem conexão {n}"), Actor(name="ana"))


async def counts(engine: AsyncEngine) -> tuple[dict[str, int], int]:
    """SLA_WARNING events per ticket, and notify-user jobs in all."""
    async with engine.connect() as conn:
        warned = await conn.execute(
            text(
                "SELECT t.id, count(e.ticket_id) FROM tickets t LEFT JOIN ticket_events e"
                " ON e.ticket_id = t.id AND e.kind = 'sla_warning' GROUP BY t.id"
            )
        )
        per_ticket = {row[0]: int(row[1]) for row in warned}
        jobs = await conn.execute(
            text("SELECT payload FROM outbox_jobs WHERE job_name = 'notify-user'")
        )
        return per_ticket, sum(alerts_in(payload["text"]) for payload in jobs.scalars())


def alerts_in(message: str) -> int:
    """How many alerts one staff message carries: one, or a digest's count."""
    digest = DIGEST.search(message)
    return int(digest.group(1)) if digest else 1


@contextmanager
def monitor(url: str, *args: str) -> Iterator[subprocess.Popen[str]]:
    """A `monitor_loop` process, started and (if still alive) stopped with SIGTERM."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.desk.monitor_loop", url, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def wait_for_line(process: subprocess.Popen[str], line: str, *, within: float = 30) -> None:
    """Read the process's output until *line* (fail if it exits or time runs out)."""
    assert process.stdout is not None
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        got = process.stdout.readline()
        if got.strip() == line:
            return
        if not got and process.poll() is not None:
            raise AssertionError(
                f"the monitor exited: {process.stderr.read() if process.stderr else ''}"
            )
    raise AssertionError(f"no {line!r} within {within} s")


def totals(process: subprocess.Popen[str]) -> dict[str, int]:
    """Stop the process and read its totals (the last line it printed)."""
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    last: dict[str, int] = json.loads(out.strip().splitlines()[-1])
    return last


async def until_all_warned(engine: AsyncEngine, tickets: int, *, within: float = 60) -> None:
    """Wait until every ticket has its warning."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        per_ticket, _ = await counts(engine)
        if len(per_ticket) == tickets and all(per_ticket.values()):
            return
        await asyncio.sleep(0.2)
    raise AssertionError("not every ticket was warned in time")


async def test_two_monitors_raise_each_alert_once(
    migrated_postgres_engine: AsyncEngine, postgres_url: str
) -> None:
    """Two processes, each running two batches at once, share the due tickets (both visit
    some) and no alert is raised twice."""
    tickets = 200
    await seed(migrated_postgres_engine, tickets)
    with (
        monitor(postgres_url, "--slow", "0.25", "--lanes", "2") as first,
        monitor(postgres_url, "--slow", "0.25", "--lanes", "2") as second,
    ):
        wait_for_line(first, "started")
        wait_for_line(second, "started")
        await until_all_warned(migrated_postgres_engine, tickets)
        one, two = totals(first), totals(second)
    per_ticket, alerted = await counts(migrated_postgres_engine)
    assert set(per_ticket.values()) == {1}
    assert alerted == tickets * STAFF
    assert one["warnings"] + two["warnings"] == tickets
    assert one["warnings"] > 0, (one, two)
    assert two["warnings"] > 0, (one, two)
    assert one["failed"] == two["failed"] == 0


async def test_a_monitor_killed_mid_tick_loses_no_alert(
    migrated_postgres_engine: AsyncEngine, postgres_url: str
) -> None:
    """SIGKILL in the middle of a batch: the next monitor raises every alert, each once."""
    tickets = 30
    await seed(migrated_postgres_engine, tickets)
    with monitor(postgres_url, "--slow", "0.2", "--batch", "10") as doomed:
        wait_for_line(doomed, "notifying")
        wait_for_line(doomed, "notifying")  # a few tickets of the batch done, not committed
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=30)
    per_ticket, alerted = await counts(migrated_postgres_engine)
    assert sum(per_ticket.values()) == 0  # the batch died uncommitted
    assert alerted == 0
    with monitor(postgres_url) as survivor:
        wait_for_line(survivor, "started")
        await until_all_warned(migrated_postgres_engine, tickets)
        done = totals(survivor)
    per_ticket, alerted = await counts(migrated_postgres_engine)
    assert set(per_ticket.values()) == {1}
    assert alerted == tickets * STAFF
    assert done["warnings"] == tickets
