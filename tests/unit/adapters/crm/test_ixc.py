"""IxcCustomerDirectory over httpx.MockTransport: request shape, phone spellings, caches, errors."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import httpx
import pytest

from lia_adapters.crm import IxcConfig, IxcCustomerDirectory, ixc_phone_spellings
from lia_core.ports import DirectoryUnavailable
from tests.integration.crm.stub import TABLES

Handler = Callable[[httpx.Request], httpx.Response]
CONFIG = IxcConfig(base_url="https://ixc.test/", user_id="7", token="tok")


def tables(seen: list[httpx.Request]) -> Handler:
    """A handler answering IXC listings from the stub's tables, recording each request."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = json.loads(request.content)
        table = request.url.path.rsplit("/", 1)[1]
        column = body["qtype"].split(".", 1)[1]
        rows = [r for r in TABLES[table] if r.get(column) == body["query"]]
        return httpx.Response(200, json={"page": "1", "total": str(len(rows)), "registros": rows})

    return handler


def ixc(handler: Handler, config: IxcConfig = CONFIG) -> IxcCustomerDirectory:
    """An IXC directory whose HTTP client answers with *handler*."""
    return IxcCustomerDirectory(httpx.AsyncClient(transport=httpx.MockTransport(handler)), config)


def test_phone_spellings_follow_ixc_masks() -> None:
    """Mobiles and landlines are tried masked first, then as bare national digits."""
    assert ixc_phone_spellings("5521999998888") == ("(21) 99999-8888", "21999998888")
    assert ixc_phone_spellings("552127421234") == ("(21) 2742-1234", "2127421234")
    assert ixc_phone_spellings("14155550123") == ("4155550123",)


def test_token_stays_out_of_repr() -> None:
    """The webservice token never appears in the config's repr."""
    assert "tok" not in repr(IxcConfig(base_url="u", user_id="7", token="tok"))


async def test_every_request_lists_with_basic_auth() -> None:
    """Each POST (cliente, contrato, cidade, uf) carries ixcsoft: listar and basic user:token."""
    seen: list[httpx.Request] = []
    found = await ixc(tables(seen)).find_by_phone("+55 21 99999-8888")
    assert found is not None
    auth = "Basic " + base64.b64encode(b"7:tok").decode()
    assert {r.url.path for r in seen} >= {
        "/webservice/v1/cliente",
        "/webservice/v1/cliente_contrato",
        "/webservice/v1/cidade",
        "/webservice/v1/uf",
    }
    for request in seen:
        assert request.method == "POST"
        assert request.headers["ixcsoft"] == "listar"
        assert request.headers["Authorization"] == auth
    first = json.loads(seen[0].content)
    assert first == {
        "qtype": "cliente.telefone_celular",
        "query": "(21) 99999-8888",
        "oper": "=",
        "page": "1",
        "rp": "20",
        "sortname": "cliente.id",
        "sortorder": "asc",
    }


async def test_candidates_are_tried_in_documented_order() -> None:
    """A number stored as digits in 'fone' is found after the masked and other-field tries."""
    seen: list[httpx.Request] = []
    found = await ixc(tables(seen)).find_by_phone("(21) 2742-1234")
    assert found is not None
    tries = [json.loads(r.content) for r in seen if r.url.path.endswith("/cliente")]
    assert [(t["qtype"], t["query"]) for t in tries] == [
        ("cliente.telefone_celular", "(21) 2742-1234"),
        ("cliente.telefone_celular", "2127421234"),
        ("cliente.whatsapp", "(21) 2742-1234"),
        ("cliente.whatsapp", "2127421234"),
        ("cliente.fone", "(21) 2742-1234"),
        ("cliente.fone", "2127421234"),
    ]


async def test_city_and_state_names_are_cached() -> None:
    """A second lookup in the same city does not ask IXC for the city or state again."""
    seen: list[httpx.Request] = []
    crm = ixc(tables(seen))
    await crm.find_by_phone("21999998888")
    await crm.find_by_phone("2127421234")
    paths = [r.url.path.rsplit("/", 1)[1] for r in seen]
    assert (paths.count("cidade"), paths.count("uf")) == (2, 1)  # Teresópolis, Friburgo; RJ


async def test_without_contracts_the_customer_address_is_used() -> None:
    """With include_contracts off the cliente's own address is the only one."""
    seen: list[httpx.Request] = []
    config = IxcConfig(
        base_url="https://ixc.test", user_id="7", token="tok", include_contracts=False
    )
    found = await ixc(tables(seen), config).find_by_phone("21999998888")
    assert found is not None
    assert [(a.city, a.neighbourhood, a.state, a.contract_id) for a in found.addresses] == [
        ("Teresópolis", "Várzea", "RJ", None)
    ]
    assert not any(r.url.path.endswith("cliente_contrato") for r in seen)


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (httpx.Response(200, json={"type": "error", "message": "Sem permissão"}), "Sem permissão"),
        (httpx.Response(200, text="<html><b>Fatal error</b></html>"), "not JSON"),
        (httpx.Response(200, json={"total": "1", "registros": "x"}), "not a list"),
        (httpx.Response(200, json=["x"]), "unexpected answer"),
        (httpx.Response(401, text="Unauthorized"), "HTTP 401"),
        (httpx.Response(502, text="Bad gateway"), "HTTP 502"),
    ],
)
async def test_error_answers_are_unavailable(response: httpx.Response, message: str) -> None:
    """IXC's error-as-200, HTML pages, odd shapes and error statuses raise DirectoryUnavailable."""
    with pytest.raises(DirectoryUnavailable, match=message):
        await ixc(lambda _r: response).find_by_phone("21999998888")


async def test_timeout_is_unavailable() -> None:
    """A read timeout raises DirectoryUnavailable."""

    def handler(_request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow")

    with pytest.raises(DirectoryUnavailable, match="timed out"):
        await ixc(handler).find_by_phone("21999998888")
