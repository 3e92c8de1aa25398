"""Desk-policy use cases over the fakes: load (and dry run), show, history, and the cached
`DeskPolicySource` that sees a new revision once its refresh interval has passed."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_core.desk.commands import OpenTicket
from lia_core.desk.policy import DeskPolicy, builtin_desk_policy
from lia_core.desk.policy_file import DeskPolicyFileError
from lia_core.domain.activity import ActivityFilter, Actor
from lia_core.domain.tickets import Priority
from lia_core.errors import NotFound, ValidationError
from lia_core.services import DeskPolicySource, LoadDeskPolicy, Services

EXAMPLE = (Path(__file__).parents[4] / "docs" / "examples" / "desk-policy.toml").read_text()
ANA = Actor(name="ana", ip="10.0.0.9")
ONE_RULE = """[[rule]]
name = "urgent-to-n2"
[rule.when]
priority_at_least = "urgent"
[rule.then]
escalate_to = "N2"
"""


@pytest.fixture
def store() -> InMemoryStore:
    """The in-memory database."""
    return InMemoryStore()


@pytest.fixture
def clock() -> FixedClock:
    """A clock moved by hand."""
    return FixedClock()


@pytest.fixture
def services(store: InMemoryStore, clock: FixedClock) -> Services:
    """Every use case over the fakes, in São Paulo time."""
    return Services.build(
        uow=store.unit_of_work,
        clock=clock,
        ids=SequentialIds("a"),
        hasher=PlainTextHasher(),
        tz=ZoneInfo("America/Sao_Paulo"),
    )


async def test_a_load_stores_the_next_revision_with_who_when_and_digest(
    services: Services, store: InMemoryStore, clock: FixedClock
) -> None:
    """Each load stores N+1 with the actor, time, file name and SHA-256, and is audited."""
    first = await services.load_desk_policy(
        LoadDeskPolicy(source=EXAMPLE, actor=ANA, filename="desk-policy.toml")
    )
    clock.advance(minutes=1)
    second = await services.load_desk_policy(LoadDeskPolicy(source=ONE_RULE, actor=ANA))
    assert first.revision is not None
    assert second.revision is not None
    assert (first.revision.revision, second.revision.revision) == (1, 2)
    assert first.revision.digest == hashlib.sha256(EXAMPLE.encode()).hexdigest()
    assert (first.revision.loaded_by, first.revision.filename) == ("ana", "desk-policy.toml")
    assert second.revision.loaded_at == clock.now()
    async with store.unit_of_work() as uow:
        entries = await uow.activity.list(ActivityFilter(entity="rules"), limit=10)
    assert [(e.action, e.entity_id, e.from_state, e.to_state, e.ip) for e in entries] == [
        ("rules.load", "2", "1", "2", "10.0.0.9"),
        ("rules.load", "1", None, "1", "10.0.0.9"),
    ]


async def test_a_dry_run_validates_and_stores_nothing(
    services: Services, store: InMemoryStore
) -> None:
    """A dry run returns the policy and no revision; nothing is stored or audited."""
    loaded = await services.load_desk_policy(
        LoadDeskPolicy(source=EXAMPLE, actor=ANA, dry_run=True)
    )
    assert loaded.revision is None
    assert loaded.policy.sla.fallback.name == "standard"
    assert store.desk_policies == {}
    assert store.activity == {}


async def test_a_bad_file_is_refused_with_every_line(
    services: Services, store: InMemoryStore
) -> None:
    """A faulty document raises DeskPolicyFileError naming the file and lines; nothing stored."""
    bad = 'colour = "blue"\n[calendar]\ntimezone = "Mars/Base"\n'
    with pytest.raises(DeskPolicyFileError) as raised:
        await services.load_desk_policy(LoadDeskPolicy(source=bad, actor=ANA, filename="x.toml"))
    assert [str(e) for e in raised.value.errors] == [
        "x.toml:1: unknown top-level field 'colour' (known: version, default_policy, policies, "
        "calendar, sla_policy, sla_rule, notifications, rule)",
        "x.toml:3: unknown timezone 'Mars/Base'",
    ]
    assert store.desk_policies == {}


async def test_show_is_the_builtin_until_a_revision_is_loaded(services: Services) -> None:
    """Show gives the built-in (as TOML) with no revision, then the latest or the one asked."""
    shown = await services.show_desk_policy()
    assert shown.revision is None
    assert shown.policy == builtin_desk_policy("America/Sao_Paulo")
    assert DeskPolicy.from_toml(shown.source) == shown.policy
    await services.load_desk_policy(LoadDeskPolicy(source=EXAMPLE, actor=ANA))
    await services.load_desk_policy(LoadDeskPolicy(source=ONE_RULE, actor=ANA))
    latest = await services.show_desk_policy()
    assert latest.revision is not None
    assert (latest.revision.revision, latest.source) == (2, ONE_RULE)
    assert (await services.show_desk_policy(1)).source == EXAMPLE
    with pytest.raises(NotFound):
        await services.show_desk_policy(3)


async def test_history_is_newest_first_and_bounded(services: Services) -> None:
    """History lists revisions newest first, at most the limit; a bad limit is refused."""
    for _ in range(3):
        await services.load_desk_policy(LoadDeskPolicy(source=ONE_RULE, actor=ANA))
    assert [r.revision for r in await services.desk_policy_history(2)] == [3, 2]
    with pytest.raises(ValidationError):
        await services.desk_policy_history(0)


async def test_the_source_sees_a_new_revision_after_its_refresh_interval(
    store: InMemoryStore, clock: FixedClock, services: Services
) -> None:
    """The cached policy stays until the interval passes, then the new revision applies."""
    source = DeskPolicySource(
        uow=store.unit_of_work, clock=clock, timezone="America/Manaus", refresh=timedelta(seconds=5)
    )
    assert await source.current() == (None, builtin_desk_policy("America/Manaus"))
    await services.load_desk_policy(LoadDeskPolicy(source=ONE_RULE, actor=ANA))
    clock.advance(seconds=4.9)
    assert (await source.current())[0] is None
    clock.advance(seconds=0.1)
    number, policy = await source.current()
    assert number == 1
    assert [rule.name for rule in policy.rules.rules] == ["urgent-to-n2"]
    assert policy.calendar.timezone == "America/Manaus"


async def test_the_source_reads_the_store_once_per_interval(
    store: InMemoryStore, clock: FixedClock
) -> None:
    """Within the interval no unit of work is opened: a hot path pays nothing."""
    source = DeskPolicySource(uow=store.unit_of_work, clock=clock, timezone="UTC")
    await source.current()
    before = store.commits, clock.now()
    opened: list[object] = []

    def counting() -> object:
        opened.append(1)
        return store.unit_of_work()

    source.uow = counting  # type: ignore[assignment]
    for _ in range(10):
        await source.current()
        clock.advance(seconds=0.4)
    assert opened == []
    clock.advance(seconds=1)
    await source.current()
    assert opened == [1]
    assert before[0] == store.commits


async def test_explain_checks_the_rules_in_force_and_changes_nothing(
    services: Services, store: InMemoryStore
) -> None:
    """An urgent ticket mentioning the regulator matches the loaded rule; nothing is stored."""
    await services.load_desk_policy(LoadDeskPolicy(source=EXAMPLE, actor=ANA))
    ticket = await services.desk.open(
        OpenTicket(subject="vou reclamar na Anatel", priority=Priority.URGENT), ANA
    )
    before = store.tickets[ticket.id].ticket
    store_commits = store.commits
    source = services.desk_policy
    assert isinstance(source, DeskPolicySource)

    explained = await services.explain_ticket(ticket.id)

    assert explained.revision == 1
    checks = {check.rule: check for check in explained.explanation.rules}
    assert checks["regulator-complaint"].matched
    assert [(c.condition, c.actual) for c in checks["regulator-complaint"].conditions] == [
        ("keywords", "found: anatel")
    ]
    assert not checks["repeat-contacts"].matched
    assert store.commits == store_commits
    assert store.tickets[ticket.id].ticket == before
    with pytest.raises(NotFound):
        await services.explain_ticket("no-such-ticket")
