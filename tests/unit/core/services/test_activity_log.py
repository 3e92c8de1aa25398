"""The audit log over the fakes: each staff action writes one entry with its change, a refused one none."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_core.domain.activity import Activity, ActivityFilter, Actor
from lia_core.domain.delivery import Channel, JobName
from lia_core.domain.delivery_policy import FailureKind
from lia_core.domain.failures import TRANSITIONS, FailureAction, FailureStatus
from lia_core.domain.regions import CityArea, parse_cep_rule
from lia_core.domain.users import Role
from lia_core.errors import (
    AlreadyExists,
    ConcurrencyConflict,
    DomainError,
    InvalidTransition,
    RegionInUse,
    ValidationError,
)
from lia_core.ports import DeadLetterFilter
from lia_core.services import (
    ChangeFailureStatus,
    CreateUser,
    DeclareFailure,
    DefineRegion,
    EditFailure,
    ReprocessDeadLetters,
    ResolveAndBroadcast,
    Services,
    SettleJob,
    Settlement,
    UpdateRegion,
)
from lia_core.services.failures import EditFailureHandler

from .delivery_harness import build_harness

ANA = Actor(name="ana.souza", ip="203.0.113.7", user_agent="Mozilla/5.0")
T0 = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)


def build(store: InMemoryStore, clock: FixedClock) -> Services:
    """Every use case over *store*."""
    return Services.build(
        uow=store.unit_of_work, clock=clock, ids=SequentialIds("id"), hasher=PlainTextHasher()
    )


def entries(store: InMemoryStore) -> list[Activity]:
    """The committed entries, oldest first."""
    return sorted(store.activity.values(), key=lambda e: (e.at, int(e.id.split("-")[1])))


def summary(entry: Activity) -> tuple[str, str, str, str | None, str | None]:
    """What an entry says happened: who, what, to which entity, from → to."""
    return (
        entry.actor or "",
        entry.action,
        f"{entry.entity}:{entry.entity_id}",
        entry.from_state,
        entry.to_state,
    )


def outage(*, start_in: timedelta | None = None, actor: Actor | str = ANA) -> DeclareFailure:
    """A failure over Teresópolis, scheduled when *start_in* is given."""
    return DeclareFailure(
        name="Queda Centro",
        message="Olá {nome}, estamos sem sinal.",
        resolution_message="Voltou, {nome}!",
        cities=(CityArea.parse("Teresópolis"),),
        starts_at=T0 + start_in if start_in else None,
        actor=actor,
    )


async def test_failure_lifecycle_writes_one_entry_per_action() -> None:
    """declare, edit, activate, pause, resume and resolve each add one entry: actor, from → to."""
    store, clock = InMemoryStore(), FixedClock(T0)
    services = build(store, clock)
    failure = await services.declare_failure(outage(start_in=timedelta(hours=2)))
    fid = failure.id
    steps = [
        services.edit_failure(EditFailure.of(fid, outage(start_in=timedelta(hours=3)))),
        services.change_failure_status(
            ChangeFailureStatus(failure_id=fid, action=FailureAction.ACTIVATE, actor="bruno")
        ),
        services.change_failure_status(
            ChangeFailureStatus(failure_id=fid, action=FailureAction.PAUSE, actor=ANA)
        ),
        services.change_failure_status(
            ChangeFailureStatus(failure_id=fid, action=FailureAction.RESUME, actor=ANA)
        ),
        services.resolve_and_broadcast(ResolveAndBroadcast(failure_id=fid, actor="carla")),
    ]
    for count, step in enumerate(steps, start=2):
        clock.advance(minutes=1)
        await step
        assert len(store.activity) == count

    assert [summary(e) for e in entries(store)] == [
        ("ana.souza", "failure.declare", f"failure:{fid}", None, "scheduled"),
        ("ana.souza", "failure.edit", f"failure:{fid}", "scheduled", "scheduled"),
        ("bruno", "failure.status", f"failure:{fid}", "scheduled", "active"),
        ("ana.souza", "failure.status", f"failure:{fid}", "active", "paused"),
        ("ana.souza", "failure.status", f"failure:{fid}", "paused", "active"),
        ("carla", "failure.status", f"failure:{fid}", "active", "resolved"),
    ]
    declared, *_, resolved = entries(store)
    assert (declared.ip, declared.user_agent, declared.at) == (ANA.ip, ANA.user_agent, T0)
    assert declared.details == {"name": "Queda Centro", "severity": "medium"}
    assert (resolved.ip, resolved.at) == (None, T0 + timedelta(minutes=5))
    assert resolved.details == {"command": "resolve", "broadcast": "yes", "queued": "0"}


async def test_the_scheduler_signs_its_activations() -> None:
    """A due failure activated by the worker is logged as the scheduler's doing."""
    store, clock = InMemoryStore(), FixedClock(T0)
    services = build(store, clock)
    failure = await services.declare_failure(outage(start_in=timedelta(minutes=5)))
    clock.advance(minutes=5)
    assert [f.id for f in await services.activate_due_failures()] == [failure.id]
    last = entries(store)[-1]
    assert summary(last) == (
        "scheduler",
        "failure.status",
        f"failure:{failure.id}",
        "scheduled",
        "active",
    )
    assert last.details == {"command": "activate"}


async def test_refused_failure_changes_write_nothing() -> None:
    """A refused transition, an invalid form or an unknown region leaves the log as it was."""
    store, clock = InMemoryStore(), FixedClock(T0)
    services = build(store, clock)
    failure = await services.declare_failure(outage())
    before = dict(store.activity)
    with pytest.raises(InvalidTransition):
        await services.change_failure_status(
            ChangeFailureStatus(failure_id=failure.id, action=FailureAction.RESUME, actor=ANA)
        )
    with pytest.raises(InvalidTransition):
        await services.edit_failure(EditFailure.of(failure.id, outage()))
    with pytest.raises(ValidationError):
        await services.declare_failure(
            DeclareFailure(name="X", message="Oi", region_ids=("nenhuma",), actor=ANA)
        )
    await services.resolve_and_broadcast(ResolveAndBroadcast(failure_id=failure.id, actor=ANA))
    with pytest.raises(InvalidTransition):
        await services.resolve_and_broadcast(ResolveAndBroadcast(failure_id=failure.id, actor=ANA))
    assert len(store.activity) == len(before) + 1


async def test_a_change_lost_to_a_concurrent_writer_leaves_no_entry() -> None:
    """The entry is staged with the change: a version conflict at commit discards both."""
    store, clock = InMemoryStore(), FixedClock(T0)
    failure = await build(store, clock).declare_failure(outage(start_in=timedelta(hours=1)))

    class RacingClock:
        """Reading the time (after the edit's read) lets a concurrent writer commit first."""

        def now(self) -> datetime:
            store.failures[failure.id].version += 1
            return clock.now()

    edit = EditFailureHandler(store.unit_of_work, RacingClock(), SequentialIds("e"))
    with pytest.raises(ConcurrencyConflict):
        await edit(EditFailure.of(failure.id, outage(start_in=timedelta(hours=2))))
    assert [e.action for e in store.activity.values()] == ["failure.declare"]


async def test_region_actions_are_logged_with_their_rules() -> None:
    """define, update and delete log one entry each; a taken id or a region in use logs none."""
    store, clock = InMemoryStore(), FixedClock(T0)
    services = build(store, clock)
    await services.define_region(
        DefineRegion(region_id="serra", name="Serra", cities=(CityArea.parse("Magé"),), actor=ANA)
    )
    with pytest.raises(AlreadyExists):
        await services.define_region(
            DefineRegion(region_id="serra", name="Outra", ceps=(parse_cep_rule("2"),), actor=ANA)
        )
    await services.update_region(
        UpdateRegion(
            region_id="serra", ceps=(parse_cep_rule("2595"), parse_cep_rule("2596")), actor="bia"
        )
    )
    failure = await services.declare_failure(
        DeclareFailure(name="Q", message="Oi", region_ids=("serra",), actor=ANA)
    )
    with pytest.raises(RegionInUse):
        await services.delete_region("serra", actor=ANA)
    await services.resolve_and_broadcast(ResolveAndBroadcast(failure_id=failure.id, actor=ANA))
    await services.delete_region("serra", actor="bia")

    regions = [summary(e) for e in entries(store) if e.entity == "region"]
    assert regions == [
        ("ana.souza", "region.define", "region:serra", None, "1 city, 0 CEP rules"),
        ("bia", "region.update", "region:serra", "1 city, 0 CEP rules", "0 cities, 2 CEP rules"),
        ("bia", "region.delete", "region:serra", "0 cities, 2 CEP rules", None),
    ]
    assert all(e.details == {"name": "Serra"} for e in entries(store) if e.entity == "region")
    assert len(store.activity) == 5  # plus the failure's declare and resolve


async def test_user_creation_is_logged_once() -> None:
    """Creating an account logs who created it and the role; a taken username logs nothing."""
    store, clock = InMemoryStore(), FixedClock(T0)
    services = build(store, clock)
    await services.create_user(
        CreateUser(username="Bia", role=Role.AGENT, password="s3cret-pass-long", actor="root")
    )
    with pytest.raises(AlreadyExists):
        await services.create_user(
            CreateUser(username="bia", role=Role.ADMIN, password="s3cret-pass-long", actor="root")
        )
    with pytest.raises(ValidationError):
        await services.create_user(
            CreateUser(username="carla", role=Role.ADMIN, password="short", actor="root")
        )
    assert [summary(e) for e in entries(store)] == [
        ("root", "user.create", "user:bia", None, "AGENT"),
    ]


@given(st.lists(st.sampled_from(list(FailureAction)), max_size=8), st.booleans())
def test_status_entries_follow_the_transition_table(
    actions: Sequence[FailureAction], scheduled: bool
) -> None:
    """Any command sequence logs exactly the transitions the table allows, each from → to."""

    async def run() -> list[tuple[str | None, str | None]]:
        store, clock = InMemoryStore(), FixedClock(T0)
        services = build(store, clock)
        start = timedelta(hours=1) if scheduled else None
        failure = await services.declare_failure(outage(start_in=start))
        for action in actions:
            clock.advance(seconds=1)
            with contextlib.suppress(InvalidTransition):
                await services.change_failure_status(
                    ChangeFailureStatus(failure_id=failure.id, action=action, actor=ANA)
                )
        return [(e.from_state, e.to_state) for e in entries(store)[1:]]

    status = FailureStatus.SCHEDULED if scheduled else FailureStatus.ACTIVE
    expected: list[tuple[str | None, str | None]] = []
    for action in actions:
        allowed, target = TRANSITIONS[action]
        if status in allowed:
            expected.append((status.value, target.value))
            status = target
    assert asyncio.run(run()) == expected


async def test_entries_read_back_through_the_port_newest_first() -> None:
    """The fake's log answers the listing query newest first, as the SQL one does."""
    store, clock = InMemoryStore(), FixedClock(T0)
    services = build(store, clock)
    await services.declare_failure(outage())
    clock.advance(minutes=1)
    await services.define_region(
        DefineRegion(region_id="serra", name="Serra", cities=(CityArea.parse("Magé"),), actor="bia")
    )
    async with store.unit_of_work() as uow:
        listed = await uow.activity.list(ActivityFilter(), limit=10)
        by_bia = await uow.activity.list(ActivityFilter(actor="bia"), limit=10)
    assert [e.action for e in listed] == ["region.define", "failure.declare"]
    assert [e.action for e in by_bia] == ["region.define"]


async def test_a_reprocessing_run_is_logged_and_a_dry_run_is_not() -> None:
    """Requeueing dead letters logs one entry with the counts and filters; a dry run logs none."""
    h = build_harness()
    jobs = [await h.enqueue(f"552191111110{n}", channel=Channel.SMS) for n in range(2)]
    h.senders[Channel.SMS].fail_next(FailureKind.PERMANENT, FailureKind.PERMANENT)
    await h.dispatcher.run_once(owner="w1")
    where = DeadLetterFilter(job_name=JobName.SEND_SMS)
    await h.services.reprocess_dead_letters(
        ReprocessDeadLetters(where=where, actor=ANA, dry_run=True)
    )
    assert h.store.activity == {}
    report = await h.services.reprocess_dead_letters(ReprocessDeadLetters(where=where, actor=ANA))
    (entry,) = h.store.activity.values()
    assert summary(entry) == (
        "ana.souza", "dead_letters.reprocess", f"dead_letter:{report.audit.action_id}", None, None,
    )  # fmt: skip
    assert entry.details == {
        "matched": "2",
        "requeued": "2",
        "skipped": "0",
        "job_name": "send-sms",
    }
    assert entry.ip == ANA.ip
    assert all(j not in h.store.dead_letters for j in jobs)


async def test_settling_an_uncertain_send_is_logged_and_a_refusal_is_not() -> None:
    """outbox.settle logs uncertain → sent (or pending); settling a job that is not uncertain logs none."""
    h = build_harness()
    job_id = await h.enqueue("5521999990001")
    h.senders[Channel.WHATSAPP].fail_next(FailureKind.UNCERTAIN)
    await h.dispatcher.run_once(owner="w1")
    await h.services.settle_job(SettleJob(job_id=job_id, outcome=Settlement.RESEND, actor=ANA))
    (entry,) = h.store.activity.values()
    assert summary(entry) == ("ana.souza", "outbox.settle", f"job:{job_id}", "uncertain", "pending")
    assert entry.details == {"outcome": "resend"}
    with pytest.raises(DomainError):
        await h.services.settle_job(SettleJob(job_id=job_id, outcome=Settlement.SENT, actor=ANA))
    assert len(h.store.activity) == 1
