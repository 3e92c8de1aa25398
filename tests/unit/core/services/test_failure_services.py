"""Use cases over the in-memory fakes: declare, edit, schedule, activate, check, list, regions, auth."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_core.domain.failures import FailureAction, FailureStatus, Severity
from lia_core.domain.notices import NoticeKind
from lia_core.domain.regions import Area, CityArea, Location, parse_cep_rule
from lia_core.domain.users import Role
from lia_core.errors import (
    AuthenticationFailed,
    ConcurrencyConflict,
    DomainError,
    InvalidTransition,
    NotFound,
    RegionInUse,
    ValidationError,
)
from lia_core.services import (
    Authenticate,
    ChangeFailureStatus,
    CheckLocation,
    CreateUser,
    DeclareFailure,
    DefineRegion,
    EditFailure,
    FailureTab,
    ListFailures,
    NotifyContact,
    ResolveAndBroadcast,
    Services,
    UpdateRegion,
)
from lia_core.services.failures import EditFailureHandler


@pytest.fixture
def clock() -> FixedClock:
    """A clock fixed at the start of 2026."""
    return FixedClock()


@pytest.fixture
def store() -> InMemoryStore:
    """An empty in-memory store."""
    return InMemoryStore()


@pytest.fixture
def services(store: InMemoryStore, clock: FixedClock) -> Services:
    """Every use case wired to the fakes."""
    return Services.build(
        uow=store.unit_of_work, clock=clock, ids=SequentialIds("f"), hasher=PlainTextHasher()
    )


def teresopolis(clock: FixedClock, **extra: object) -> DeclareFailure:
    """The issue's scheduled outage: Teresópolis (Centro, Alto) and CEPs 25950-000..25959-999."""
    fields: dict[str, object] = {
        "name": "Instabilidade Fibra Centro",
        "message": "Olá {nome}! Previsão: {previsao}.",
        "cities": (CityArea.parse("Teresópolis:Centro,Alto"),),
        "ceps": (parse_cep_rule("25950-000..25959-999"),),
        "starts_at": clock.now() + timedelta(hours=1),
        "actor": "supervisor",
    }
    fields.update(extra)
    return DeclareFailure(**fields)  # type: ignore[arg-type]


async def check(services: Services, **where: str) -> list[str]:
    """Ids of the active failures covering a location."""
    found = await services.check_location(CheckLocation(location=Location.of(**where)))
    return [f.id for f in found]


async def test_scheduled_failure_matches_only_once_activated_by_the_worker(
    services: Services, clock: FixedClock
) -> None:
    """A scheduled outage covers nobody until the scheduler activates it when due."""
    failure = await services.declare_failure(teresopolis(clock))
    assert failure.status is FailureStatus.SCHEDULED
    assert await check(services, city="teresopolis", neighbourhood="ALTO") == []
    assert await services.activate_due_failures() == ()
    clock.advance(hours=1)
    activated = await services.activate_due_failures()
    assert [f.id for f in activated] == [failure.id]
    assert await check(services, city="teresopolis", neighbourhood="ALTO") == [failure.id]
    assert await check(services, cep="25953-120") == [failure.id]
    assert await check(services, city="Petrópolis") == []
    assert await services.activate_due_failures() == ()


async def test_pause_hides_and_resume_restores_the_match(
    services: Services, clock: FixedClock
) -> None:
    """Pausing stops matching at once (the index is rebuilt); resuming brings it back."""
    failure = await services.declare_failure(teresopolis(clock, starts_at=None))
    assert await check(services, cep="25953120") == [failure.id]
    await services.change_failure_status(
        ChangeFailureStatus(failure_id=failure.id, action=FailureAction.PAUSE, actor="sup")
    )
    assert await check(services, cep="25953120") == []
    await services.change_failure_status(
        ChangeFailureStatus(failure_id=failure.id, action=FailureAction.RESUME, actor="sup")
    )
    assert await check(services, cep="25953120") == [failure.id]


async def test_refused_transition_leaves_the_store_unchanged(
    services: Services, store: InMemoryStore, clock: FixedClock
) -> None:
    """Cancelling an active failure is refused and nothing is written."""
    failure = await services.declare_failure(teresopolis(clock, starts_at=None))
    commits = store.commits
    with pytest.raises(InvalidTransition):
        await services.change_failure_status(
            ChangeFailureStatus(failure_id=failure.id, action=FailureAction.CANCEL, actor="sup")
        )
    assert store.commits == commits
    assert store.failures[failure.id].status is FailureStatus.ACTIVE


def petropolis(clock: FixedClock, failure_id: str, **extra: Any) -> EditFailure:
    """An edit moving a failure to Petrópolis, two hours from now."""
    form = DeclareFailure(
        name="Manutenção Petrópolis",
        message="Olá {nome}, manutenção em {regiao}.",
        severity=Severity.LOW,
        cities=(CityArea.parse("Petrópolis"),),
        starts_at=clock.now() + timedelta(hours=2),
        actor="editor",
    )
    return attrs.evolve(EditFailure.of(failure_id, form), **extra)


async def test_edit_replaces_a_scheduled_failure_and_the_worker_uses_it(
    services: Services, store: InMemoryStore, clock: FixedClock
) -> None:
    """An edit is stored whole: the new start is the one the worker honours, the new area matches."""
    failure = await services.declare_failure(teresopolis(clock))
    clock.advance(minutes=5)
    edited = await services.edit_failure(petropolis(clock, failure.id))
    assert store.failures[failure.id] == edited
    assert (edited.status, edited.name, edited.severity) == (
        FailureStatus.SCHEDULED,
        "Manutenção Petrópolis",
        Severity.LOW,
    )
    assert (edited.regions.area.ceps, edited.updated_at, edited.version) == ((), clock.now(), 2)
    clock.advance(hours=1)
    assert await services.activate_due_failures() == ()  # the old start no longer counts
    clock.advance(hours=1)
    assert [f.id for f in await services.activate_due_failures()] == [failure.id]
    assert await check(services, city="petropolis") == [failure.id]
    assert await check(services, city="teresopolis", neighbourhood="Alto") == []


async def test_edit_with_a_start_that_has_come_activates_at_once(
    services: Services, clock: FixedClock
) -> None:
    """Editing the start to now (or dropping it) activates the failure, and it matches at once."""
    failure = await services.declare_failure(teresopolis(clock))
    edited = await services.edit_failure(petropolis(clock, failure.id, starts_at=None))
    assert (edited.status, edited.activated_at) == (FailureStatus.ACTIVE, clock.now())
    assert await check(services, city="Petrópolis") == [failure.id]


async def test_edit_resolves_catalogue_regions_like_declare(
    services: Services, store: InMemoryStore, clock: FixedClock
) -> None:
    """Catalogue ids are checked and de-duplicated as declare does; an unknown one writes nothing."""
    await services.define_region(
        DefineRegion(
            actor="tester",
            region_id="serra",
            name="Serra",
            cities=(CityArea.parse("Nova Friburgo"),),
        )
    )
    failure = await services.declare_failure(teresopolis(clock))
    commits = store.commits
    with pytest.raises(ValidationError) as info:
        await services.edit_failure(petropolis(clock, failure.id, region_ids=("serra", "nowhere")))
    assert info.value.field == "region_ids"
    assert store.commits == commits
    assert store.failures[failure.id] == failure
    edit = petropolis(clock, failure.id, cities=(), region_ids=("serra", "serra"), starts_at=None)
    edited = await services.edit_failure(edit)
    assert edited.regions.region_ids == ("serra",)
    assert await check(services, city="nova friburgo") == [failure.id]


@pytest.mark.parametrize("action", [FailureAction.ACTIVATE, FailureAction.CANCEL])
async def test_edit_of_a_failure_no_longer_scheduled_is_refused(
    services: Services, store: InMemoryStore, clock: FixedClock, action: FailureAction
) -> None:
    """Active or cancelled failures cannot be edited; nothing is written."""
    failure = await services.declare_failure(teresopolis(clock))
    changed = await services.change_failure_status(
        ChangeFailureStatus(failure_id=failure.id, action=action, actor="sup")
    )
    commits = store.commits
    with pytest.raises(InvalidTransition, match=f"cannot edit failure {failure.id}"):
        await services.edit_failure(petropolis(clock, failure.id))
    assert store.commits == commits
    assert store.failures[failure.id] == changed


async def test_edit_of_an_unknown_failure_is_not_found(
    services: Services, clock: FixedClock
) -> None:
    """Editing an id that does not exist raises NotFound."""
    with pytest.raises(NotFound):
        await services.edit_failure(petropolis(clock, "nope"))


async def test_edit_racing_another_change_is_a_conflict(
    store: InMemoryStore, clock: FixedClock
) -> None:
    """When someone saves the failure between the edit's read and write, the edit is refused."""
    services = Services.build(
        uow=store.unit_of_work, clock=clock, ids=SequentialIds("f"), hasher=PlainTextHasher()
    )
    failure = await services.declare_failure(teresopolis(clock))

    class RacingClock:
        """Reading the time (after the edit's read) lets a concurrent writer commit first."""

        def now(self) -> datetime:
            store.failures[failure.id].version += 1
            return clock.now()

    edit = EditFailureHandler(store.unit_of_work, RacingClock(), SequentialIds("a"))
    with pytest.raises(ConcurrencyConflict):
        await edit(petropolis(clock, failure.id))
    assert store.failures[failure.id].name == failure.name


async def test_listing_tabs_and_counts(services: Services, clock: FixedClock) -> None:
    """The three tabs hold active+paused, scheduled, and resolved+cancelled, with counts."""
    active = await services.declare_failure(teresopolis(clock, starts_at=None))
    await services.declare_failure(teresopolis(clock))
    gone = await services.declare_failure(teresopolis(clock))
    await services.change_failure_status(
        ChangeFailureStatus(failure_id=gone.id, action=FailureAction.CANCEL, actor="sup")
    )
    listing = await services.list_failures(ListFailures(tab=FailureTab.ACTIVE))
    assert [f.id for f in listing.failures] == [active.id]
    assert dict(listing.counts) == {
        FailureTab.ACTIVE: 1,
        FailureTab.SCHEDULED: 1,
        FailureTab.RESOLVED: 1,
        FailureTab.ALL: 3,
    }


async def test_unknown_catalogue_region_is_rejected(services: Services, clock: FixedClock) -> None:
    """Naming a region that is not in the catalogue is a validation error on region_ids."""
    with pytest.raises(ValidationError) as info:
        await services.declare_failure(teresopolis(clock, region_ids=("nowhere",)))
    assert info.value.field == "region_ids"


async def test_customers_read_a_catalogue_region_by_its_name(
    services: Services, clock: FixedClock
) -> None:
    """`{regiao}` names a catalogue region as the catalogue calls it when the failure is
    saved (declared or edited), never by its id."""
    await services.define_region(
        DefineRegion(
            actor="tester",
            region_id="serra",
            name="Serra Verde",
            cities=(CityArea.parse("Friburgo"),),
        )
    )
    failure = await services.declare_failure(
        teresopolis(clock, starts_at=None, region_ids=("serra",))
    )
    assert failure.regions.region_names == ("Serra Verde",)
    stored = await services.get_failure(failure.id)
    assert stored.regions.describe().endswith("; Serra Verde")
    text = stored.fill("Falha em {regiao}.", customer_name="Ana", tz=UTC)
    assert "Serra Verde" in text
    assert "serra" not in text.replace("Serra", "")


async def test_catalogue_edit_changes_active_matches(services: Services, clock: FixedClock) -> None:
    """Editing a catalogue region is seen by the next check of failures that name it."""
    await services.define_region(
        DefineRegion(
            actor="tester",
            region_id="serra",
            name="Serra",
            cities=(CityArea.parse("Nova Friburgo"),),
        )
    )
    failure = await services.declare_failure(
        teresopolis(clock, starts_at=None, cities=(), ceps=(), region_ids=("serra",))
    )
    assert await check(services, city="Nova Friburgo") == [failure.id]
    await services.update_region(
        UpdateRegion(actor="tester", region_id="serra", cities=(CityArea.parse("Magé"),))
    )
    assert await check(services, city="Nova Friburgo") == []
    assert await check(services, city="mage") == [failure.id]


async def test_region_in_use_cannot_be_deleted(services: Services, clock: FixedClock) -> None:
    """A region named by an open failure is protected; after resolving it can go."""
    await services.define_region(
        DefineRegion(
            actor="tester", region_id="serra", name="Serra", ceps=(parse_cep_rule("2595"),)
        )
    )
    failure = await services.declare_failure(
        teresopolis(clock, starts_at=None, region_ids=("serra",))
    )
    with pytest.raises(RegionInUse, match="used by 1 open failure") as refused:
        await services.delete_region("serra", actor="ana")
    assert isinstance(refused.value, DomainError)
    assert (refused.value.region_id, refused.value.failures) == (
        "serra",
        ((failure.id, failure.name),),
    )
    await services.change_failure_status(
        ChangeFailureStatus(failure_id=failure.id, action=FailureAction.RESOLVE, actor="sup")
    )
    await services.delete_region("serra", actor="ana")
    assert await services.list_regions() == ()


async def test_region_update_keeps_rules_when_only_renamed(services: Services) -> None:
    """Renaming a region without new rules keeps its rules."""
    await services.define_region(
        DefineRegion(
            actor="tester", region_id="serra", name="Serra", ceps=(parse_cep_rule("2595"),)
        )
    )
    region = await services.update_region(
        UpdateRegion(actor="tester", region_id="serra", name="Serra Verde")
    )
    assert region.name == "Serra Verde"
    assert region.area == Area(ceps=(parse_cep_rule("2595"),))


async def test_authentication(services: Services) -> None:
    """Right credentials authenticate; a wrong password and an unknown user fail alike."""
    await services.create_user(
        CreateUser(actor="tester", username="Ana", role=Role.SUPERVISOR, password="s3cret-pw-long")
    )
    user = await services.authenticate(Authenticate(username="ana", password="s3cret-pw-long"))
    assert user.role is Role.SUPERVISOR
    for name, password in [
        ("ana", "wrong-pw!"),
        ("bob", "s3cret-pw-long"),
        ("x", "s3cret-pw-long"),
    ]:
        with pytest.raises(AuthenticationFailed, match="wrong username or password"):
            await services.authenticate(Authenticate(username=name, password=password))


async def test_short_password_is_rejected(services: Services) -> None:
    """Passwords under 8 characters are refused on the password field."""
    with pytest.raises(ValidationError) as info:
        await services.create_user(
            CreateUser(actor="tester", username="ana", role=Role.AGENT, password="short")
        )
    assert info.value.field == "password"


async def test_listing_pages_a_tab_and_counts_the_page_notices(
    services: Services, clock: FixedClock
) -> None:
    """ListFailures(limit, offset) returns one page, says whether more follow, and with
    with_notice_counts counts the notices of the listed failures only."""
    ids = []
    for n in range(5):
        failure = await services.declare_failure(teresopolis(clock, starts_at=None, name=f"F{n}"))
        await services.notify_contact(NotifyContact(failure_id=failure.id, recipient="21999990001"))
        await services.resolve_and_broadcast(
            ResolveAndBroadcast(failure_id=failure.id, actor="sup", resolution_message="Ok {nome}")
        )
        ids.append(failure.id)
        clock.advance(minutes=1)
    first = await services.list_failures(
        ListFailures(tab=FailureTab.RESOLVED, limit=2, with_notice_counts=True)
    )
    last = await services.list_failures(ListFailures(tab=FailureTab.RESOLVED, limit=2, offset=4))
    assert [f.id for f in first.failures] == [ids[4], ids[3]]
    assert first.has_more
    assert set(first.notice_counts) == {ids[4], ids[3]}
    assert first.notice_counts[ids[4]][NoticeKind.NOTICE] == 1
    assert first.notice_counts[ids[4]][NoticeKind.RESOLUTION] == 1
    assert [f.id for f in last.failures] == [ids[0]]
    assert not last.has_more
    assert last.notice_counts == {}
    with pytest.raises(ValidationError):
        ListFailures(limit=0)
    with pytest.raises(ValidationError):
        ListFailures(offset=-1)
