"""The ActivityLog contract (the audit log) on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lia_core.domain.activity import Activity, ActivityFilter, Actor
from lia_core.errors import AlreadyExists
from lia_core.ports import UnitOfWorkFactory
from tests.contract.builders.outages import BRT, T0

ANA = Actor(name="ana.souza", ip="203.0.113.7", user_agent="Mozilla/5.0 (X11; Linux) Ünïcode")


def an_entry(
    entry_id: str,
    *,
    minutes: int = 0,
    actor: Actor = ANA,
    action: str = "failure.status",
    entity: str = "failure",
    entity_id: str = "f-1",
) -> Activity:
    """An entry *minutes* after T0 (BRT-aware, as callers may pass any zone)."""
    return Activity.of(
        actor,
        id=entry_id,
        at=(T0 + timedelta(minutes=minutes)).astimezone(BRT),
        action=action,
        entity=entity,
        entity_id=entity_id,
    )


async def _store(uow_factory: UnitOfWorkFactory, entries: list[Activity]) -> None:
    async with uow_factory() as uow:
        for entry in entries:
            await uow.activity.add(entry)
        await uow.commit()


async def test_entries_round_trip_newest_first(uow_factory: UnitOfWorkFactory) -> None:
    """Every field comes back equal; entries list newest first, id descending at one instant."""
    full = Activity.of(
        ANA,
        id="a-2",
        at=T0 + timedelta(hours=1),
        action="failure.status",
        entity="failure",
        entity_id="f-9",
        from_state="active",
        to_state="resolved",
        reason="fibra reparada às 14h — equipe 3",
        details={"broadcast": "true", "região": "Centro"},
    )
    bare = Activity.of(
        Actor.service("scheduler"),
        id="a-1",
        at=T0,
        action="region.define",
        entity="region",
        entity_id="r-1",
    )
    tie = an_entry("a-3", minutes=60)
    await _store(uow_factory, [bare, full, tie])

    async with uow_factory() as uow:
        listed = await uow.activity.list(ActivityFilter(), limit=10)
        assert [e.id for e in listed] == ["a-3", "a-2", "a-1"]
        assert listed[1] == full
        assert listed[2] == bare
        assert (bare.ip, bare.user_agent, bare.details) == (None, None, {})
        assert [e.id for e in await uow.activity.list(ActivityFilter(), limit=2)] == ["a-3", "a-2"]


async def test_only_committed_entries_are_kept(uow_factory: UnitOfWorkFactory) -> None:
    """An entry is visible in its own unit of work at once, and gone if that one never commits."""
    async with uow_factory() as uow:
        await uow.activity.add(an_entry("discarded"))
        assert [e.id for e in await uow.activity.list(ActivityFilter(), limit=5)] == ["discarded"]
    async with uow_factory() as uow:
        assert await uow.activity.list(ActivityFilter(), limit=5) == []


async def test_duplicate_id_raises_already_exists_and_leaves_the_unit_usable(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """A taken id is AlreadyExists naming the entry; the unit of work can still commit others."""
    await _store(uow_factory, [an_entry("a-1")])
    async with uow_factory() as uow:
        with pytest.raises(AlreadyExists) as raised:
            await uow.activity.add(an_entry("a-1", minutes=5))
        await uow.activity.add(an_entry("a-2", minutes=5))
        await uow.commit()
    assert (raised.value.entity, raised.value.entity_id) == ("activity", "a-1")
    async with uow_factory() as uow:
        listed = await uow.activity.list(ActivityFilter(), limit=5)
    assert [(e.id, e.at) for e in listed] == [("a-2", T0 + timedelta(minutes=5)), ("a-1", T0)]


_BRUNO = Actor(name="bruno")
_ENTRIES = [
    an_entry("e-01", minutes=0),
    an_entry("e-02", minutes=1, actor=_BRUNO),
    an_entry("e-03", minutes=2, action="region.define", entity="region", entity_id="r-1"),
    an_entry(
        "e-04", minutes=3, actor=_BRUNO, action="region.delete", entity="region", entity_id="r-1"
    ),
    an_entry("e-05", minutes=3, entity_id="f-2"),
    an_entry(
        "e-06", minutes=4, actor=Actor.service("sla-monitor"), entity="ticket", entity_id="f-1"
    ),
    an_entry("e-07", minutes=5, actor=_BRUNO, action="user.create", entity="user", entity_id="ana"),
    an_entry("e-08", minutes=6),
]
_FILTERS = [
    ActivityFilter(),
    ActivityFilter(entity="failure"),
    ActivityFilter(entity="region", entity_id="r-1"),
    ActivityFilter(entity_id="f-1"),
    ActivityFilter(actor="bruno"),
    ActivityFilter(actor="bruno", entity="region"),
    ActivityFilter(since=T0 + timedelta(minutes=3)),
    ActivityFilter(actor="ana.souza", since=(T0 + timedelta(minutes=2)).astimezone(BRT)),
    ActivityFilter(entity="nothing"),
    ActivityFilter(actor="ana"),
]


def _oracle(entries: list[Activity], filter: ActivityFilter, limit: int) -> list[str]:
    """The ids a filter selects, by brute force over the entries."""
    wanted = [
        e
        for e in entries
        if filter.entity in (None, e.entity)
        and filter.entity_id in (None, e.entity_id)
        and filter.actor in (None, e.actor)
        and (filter.since is None or e.at >= filter.since)
    ]
    return [e.id for e in sorted(wanted, key=lambda e: (e.at, e.id), reverse=True)][:limit]


async def test_filters_select_what_a_scan_would(uow_factory: UnitOfWorkFactory) -> None:
    """Each filter, alone or combined, lists exactly the matching entries newest first (since inclusive)."""
    await _store(uow_factory, _ENTRIES)
    async with uow_factory() as uow:
        for filter in _FILTERS:
            for limit in (1, 3, 50):
                listed = [e.id for e in await uow.activity.list(filter, limit=limit)]
                assert listed == _oracle(_ENTRIES, filter, limit), (filter, limit)
        since = await uow.activity.list(ActivityFilter(since=T0 + timedelta(minutes=3)), limit=50)
    assert [e.id for e in since] == ["e-08", "e-07", "e-06", "e-05", "e-04"]
