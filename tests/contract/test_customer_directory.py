"""The CustomerDirectory contract: the fake, the CSV file, REST and IXC (over sockets) behave alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import attrs
import httpx
import pytest

from lia_adapters.crm import (
    CsvCustomerDirectory,
    IxcConfig,
    IxcCustomerDirectory,
    RestConfig,
    RestCustomerDirectory,
    RestFieldMap,
)
from lia_adapters.memory import InMemoryCustomerDirectory
from lia_core.domain.customers import Customer
from lia_core.domain.matching import FailureIndex, match_failures
from lia_core.domain.regions import AffectedRegions, Area, CityArea
from lia_core.ports import CustomerDirectory
from tests.contract.builders.outages import a_failure
from tests.integration.crm import data
from tests.integration.crm.stub import (
    IXC_TOKEN,
    IXC_USER,
    REST_TOKEN,
    CrmStubState,
    create_crm_stub,
    serve,
)

BACKENDS = ["memory", "csv", "rest", "ixc"]

REST_FIELDS = RestFieldMap(
    results="data.items",
    id="customer_id",
    name="full_name",
    document="cpf",
    phone="contact.mobile",
    addresses="contracts",
    city="address.city",
    neighbourhood="address.district",
    cep="address.zip",
    street="address.line1",
    number="address.house",
    state="address.uf",
    contract_id="number",
)


@pytest.fixture(scope="module")
async def crm_stub() -> AsyncIterator[tuple[str, CrmStubState]]:
    """The stub CRM (REST and IXC) served by uvicorn on a free port, with its state."""
    state = CrmStubState()
    async with serve(create_crm_stub(state)) as url:
        yield url, state


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client with a short read timeout."""
    async with httpx.AsyncClient(timeout=httpx.Timeout(5.0, read=0.5)) as client:
        yield client


def rest_directory(client: httpx.AsyncClient, url: str) -> RestCustomerDirectory:
    """The REST adapter pointed at the stub."""
    config = RestConfig(
        url_template=url + "/api/customers?phone={phone}",
        bearer_token=REST_TOKEN,
        fields=REST_FIELDS,
    )
    return RestCustomerDirectory(client, config)


def ixc_directory(client: httpx.AsyncClient, url: str) -> IxcCustomerDirectory:
    """The IXC adapter pointed at the stub."""
    return IxcCustomerDirectory(client, IxcConfig(base_url=url, user_id=IXC_USER, token=IXC_TOKEN))


@pytest.fixture(params=BACKENDS)
def directory(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    crm_stub: tuple[str, CrmStubState],
    http: httpx.AsyncClient,
) -> CustomerDirectory:
    """Each CustomerDirectory implementation, seeded with the same customers."""
    url, state = crm_stub
    state.mode = "ok"
    match request.param:
        case "memory":
            return InMemoryCustomerDirectory(data.CUSTOMERS)
        case "csv":
            path = tmp_path / "clientes.csv"
            path.write_text(data.csv_text(), encoding="utf-8")
            return CsvCustomerDirectory.from_path(path)
        case "rest":
            return rest_directory(http, url)
        case _:
            return ixc_directory(http, url)


def same(found: Customer | None, expected: Customer) -> None:
    """Assert *found* is *expected* (crm ids are the CRM's own, and address order is free)."""
    assert found is not None
    assert (found.phone, found.name, found.document) == (
        expected.phone,
        expected.name,
        expected.document,
    )
    assert set(found.addresses) == set(expected.addresses)


@pytest.mark.parametrize("spelling", data.MARIA_SPELLINGS)
async def test_found_by_any_phone_spelling(directory: CustomerDirectory, spelling: str) -> None:
    """A customer is found whichever way their phone number is written."""
    same(await directory.find_by_phone(spelling), data.MARIA)


async def test_landline_customer_found(directory: CustomerDirectory) -> None:
    """A landline number (stored in another field or spelling) finds its customer."""
    same(await directory.find_by_phone("+55 21 2742-1234"), data.JOAO)


async def test_unknown_phone_is_none(directory: CustomerDirectory) -> None:
    """A phone the CRM does not know gives None, not an error."""
    assert await directory.find_by_phone(data.UNKNOWN) is None


async def test_text_that_is_no_phone_is_none(directory: CustomerDirectory) -> None:
    """Text that cannot be a phone number gives None without asking the CRM anything odd."""
    assert await directory.find_by_phone("not a phone") is None


async def test_several_contracts_give_several_addresses(directory: CustomerDirectory) -> None:
    """A customer with contracts at two addresses has both, each with its contract id."""
    found = await directory.find_by_phone(data.MARIA.phone)
    assert found is not None
    assert sorted(a.contract_id or "" for a in found.addresses) == ["101", "102"]
    assert len(found.locations()) == 2


async def test_locations_feed_the_outage_index(directory: CustomerDirectory) -> None:
    """An outage covering one of a customer's addresses matches through `locations()`."""
    outage = attrs.evolve(
        a_failure("friburgo"),
        regions=AffectedRegions(area=Area(cities=(CityArea(city="Nova Friburgo"),))),
    )
    index = FailureIndex.build([outage], {})
    maria = await directory.find_by_phone(data.MARIA.phone)
    joao = await directory.find_by_phone(data.JOAO.phone)
    assert maria is not None
    assert joao is not None
    assert any(match_failures(loc, index) for loc in maria.locations())
    assert not any(match_failures(loc, index) for loc in joao.locations())
