"""A stub CRM server (a generic REST CRM and an imitation of IXC Soft's webservice) and its runner.

The IXC part follows IXC's documented shapes: ``POST /webservice/v1/<table>`` with a
``qtype/query/oper`` body, basic auth, ``{"total", "registros"}`` answers, errors as HTTP 200
``{"type": "error"}``, and a POST *without* ``ixcsoft: listar`` treated as an INSERT.
"""

from __future__ import annotations

import asyncio
import base64
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import attrs
import uvicorn
from litestar import Litestar, Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery

from tests.integration.crm import data

AnyRequest = Request[Any, Any, Any]
IXC_USER, IXC_TOKEN = "7", "ixc-token"
REST_TOKEN = "rest-token"
TABLES: dict[str, list[dict[str, str]]] = {
    "cliente": data.IXC_CLIENTES,
    "cliente_contrato": data.IXC_CONTRATOS,
    "cidade": [{"id": k, "nome": n, "uf": uf} for k, (n, uf) in data.CITIES.items()],
    "uf": [{"id": k, "sigla": s} for k, s in data.STATES.items()],
}


@attrs.define
class CrmStubState:
    """What the stub saw and how it misbehaves (``mode``: ok, error, html or slow)."""

    mode: str = "ok"
    inserts: int = 0
    ixc_queries: list[tuple[str, str, str]] = attrs.Factory(list)
    rest_queries: list[str] = attrs.Factory(list)


def _state(request: AnyRequest) -> CrmStubState:
    state: CrmStubState = request.app.state["crm"]
    return state


async def _misbehave(state: CrmStubState) -> Response[Any] | None:
    if state.mode == "slow":
        await asyncio.sleep(2)
    if state.mode == "html":
        return Response("<html><body>Fatal error</body></html>", media_type="text/html")
    if state.mode == "error":
        return Response({"type": "error", "message": "Permissão negada"}, status_code=200)
    return None


@post("/webservice/v1/{table:str}", status_code=200)
async def ixc_webservice(request: AnyRequest, table: FromPath[str]) -> Response[Any]:
    """IXC's listing: exact ``=`` search of one column of one table."""
    state = _state(request)
    expected = "Basic " + base64.b64encode(f"{IXC_USER}:{IXC_TOKEN}".encode()).decode()
    if request.headers.get("authorization") != expected:
        return Response({"type": "error", "message": "Usuário/token inválido"}, status_code=401)
    body = await request.json()
    if request.headers.get("ixcsoft") != "listar":
        state.inserts += 1  # what the real IXC does with a POST lacking the header
        return Response({"type": "success", "message": "Registro inserido!", "id": "999"})
    if (bad := await _misbehave(state)) is not None:
        return bad
    qtype, query = str(body["qtype"]), str(body["query"])
    if body.get("oper") != "=" or not qtype.startswith(table + "."):
        return Response({"type": "error", "message": f"busca inválida: {body}"})
    state.ixc_queries.append((table, qtype, query))
    column = qtype.split(".", 1)[1]
    rows = [r for r in TABLES.get(table, []) if r.get(column) == query][: int(body["rp"])]
    if not rows:  # IXC leaves "registros" out when nothing matched
        return Response({"page": "1", "total": "0"})
    return Response({"page": "1", "total": str(len(rows)), "registros": rows})


@get("/api/customers")
async def rest_customers(request: AnyRequest, phone: FromQuery[str]) -> Response[Any]:
    """A REST CRM: bearer auth, results nested under ``data.items``."""
    state = _state(request)
    if request.headers.get("authorization") != f"Bearer {REST_TOKEN}":
        return Response({"error": "unauthorised"}, status_code=401)
    if (bad := await _misbehave(state)) is not None:
        return bad if state.mode != "error" else Response({"error": "boom"}, status_code=503)
    state.rest_queries.append(phone)
    items = [data.rest_record(c) for c in data.CUSTOMERS if c.phone == phone]
    return Response({"data": {"items": items, "count": len(items)}})


def create_crm_stub(state: CrmStubState) -> Litestar:
    """The stub CRM app over *state*."""
    return Litestar(
        route_handlers=[ixc_webservice, rest_customers],
        state=State({"crm": state}),
        openapi_config=None,
        logging_config=None,
        debug=False,
    )


@asynccontextmanager
async def serve(app: Litestar) -> AsyncIterator[str]:
    """Serve *app* with uvicorn on a free localhost port; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(500):
        if server.started:
            break
        await asyncio.sleep(0.01)
    assert server.started, "the CRM stub did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()
