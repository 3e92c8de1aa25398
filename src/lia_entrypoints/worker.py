"""The background worker: the outbox dispatcher and a scheduler of timed jobs, until stopped.

The scheduler is a list of `Timer` (interval, job): a new monitor plugs in by adding one to
`timers`, without touching the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import time
import uuid
from collections.abc import Awaitable, Callable

import attrs
import structlog

from lia_core.domain.activity import Actor
from lia_core.domain.failures import FailureStatus
from lia_core.errors import DatabaseUnavailable, LiaError
from lia_core.services import FailureTab, ListFailures
from lia_core.services.dispatch import DispatchReport
from lia_core.services.proactive import NotifyAffectedCustomers
from lia_entrypoints.adapters import configured_channels
from lia_entrypoints.bootstrap import Runtime
from lia_entrypoints.inbound.gate_worker import GateWorker
from lia_entrypoints.outage import Outage
from lia_entrypoints.policies import login_policy, retention_policy

__all__ = ["Timer", "WorkerReport", "gate_worker", "run_worker", "timers", "worker_id"]

log = structlog.get_logger(__name__)

BACKLOG_CHECK_SECONDS = 60.0
"""How often the worker counts the backlog for the admin alert (a GROUP BY, so not every round)."""


def worker_id() -> str:
    """A lease owner name unique to this process: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@attrs.define
class WorkerReport:
    """What one worker run did."""

    ticks: int = 0
    activated: list[str] = attrs.field(factory=list)
    proactive: set[str] = attrs.field(factory=set)
    """Failures whose CRM customers this process already notified proactively."""
    proactive_unavailable: bool = False
    sent: int = 0
    retried: int = 0
    dead: int = 0
    uncertain: int = 0
    gated: int = 0
    """Stored messages this worker leased and ran the gate over (`LIA_INBOUND__GATE=worker`)."""

    def add(self, round_: DispatchReport) -> None:
        """Fold one dispatch round into the totals."""
        self.sent += round_.sent
        self.retried += round_.retried + round_.fell_back
        self.dead += round_.dead
        self.uncertain += round_.uncertain


async def _activate_due(runtime: Runtime, report: WorkerReport) -> None:
    for failure in await runtime.services.activate_due_failures():
        report.activated.append(failure.id)
        log.info(
            "failure.activated",
            failure_id=failure.id,
            failure_name=failure.name,
            starts_at=failure.starts_at.isoformat(),
        )


async def _notify_proactively(runtime: Runtime, report: WorkerReport) -> None:
    """With LIA_INBOUND__PROACTIVE_NOTICE, tell CRM customers of each newly seen active failure.

    Repeating it (another worker, a restart) queues nothing twice: notices are keyed per
    failure and contact.
    """
    inbound = runtime.settings.inbound
    if not inbound.proactive_notice or report.proactive_unavailable:
        return
    try:
        notify = runtime.proactive_notice()
    except LiaError as exc:
        # Misconfigured: say so once and keep sending; it must not stop the rest of the round.
        log.error("failure.proactive_notice_unavailable", error=str(exc))
        report.proactive_unavailable = True
        return
    active = await runtime.services.list_failures(ListFailures(tab=FailureTab.ACTIVE))
    for failure in active.failures:
        if failure.status is not FailureStatus.ACTIVE or failure.id in report.proactive:
            continue
        result = await notify(
            NotifyAffectedCustomers(failure_id=failure.id, template=inbound.proactive_template)
        )
        report.proactive.add(failure.id)
        log.info("failure.proactive_notice", failure_id=failure.id, **attrs.asdict(result))


async def _schedule(runtime: Runtime, report: WorkerReport) -> None:
    """The scheduler tick: activate due failures, then notify CRM customers proactively."""
    await _activate_due(runtime, report)
    await _notify_proactively(runtime, report)
    report.ticks += 1


@attrs.frozen
class Timer:
    """A job the worker runs every *every* seconds (first at start), between dispatch rounds."""

    name: str
    every: float
    job: Callable[[Runtime, WorkerReport], Awaitable[None]]


async def _check_backlog(runtime: Runtime, _report: WorkerReport) -> None:
    await runtime.services.alerter.check_backlog()


async def _monitor_sla(runtime: Runtime, _report: WorkerReport) -> None:
    """One SLA monitor tick: SLA events and staff alerts of the tickets now due."""
    await runtime.sla_monitor.tick()


async def _plan_sla(runtime: Runtime, _report: WorkerReport) -> None:
    """Plan the coming SLA visits of the tickets saved since (so the next ticks apply them)."""
    planned = await runtime.sla_monitor.plan_ahead()
    if planned:
        log.info("desk.plan_ahead", tickets=planned)


async def _bot_timers(runtime: Runtime, _report: WorkerReport) -> None:
    """The bot's inactivity timer: the menu, then the close, of the conversations now due."""
    if not runtime.settings.bot.enabled:
        return
    done = await runtime.services.bot_timers()
    if done.menus or done.closed or done.conflicts:
        log.info("bot.timers", **attrs.asdict(done))


async def _assign(runtime: Runtime, _report: WorkerReport) -> None:
    """One assignment tick: presence sweep, offer timeouts, the return timer, new offers."""
    done = await runtime.services.assignment_tick()
    if done.silent or done.timed_out or done.returned or done.offered:
        log.info("assignment.tick", **attrs.asdict(done))


async def _gamification(runtime: Runtime, _report: WorkerReport) -> None:
    """Run the current month (and last month once after its end) with LIA_GAMIFICATION__ENABLED."""
    if not runtime.settings.gamification.enabled:
        return
    runs = await runtime.services.gamification.run_due()
    log.info(
        "gamification.run", periods=[r.period for r in runs], agents=[len(r.scores) for r in runs]
    )


async def _retention(runtime: Runtime, _report: WorkerReport) -> None:
    """Purge what is past its retention (LIA_RETENTION__*_DAYS; all 0 by default: nothing),
    and, always, failed-sign-in counts past `LIA_LOGIN__FORGET_AFTER_MINUTES`."""
    policy = retention_policy(runtime.settings)
    forget_after = login_policy(runtime.settings).forget_after
    if idle := await runtime.services.retention.purge_login_failures(
        forget_after=forget_after, batch_size=policy.batch_size
    ):
        log.info("retention.login_failures", purged=idle)
    if not policy.ages():
        return
    reports = await runtime.services.retention.run_due(policy, actor=Actor.service("retention"))
    log.info("retention.purge", **{r.target.value: r.count for r in reports})


def timers(runtime: Runtime) -> list[Timer]:
    """The worker's timed jobs, in the order they run when several are due."""
    return [
        Timer("schedule", runtime.settings.worker.poll_interval_seconds, _schedule),
        Timer("backlog", BACKLOG_CHECK_SECONDS, _check_backlog),
        Timer("sla-monitor", runtime.settings.desk.monitor_interval_seconds, _monitor_sla),
        Timer("sla-planner", runtime.settings.desk.planner_interval_seconds, _plan_sla),
        Timer("bot-timers", runtime.settings.bot.timer_interval_seconds, _bot_timers),
        Timer("assignment", runtime.settings.assignment.tick_seconds, _assign),
        Timer("gamification", runtime.settings.gamification.interval_seconds, _gamification),
        Timer("retention", runtime.settings.retention.interval_seconds, _retention),
    ]


def gate_worker(runtime: Runtime) -> GateWorker | None:
    """The gate's loop with `LIA_INBOUND__GATE=worker`; None when `lia serve` gates inline."""
    inbound = runtime.settings.inbound
    if inbound.gate != "worker":
        return None
    return GateWorker(
        runtime.services.gate_stored,
        batch_size=inbound.process_batch,
        poll=inbound.gate_poll_seconds,
        window=inbound.gate_window_ms / 1000,
    )


async def _drain(
    runtime: Runtime, owner: str, report: WorkerReport, stop: asyncio.Event | None = None
) -> int:
    """Dispatch rounds until a round finds nothing due (or *stop* is set); return jobs claimed."""
    claimed = 0
    while stop is None or not stop.is_set():
        round_ = await runtime.services.dispatcher.run_once(owner=owner)
        report.add(round_)
        claimed += round_.claimed
        if round_.claimed:
            log.info("dispatch.round", **attrs.asdict(round_))
        if round_.claimed == round_.deferred:  # nothing due, or only jobs waiting for pacing
            return claimed
    return claimed


async def run_worker(
    runtime: Runtime,
    *,
    once: bool = False,
    stop: asyncio.Event | None = None,
    jobs: list[Timer] | None = None,
    gate_only: bool = False,
) -> WorkerReport:
    """Activate due failures and send due messages; with *once*, do what is due now and return.

    SIGINT/SIGTERM (or setting *stop*) ends the loop after the current round, so no
    transaction is cut in half; jobs in flight when a worker is killed are retried by
    another after their lease expires. With *gate_only* (`lia worker --gate-only`) it runs
    the gate alone: no sends, no timed jobs.
    """
    report = WorkerReport()
    owner = worker_id()
    gate = gate_worker(runtime)
    if gate_only:
        if gate is None:  # the CLI refuses this before starting; a library caller gets this
            raise ValueError("gate_only needs LIA_INBOUND__GATE=worker")
        report.gated = await gate.drain() if once else await _gate_only(runtime, gate, stop)
        return report
    real = sorted(c.value for c in configured_channels(runtime.settings))
    log.info("delivery.channels", providers=real or ["sandbox only"])
    if once:
        if gate is not None:  # first, so the replies it queues go out in this run
            report.gated = await gate.drain()
        await _schedule(runtime, report)
        await _monitor_sla(runtime, report)
        await _plan_sla(runtime, report)
        await _bot_timers(runtime, report)
        await _assign(runtime, report)
        await _drain(runtime, owner, report)
        return report
    stop = stop or asyncio.Event()
    if gate is None:
        await _loop(runtime, jobs or timers(runtime), owner, report, stop)
        return report
    wakeup = runtime.gate_wakeup(gate.wake)
    if wakeup is not None:
        wakeup.start()
    gating = asyncio.create_task(gate.run(stop), name="lia-gate-worker")
    log.info("gate_worker.started", notified=wakeup is not None, poll_seconds=gate.poll)
    try:
        await _loop(runtime, jobs or timers(runtime), owner, report, stop)
    finally:
        stop.set()  # the loop ended (signal, or an error): the gate finishes its batch too
        await gating
        if wakeup is not None:
            await wakeup.close()
        report.gated = gate.gated
    return report


async def _gate_only(runtime: Runtime, gate: GateWorker, stop: asyncio.Event | None) -> int:
    """Run the gate loop alone until SIGINT/SIGTERM (or *stop*); return messages gated."""
    stop = stop or asyncio.Event()
    _stop_on_signals(stop)
    wakeup = runtime.gate_wakeup(gate.wake)
    if wakeup is not None:
        wakeup.start()
    log.info("gate_worker.started", notified=wakeup is not None, poll_seconds=gate.poll, only=True)
    try:
        await gate.run(stop)
    finally:
        if wakeup is not None:
            await wakeup.close()
    log.info("gate_worker.stopped", gated=gate.gated)
    return gate.gated


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)


async def _loop(
    runtime: Runtime,
    jobs: list[Timer],
    owner: str,
    report: WorkerReport,
    stop: asyncio.Event,
) -> None:
    _stop_on_signals(stop)
    settings = runtime.settings.worker
    log.info("worker.started", owner=owner, poll_interval_seconds=settings.poll_interval_seconds)
    due_at = [0.0] * len(jobs)
    # Retries start at the idle wait and double up to a few seconds: an outage's first
    # seconds cost a handful of refused connections, not a busy loop.
    outage = Outage("worker.database", initial=settings.idle_seconds)
    while not stop.is_set():
        now = time.monotonic()
        claimed = 0
        pause = settings.idle_seconds
        try:
            for index, timer in enumerate(jobs):
                if now >= due_at[index]:
                    await timer.job(runtime, report)
                    due_at[index] = now + timer.every
            claimed = await _drain(runtime, owner, report, stop)
            outage.succeeded()
        except DatabaseUnavailable as exc:
            # A restart or failover: one line, then wait longer each round until it answers.
            # The round is retried whole; jobs claimed before it went away come back after
            # their lease.
            pause = outage.failed(exc)
            claimed = 0
        except Exception:
            # A bug in one job must not kill the worker; the next round retries the same work.
            log.exception("worker.round_failed")
        if claimed == 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=pause)
    log.info(
        "worker.stopped", ticks=report.ticks, activated=len(report.activated), sent=report.sent
    )
