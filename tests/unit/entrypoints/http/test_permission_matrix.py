"""Every route of the app against the declared permission table (`http/permissions.py`).

Each route is called with no credentials, an expired one, a disabled account's and each
role's; the API answers 401/403, the console sends the browser to sign in (303 to
`/console/login`) or shows its 403 page. A route missing from the table, or an entry
naming no route, fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import httpx
import jwt
from litestar import Litestar
from litestar.routes import HTTPRoute, WebSocketRoute

from lia_adapters.memory import FixedClock
from lia_core.domain.users import Role
from lia_core.services import CreateUser, SetUserActive
from lia_entrypoints.bootstrap import Runtime
from lia_entrypoints.http import create_app
from lia_entrypoints.http.permissions import PERMISSIONS, Access, Permission, markdown_table
from lia_entrypoints.settings import Settings

from ..console.console_support import csrf_of
from .api_support import PASSWORD, Client

_PARAM = re.compile(r"\{(\w+):(\w+)\}")
_DUMMY = {"int": "1", "path": "missing.css"}
_ROLES = {Role.AGENT: "artur", Role.SUPERVISOR: "sofia", Role.ADMIN: "ana"}
_EXPIRED, _DISABLED = "eva", "dora"
"""The expired credential's account and the disabled one's: both ADMIN, the most allowed."""


def _declared_routes(app: Litestar) -> Iterator[tuple[str, str]]:
    for route in app.routes:
        if isinstance(route, WebSocketRoute):
            yield "WEBSOCKET", route.path
        elif isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                # OPTIONS is answered for every path by `AnswerOptions`, without data.
                yield from ((m, route.path) for m in handler.http_methods if m != "OPTIONS")


def test_every_route_has_one_entry_and_every_entry_a_route(tmp_path: Path) -> None:
    """The table names each (method, path) of the app once, and nothing else."""
    settings = Settings(_env_file=None, data_dir=tmp_path, jwt_secret="s" * 48)
    routes = set(_declared_routes(create_app(settings)))
    entries = [(p.method, p.path) for p in PERMISSIONS]
    twice = sorted({e for e in entries if entries.count(e) > 1})
    assert not twice, f"entries declared twice in http/permissions.py: {twice}"
    missing = sorted(routes - set(entries))
    assert not missing, f"routes without an entry in http/permissions.py: {missing}"
    stale = sorted(set(entries) - routes)
    assert not stale, f"entries in http/permissions.py naming no route: {stale}"


@attrs.frozen
class _Caller:
    """One persona: the headers (a bearer token or the console's cookies) it sends."""

    name: str
    role: Role | None
    api: dict[str, str]
    console: dict[str, str]


async def _callers(client: Client, runtime: Runtime, clock: FixedClock) -> list[_Caller]:
    """Signed-in personas of each role, plus anonymous, expired and disabled ones."""
    client.follow_redirects = False  # the console's refusals are redirects: look at them
    csrf_page = await client.get("/console/login")
    csrf_cookie = f"lia_csrf={csrf_page.cookies['lia_csrf']}"
    token = csrf_of(csrf_page)
    names = {_EXPIRED: Role.ADMIN, _DISABLED: Role.ADMIN}
    names.update((name, role) for role, name in _ROLES.items())
    sessions: dict[str, str] = {}
    tokens: dict[str, str] = {}
    for name, role in names.items():
        await runtime.services.create_user(
            CreateUser(actor="tester", username=name, role=role, password=PASSWORD)
        )
        login = {"username": name, "password": PASSWORD}
        answer = await client.post("/api/v1/auth/login", json=login)
        assert answer.status_code == 200, answer.text
        tokens[name] = answer.json()["access_token"]
        client.cookies.clear()
        form = await client.post(
            "/console/login",
            data={**login, "_csrf_token": token},
            headers={"Cookie": csrf_cookie},
        )
        assert form.status_code == 303, form.text
        sessions[name] = form.cookies["lia_session"]
        if name == _EXPIRED:  # every later sign-in happens after this one's session lapsed
            clock.advance(minutes=runtime.settings.http.jwt_ttl_minutes + 1)
    client.cookies.clear()
    now = datetime.now(UTC)
    tokens[_EXPIRED] = jwt.encode(
        {"sub": _EXPIRED, "iat": now - timedelta(hours=2), "exp": now - timedelta(hours=1)},
        runtime.settings.jwt_key(),
    )
    await runtime.services.set_user_active(
        SetUserActive(username=_DISABLED, active=False, actor="tester")
    )

    def console(name: str | None) -> dict[str, str]:
        cookies = [csrf_cookie] + ([f"lia_session={sessions[name]}"] if name else [])
        return {"Cookie": "; ".join(cookies), "x-csrftoken": token}

    def api(name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[name]}"}

    return [
        _Caller("anonymous", None, {}, console(None)),
        _Caller("expired", None, api(_EXPIRED), console(_EXPIRED)),
        _Caller("disabled", None, api(_DISABLED), console(_DISABLED)),
        *(_Caller(role.value, role, api(name), console(name)) for role, name in _ROLES.items()),
    ]


def _url(path: str) -> str:
    return _PARAM.sub(lambda m: _DUMMY.get(m.group(2), "zz-missing-1"), path)


async def _call(client: Client, entry: Permission, caller: _Caller) -> httpx.Response:
    client.cookies.clear()  # only the caller's own cookies, never what a response set
    on_console = entry.path == "/" or entry.path.startswith("/console")
    headers = caller.console if on_console else caller.api
    body: dict[str, object] = {}
    if entry.method in ("POST", "PUT", "PATCH"):
        if on_console:
            body["data"] = {"_csrf_token": caller.console["x-csrftoken"]}
        else:
            body["json"] = {}
    return await client.request(entry.method, _url(entry.path), headers=headers, **body)  # type: ignore[arg-type]


def _refusal(response: httpx.Response, *, console: bool) -> str | None:
    """'sign-in' or 'forbidden' when *response* refuses the caller, else None."""
    if console:
        location = response.headers.get("location", "")
        if response.status_code in (302, 303) and location.startswith("/console/login?next="):
            return "sign-in"
    elif response.status_code == 401:
        return "sign-in"
    return "forbidden" if response.status_code == 403 else None


def _expected(entry: Permission, caller: _Caller) -> str | None:
    if not entry.access.needs_account:
        return None
    if caller.role is None:
        return "sign-in"
    return None if caller.role in entry.access.roles else "forbidden"


async def test_every_route_answers_each_caller_as_the_table_says(
    client: Client, runtime: Runtime, clock: FixedClock
) -> None:
    """No credentials, an expired or a disabled one → sign in; a role the entry does not allow
    → 403; an allowed role gets past authorisation (404 or 422 for the dummy ids is fine);
    a public route never asks to sign in; a webhook answers a staff token as it answers none."""
    callers = await _callers(client, runtime, clock)
    wrong: list[str] = []
    for entry in PERMISSIONS:
        if entry.method == "WEBSOCKET":
            continue  # the sockets' own tests: test_http_realtime.py, test_console_realtime.py
        on_console = entry.path == "/" or entry.path.startswith("/console")
        seen: dict[str, int] = {}
        for caller in callers:
            response = await _call(client, entry, caller)
            seen[caller.name] = response.status_code
            got = _refusal(response, console=on_console)
            want = _expected(entry, caller)
            if got != want and entry.access is not Access.WEBHOOK:
                wrong.append(
                    f"{entry.method} {entry.path} as {caller.name}: expected {want or 'through'}, "
                    f"got {response.status_code} {response.headers.get('location', '')}"
                )
        if entry.access is Access.WEBHOOK and len(set(seen.values())) != 1:
            wrong.append(f"{entry.method} {entry.path}: a staff token changed the answer: {seen}")
    assert not wrong, "\n".join(wrong)


def test_the_docs_print_the_table_as_the_code_declares_it() -> None:
    """docs/http-api.md carries `markdown_table()` between its markers, unchanged."""
    docs = (Path(__file__).parents[4] / "docs" / "http-api.md").read_text(encoding="utf-8")
    printed = docs.split("<!-- permissions:start -->\n", 1)[1].split("<!-- permissions:end -->")[0]
    assert printed == markdown_table(), "regenerate the table in docs/http-api.md"
