"""CRM adapters against the stub CRM over a real localhost socket: error answers, timeouts, IXC safety."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from lia_adapters.crm import CachedCustomerDirectory, IxcConfig, IxcCustomerDirectory
from lia_adapters.memory import FixedClock
from lia_core.ports import DirectoryUnavailable
from tests.contract.test_customer_directory import ixc_directory, rest_directory
from tests.integration.crm import data
from tests.integration.crm.stub import IXC_USER, CrmStubState, create_crm_stub, serve


@pytest.fixture(scope="module")
async def crm_stub() -> AsyncIterator[tuple[str, CrmStubState]]:
    """The stub CRM served by uvicorn on a free port, with its state."""
    state = CrmStubState()
    async with serve(create_crm_stub(state)) as url:
        yield url, state


@pytest.fixture
async def stub(crm_stub: tuple[str, CrmStubState]) -> AsyncIterator[tuple[str, CrmStubState]]:
    """The stub, well-behaved again after each test."""
    yield crm_stub
    crm_stub[1].mode = "ok"


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client with a short read timeout."""
    async with httpx.AsyncClient(timeout=httpx.Timeout(5.0, read=0.3)) as client:
        yield client


async def test_ixc_never_inserts(stub: tuple[str, CrmStubState], http: httpx.AsyncClient) -> None:
    """Hits and misses alike leave the stub's insert counter at zero (ixcsoft: listar is sent)."""
    url, state = stub
    directory = ixc_directory(http, url)
    await directory.find_by_phone(data.MARIA.phone)
    await directory.find_by_phone(data.UNKNOWN)
    assert state.inserts == 0
    assert state.ixc_queries


@pytest.mark.parametrize(("mode", "message"), [("error", "Permissão negada"), ("html", "not JSON")])
async def test_ixc_error_answers_are_unavailable(
    stub: tuple[str, CrmStubState], http: httpx.AsyncClient, mode: str, message: str
) -> None:
    """IXC's HTTP 200 error object and its HTML error page both raise DirectoryUnavailable."""
    url, state = stub
    state.mode = mode
    with pytest.raises(DirectoryUnavailable, match=message):
        await ixc_directory(http, url).find_by_phone(data.MARIA.phone)


async def test_ixc_bad_credentials_are_unavailable(
    stub: tuple[str, CrmStubState], http: httpx.AsyncClient
) -> None:
    """A wrong token (the stub checks basic auth) raises DirectoryUnavailable."""
    url, _ = stub
    directory = IxcCustomerDirectory(http, IxcConfig(base_url=url, user_id=IXC_USER, token="x"))
    with pytest.raises(DirectoryUnavailable, match="HTTP 401"):
        await directory.find_by_phone(data.MARIA.phone)


@pytest.mark.parametrize("vendor", ["rest", "ixc"])
async def test_slow_crm_times_out_as_unavailable(
    stub: tuple[str, CrmStubState], http: httpx.AsyncClient, vendor: str
) -> None:
    """A CRM slower than the client's read timeout raises DirectoryUnavailable."""
    url, state = stub
    state.mode = "slow"
    directory = rest_directory(http, url) if vendor == "rest" else ixc_directory(http, url)
    with pytest.raises(DirectoryUnavailable, match="timed out"):
        await directory.find_by_phone(data.MARIA.phone)


async def test_rest_server_error_is_unavailable(
    stub: tuple[str, CrmStubState], http: httpx.AsyncClient
) -> None:
    """A 503 from the REST CRM raises DirectoryUnavailable."""
    url, state = stub
    state.mode = "error"
    with pytest.raises(DirectoryUnavailable, match="HTTP 503"):
        await rest_directory(http, url).find_by_phone(data.MARIA.phone)


async def test_cache_spares_the_crm_and_recovers_after_errors(
    stub: tuple[str, CrmStubState], http: httpx.AsyncClient
) -> None:
    """In front of IXC the cache answers repeats locally and does not remember an outage."""
    url, state = stub
    cache = CachedCustomerDirectory(ixc_directory(http, url), FixedClock(), ttl_seconds=60)
    state.mode = "error"
    with pytest.raises(DirectoryUnavailable):
        await cache.find_by_phone(data.MARIA.phone)
    state.mode = "ok"
    assert await cache.find_by_phone(data.MARIA.phone) is not None
    before = len(state.ixc_queries)
    assert await cache.find_by_phone("(21) 99999-8888") is not None
    assert len(state.ixc_queries) == before
