"""Staff accounts' contact fields: UpdateUser over the in-memory fakes."""

from __future__ import annotations

import pytest

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_core.domain.activity import ActivityFilter, Actor
from lia_core.domain.recipients import Phone
from lia_core.domain.users import Role
from lia_core.errors import NotFound, ValidationError
from lia_core.services import CreateUser, Services, UpdateUser

ADMIN = Actor(name="root", ip="10.0.0.1")


@pytest.fixture
def store() -> InMemoryStore:
    """The in-memory database."""
    return InMemoryStore()


@pytest.fixture
async def services(store: InMemoryStore) -> Services:
    """Every use case over fakes, with the account `ana` (AGENT)."""
    built = Services.build(
        uow=store.unit_of_work,
        clock=FixedClock(),
        ids=SequentialIds("u"),
        hasher=PlainTextHasher(),
    )
    await built.create_user(
        CreateUser(username="ana", role=Role.AGENT, password="s3cret-pw-long", actor="root")
    )
    return built


async def test_update_sets_each_field_and_keeps_the_others(services: Services) -> None:
    """Given fields are parsed and stored; fields left out keep their value."""
    await services.update_user(
        UpdateUser(
            actor=ADMIN,
            username="ANA",
            full_name="  Ana   Souza ",
            phone="(21) 99999-8888",
            departments=("support", " financial ", ""),
        )
    )
    user = await services.update_user(
        UpdateUser(actor=ADMIN, username="ana", push_token=" fcm-token ")
    )
    assert user.full_name == "Ana Souza"
    assert user.phone == Phone("5521999998888")
    assert user.push_token == "fcm-token"
    assert user.departments == frozenset({"support", "financial"})
    assert await services.get_user("ana") == user


async def test_empty_values_clear_fields(services: Services) -> None:
    """An empty text clears a field and an empty department list clears the list."""
    await services.update_user(
        UpdateUser(
            actor=ADMIN,
            username="ana",
            full_name="Ana",
            phone="21999998888",
            departments=("support",),
        )
    )
    user = await services.update_user(
        UpdateUser(actor=ADMIN, username="ana", full_name="", phone=" ", departments=())
    )
    assert (user.full_name, user.phone, user.departments) == (None, None, frozenset())


@pytest.mark.parametrize(
    ("cmd", "field"),
    [
        (UpdateUser(actor=ADMIN, username="ana", phone="not a phone"), "phone"),
        (UpdateUser(actor=ADMIN, username="ana", push_token="two words"), "push_token"),
        (UpdateUser(actor=ADMIN, username="ana", departments=("a,b",)), "departments"),
        (UpdateUser(actor=ADMIN, username="ana", full_name="x" * 201), "full_name"),
        (UpdateUser(actor=ADMIN, username="!", full_name="Ana"), "username"),
    ],
)
async def test_bad_fields_are_refused_by_name(
    services: Services, cmd: UpdateUser, field: str
) -> None:
    """Each bad input raises ValidationError naming its field and changes nothing."""
    with pytest.raises(ValidationError) as raised:
        await services.update_user(cmd)
    assert raised.value.field == field
    assert (await services.get_user("ana")).full_name is None


async def test_unknown_user_is_not_found(services: Services) -> None:
    """Updating a username nobody has raises NotFound."""
    with pytest.raises(NotFound):
        await services.update_user(UpdateUser(actor=ADMIN, username="bruno", full_name="Bruno"))


async def test_an_update_is_audited_in_its_transaction(
    services: Services, store: InMemoryStore
) -> None:
    """Each update writes one `user.update` entry with who, from where, before and after."""
    await services.update_user(
        UpdateUser(actor=ADMIN, username="ana", phone="21999998888", push_token="secret-token")
    )
    async with store.unit_of_work() as uow:
        listed = await uow.activity.list(ActivityFilter(entity="user"), limit=10)
    entries = [e for e in listed if e.action == "user.update"]  # not the fixture's user.create
    assert [(e.action, e.entity_id, e.actor, e.ip) for e in entries] == [
        ("user.update", "ana", "root", "10.0.0.1")
    ]
    assert entries[0].from_state is not None
    assert "phone=-" in entries[0].from_state
    assert entries[0].to_state is not None
    assert "phone=5521999998888" in entries[0].to_state
    assert "secret-token" not in entries[0].to_state


async def test_a_refused_update_is_not_audited(services: Services, store: InMemoryStore) -> None:
    """A bad field leaves no audit entry."""
    with pytest.raises(ValidationError):
        await services.update_user(UpdateUser(actor=ADMIN, username="ana", phone="x"))
    async with store.unit_of_work() as uow:
        listed = await uow.activity.list(ActivityFilter(), limit=10)
    assert [e.action for e in listed] == ["user.create"]  # the fixture's account only


@pytest.mark.parametrize("username", ["21987654321", "5521987654321", "21.98765.4321"])
async def test_a_phone_number_is_no_username(services: Services, username: str) -> None:
    """A username travels in realtime events, which never carry a phone: refused, naming it."""
    with pytest.raises(ValidationError) as raised:
        await services.create_user(
            CreateUser(username=username, role=Role.AGENT, password="s3cret-pw-long", actor="root")
        )
    assert raised.value.field == "username"


async def test_an_employee_number_is_a_username(services: Services) -> None:
    """op12345678 (eight digits: an employee number, not a phone) is a username."""
    user = await services.create_user(
        CreateUser(username="op12345678", role=Role.AGENT, password="s3cret-pw-long", actor="root")
    )
    assert user.username == "op12345678"
