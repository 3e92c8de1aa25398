"""RestCustomerDirectory over httpx.MockTransport: URL building, mapping, 404, and error answers."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from lia_adapters.crm import RestConfig, RestCustomerDirectory, RestFieldMap
from lia_core.ports import DirectoryUnavailable

Handler = Callable[[httpx.Request], httpx.Response]


URL = "https://crm.test/c?phone={phone}"


def directory(handler: Handler, config: RestConfig | None = None) -> RestCustomerDirectory:
    """A REST directory whose HTTP client answers with *handler*."""
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return RestCustomerDirectory(client, config or RestConfig(url_template=URL))


def answer(body: object, status: int = 200) -> Handler:
    """A handler always answering *body* as JSON."""
    return lambda _request: httpx.Response(status, json=body)


async def test_url_and_auth_headers_are_built_from_config() -> None:
    """The template gets E.164 and national digits; bearer and custom headers are sent."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[])

    config = RestConfig(
        url_template="https://crm.test/c/{national}?e164={phone}",
        bearer_token="tok",
        header_name="X-Api-Key",
        header_value="k",
    )
    crm = directory(handler, config)
    assert await crm.find_by_phone("(21) 99999-8888") is None
    assert str(seen[0].url) == "https://crm.test/c/21999998888?e164=5521999998888"
    assert seen[0].headers["Authorization"] == "Bearer tok"
    assert seen[0].headers["X-Api-Key"] == "k"


def test_secrets_stay_out_of_repr() -> None:
    """The token and the custom header value never appear in the config's repr."""
    config = RestConfig(url_template="u", bearer_token="s3cret", header_value="s3cret2")
    assert "s3cret" not in repr(config)


async def test_flat_customer_that_is_its_own_address() -> None:
    """With addresses="" a flat record gives one address from its own fields."""
    body = {"id": 7, "name": "Ana", "phone": "21999998888", "city": "Rio", "cep": "20000-000"}
    crm = directory(answer(body), RestConfig(url_template=URL, fields=RestFieldMap(addresses="")))
    found = await crm.find_by_phone("+5521999998888")
    assert found is not None
    assert (found.crm_id, found.name, found.phone) == ("7", "Ana", "5521999998888")
    assert [(a.city, a.cep) for a in found.addresses] == [("Rio", "20000-000")]


async def test_results_with_another_phone_are_skipped() -> None:
    """A loose CRM search answering other phones first still returns the exact match."""
    body = [
        {"id": 1, "name": "Other", "phone": "21988887777"},
        {"id": 2, "name": "Ana", "phone": "(21) 99999-8888"},
    ]
    found = await directory(answer(body)).find_by_phone("21999998888")
    assert found is not None
    assert found.name == "Ana"


async def test_404_and_empty_results_are_none() -> None:
    """A 404, an empty list and a missing results path all mean "no such customer"."""
    assert await directory(answer({}, 404)).find_by_phone("21999998888") is None
    assert await directory(answer([])).find_by_phone("21999998888") is None
    config = RestConfig(url_template=URL, fields=RestFieldMap(results="data.items"))
    assert await directory(answer({"data": {}}), config).find_by_phone("21999998888") is None


@pytest.mark.parametrize(
    ("body", "fields", "message"),
    [
        ([{"name": "Ana"}], RestFieldMap(), "no value at 'id'"),
        ([{"id": 1}], RestFieldMap(), "no value at 'name'"),
        ({"data": "x"}, RestFieldMap(results="data"), "not a list or object"),
        (["x"], RestFieldMap(), "not an object"),
    ],
)
async def test_mapping_errors_are_unavailable(
    body: object, fields: RestFieldMap, message: str
) -> None:
    """An answer the field mapping cannot read raises DirectoryUnavailable saying why."""
    config = RestConfig(url_template=URL, fields=fields)
    with pytest.raises(DirectoryUnavailable, match=message):
        await directory(answer(body), config).find_by_phone("21999998888")


@pytest.mark.parametrize(
    "handler",
    [
        answer({"error": "x"}, 500),
        answer({"error": "x"}, 401),
        lambda _r: httpx.Response(200, text="<html>oops</html>"),
    ],
)
async def test_error_statuses_and_non_json_are_unavailable(handler: Handler) -> None:
    """5xx, auth failures and non-JSON bodies raise DirectoryUnavailable."""
    with pytest.raises(DirectoryUnavailable):
        await directory(handler).find_by_phone("21999998888")


@pytest.mark.parametrize("exc", [httpx.ReadTimeout("slow"), httpx.ConnectError("refused")])
async def test_transport_failures_are_unavailable(exc: Exception) -> None:
    """Timeouts and connection failures raise DirectoryUnavailable from the httpx error."""

    def handler(_request: httpx.Request) -> httpx.Response:
        raise exc

    with pytest.raises(DirectoryUnavailable) as raised:
        await directory(handler).find_by_phone("21999998888")
    assert raised.value.__cause__ is exc
