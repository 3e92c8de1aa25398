"""A process running the SLA monitor loop on a database, for the multi-process tests.

`python -m tests.integration.desk.monitor_loop URL [--slow SECONDS] [--batch N] [--lanes N]`
ticks every 0.1 s (lanes down to one ticket each) on a
24/7 desk policy (resolution due 100 minutes after opening, warning at 70) until SIGTERM, then
prints its totals as one JSON line. With --slow, each staff notification first prints
``notifying`` and sleeps, so a test can kill the process in the middle of a batch.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
import time
from collections.abc import Sequence
from datetime import datetime

import attrs

from lia_adapters.sql import SqlUnitOfWorkFactory, create_engine
from lia_adapters.system import SystemClock, UuidGenerator
from lia_core.desk.alerts import About, OutboxStaffNotifier
from lia_core.desk.monitor import MonitorReport, SlaMonitor
from lia_core.desk.policy import DeskPolicy
from lia_core.desk.service import Desk, FixedPolicySource
from lia_core.domain.delivery import Channel, OutboundJob
from lia_core.domain.tickets import Priority
from lia_core.domain.users import User
from lia_core.escalation.book import RuleBook
from lia_core.sla.calendar import BusinessCalendar
from lia_core.sla.policy import PolicyBook, SlaPolicy, SlaTargets, Target

ROUND_THE_CLOCK = DeskPolicy(
    sla=PolicyBook(
        fallback=SlaPolicy(
            name="round-the-clock",
            calendar=BusinessCalendar.always(),
            by_priority={p: SlaTargets(resolution=Target.calendar(100)) for p in Priority},
        )
    ),
    rules=RuleBook(rules=()),
    channels={"sla-alert": (Channel.SANDBOX,)},
)


@attrs.frozen
class Slow(OutboxStaffNotifier):
    """Says ``notifying`` and waits before each notification (so a kill lands mid-batch)."""

    seconds: float = 0.0

    def jobs_about(
        self,
        about: About,
        staff: Sequence[User],
        *,
        policy: str,
        cause: str,
        now: datetime,
        desk: DeskPolicy,
    ) -> list[OutboundJob]:
        """Announce, wait (blocking: the whole process stalls mid-batch), then make the jobs."""
        self._stall()
        return super().jobs_about(about, staff, policy=policy, cause=cause, now=now, desk=desk)

    def digest(
        self,
        items: Sequence[tuple[About, str]],
        user: User,
        *,
        policy: str,
        now: datetime,
        desk: DeskPolicy,
    ) -> list[OutboundJob]:
        """Announce and wait, as `jobs_about`, then make the digest."""
        self._stall()
        return super().digest(items, user, policy=policy, now=now, desk=desk)

    def _stall(self) -> None:
        print("notifying", flush=True)
        time.sleep(self.seconds)


@attrs.define
class Totals:
    """The sum of the ticks' reports."""

    visited: int = 0
    warnings: int = 0
    alerts: int = 0
    failed: int = 0


@attrs.define
class Observer:
    """Adds the ticks up; prints failures to stderr."""

    totals: Totals

    def ticked(self, report: MonitorReport) -> None:
        """Add one tick."""
        self.totals.visited += report.visited
        self.totals.warnings += report.warnings
        self.totals.alerts += report.alerts
        self.totals.failed += report.failed

    def failed(self, ticket_ids: Sequence[str], *, isolated: bool) -> None:
        """Say which tickets failed."""
        print(f"failed {list(ticket_ids)} isolated={isolated}", file=sys.stderr, flush=True)


async def run(url: str, *, slow: float, batch: int, lanes: int) -> Totals:
    """Tick until SIGTERM; return the totals."""
    engine = create_engine(url)
    factory = SqlUnitOfWorkFactory(engine)
    clock = SystemClock()
    ids = UuidGenerator()
    source = FixedPolicySource(ROUND_THE_CLOCK)
    notifier = Slow(ids, seconds=slow) if slow else OutboxStaffNotifier(ids)
    desk = Desk(uow=factory, clock=clock, ids=ids, policies=source, notifier=notifier)
    totals = Totals()
    monitor = SlaMonitor(
        uow=factory,
        clock=clock,
        desk=desk,
        policies=source,
        observer=Observer(totals),
        notifier=notifier,
        batch=batch,
        lanes=lanes,
        min_lane=1,
    )
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("started", flush=True)
    try:
        while not stop.is_set():
            await monitor.tick()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=0.1)
    finally:
        await engine.dispose()
    return totals


def main() -> None:
    """Parse the arguments, run, print the totals."""
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--slow", type=float, default=0.0)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--lanes", type=int, default=1)
    args = parser.parse_args()
    totals = asyncio.run(run(args.url, slow=args.slow, batch=args.batch, lanes=args.lanes))
    print(json.dumps(attrs.asdict(totals)), flush=True)


if __name__ == "__main__":
    main()
