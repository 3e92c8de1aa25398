"""The console's front door: `/`, signing in and out, the session cookie, CSRF, CSP, errors."""

from __future__ import annotations

from pathlib import Path

import attrs
import httpx
import structlog
from litestar.testing import AsyncTestClient

from lia_adapters.memory import FixedClock
from lia_core.domain.users import Role
from lia_core.errors import DatabaseUnavailable
from lia_core.services import ChangePassword, CreateUser, FailureListing, ListFailures
from lia_core.services.failures import ListFailuresHandler
from lia_entrypoints.bootstrap import Runtime
from lia_entrypoints.http import create_app
from lia_entrypoints.settings import Settings

from ..http.api_support import PASSWORD, Client, login_as
from .console_support import csrf_of, post_form, sign_in


async def test_root_opens_the_console_and_asks_to_sign_in(client: Client) -> None:
    response = await client.get("/", follow_redirects=True)
    assert response.status_code == 200
    assert response.url.path == "/console/login"
    assert 'name="username"' in response.text
    assert "Entrar" in response.text


async def test_a_page_without_a_session_redirects_to_login_and_back(
    client: Client, runtime: Runtime
) -> None:
    response = await client.get("/console/falhas?aba=agendadas")
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login?next=/console/falhas%3Faba%3Dagendadas"
    await runtime.services.create_user(
        CreateUser(actor="tester", username="ana", role=Role.ADMIN, password=PASSWORD)
    )
    form = await client.get(response.headers["location"])
    signed = await post_form(
        client,
        "/console/login",
        csrf_of(form),
        username="ana",
        password=PASSWORD,
        next="/console/falhas?aba=agendadas",
    )
    assert signed.status_code == 303
    assert signed.headers["location"] == "/console/falhas?aba=agendadas"


async def test_htmx_requests_without_a_session_are_told_where_to_go(client: Client) -> None:
    response = await client.get("/console/falhas", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["hx-redirect"].startswith("/console/login?next=")


async def test_wrong_password_shows_the_form_again_with_an_error(
    client: Client, runtime: Runtime
) -> None:
    await sign_in(client, runtime, "ana", Role.ADMIN)
    await post_form(client, "/console/logout", csrf_of(await client.get("/console/falhas")))
    token = csrf_of(await client.get("/console/login"))
    response = await post_form(client, "/console/login", token, username="ana", password="nope")
    assert response.status_code == 401
    assert "Usuário ou senha incorretos." in response.text
    assert 'value="ana"' in response.text  # the username is kept, the password is not


async def test_the_session_cookie_is_httponly_lax_and_scoped_to_the_console(
    client: Client, runtime: Runtime
) -> None:
    await runtime.services.create_user(
        CreateUser(actor="tester", username="ana", role=Role.ADMIN, password=PASSWORD)
    )
    token = csrf_of(await client.get("/console/login"))
    response = await post_form(client, "/console/login", token, username="ana", password=PASSWORD)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/console" in cookie
    assert "secure" not in cookie  # plain http here: a Secure cookie would never come back


async def test_the_cookies_are_secure_behind_an_https_public_url(
    tmp_path: Path, runtime: Runtime
) -> None:
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        jwt_secret="test-secret-" + "x" * 40,
        http={"public_url": "https://lia.example.com.br"},
    )
    async with AsyncTestClient(create_app(settings, runtime=runtime)) as https_client:
        response = await https_client.get("/console/login")
        assert "secure" in response.headers["set-cookie"].lower()


async def test_the_side_menu_shows_who_is_signed_in(client: Client, agent_session: str) -> None:
    response = await client.get("/console/falhas")
    assert response.status_code == 200
    assert "artur" in response.text
    assert "Agente" in response.text
    assert "🚨 Falha Massiva" in response.text
    # Agents neither see the admin pages in the menu nor the button that declares a failure.
    assert "Mensagens com falha" not in response.text
    assert 'href="/console/falhas/nova"' not in response.text


async def test_logout_ends_the_session(client: Client, admin_session: str) -> None:
    response = await post_form(client, "/console/logout", admin_session)
    assert response.status_code == 303
    after = await client.get("/console/falhas")
    assert after.status_code == 303
    assert after.headers["location"].startswith("/console/login")


async def test_a_session_past_its_lifetime_is_refused_even_if_the_browser_kept_it(
    client: Client, clock: FixedClock, admin_session: str, settings: Settings
) -> None:
    assert (await client.get("/console/falhas")).status_code == 200
    clock.advance(minutes=settings.http.jwt_ttl_minutes + 1)
    assert (await client.get("/console/falhas")).status_code == 303


async def test_a_form_without_its_csrf_token_is_refused(client: Client, admin_session: str) -> None:
    response = await client.post("/console/logout", data={})
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "O formulário expirou" in response.text
    assert (await client.get("/console/falhas")).status_code == 200  # still signed in


async def test_next_never_leaves_the_console(client: Client, runtime: Runtime) -> None:
    await runtime.services.create_user(
        CreateUser(actor="tester", username="ana", role=Role.ADMIN, password=PASSWORD)
    )
    token = csrf_of(await client.get("/console/login"))
    for target in ("https://evil.example", "//evil.example", "/api/v1/failures"):
        response = await post_form(
            client, "/console/login", token, username="ana", password=PASSWORD, next=target
        )
        assert response.headers["location"] == "/console/falhas", target


async def test_pages_carry_a_strict_content_security_policy(
    client: Client, admin_session: str
) -> None:
    for path in ("/console/login", "/console/falhas", "/console/nao-existe"):
        response = await client.get(path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp, path
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["cache-control"] == "no-store"
        assert "<script>" not in response.text  # no inline script anywhere


async def test_an_unknown_console_page_is_an_html_404_but_the_api_keeps_problem_json(
    client: Client, admin_session: str
) -> None:
    page = await client.get("/console/nao-existe")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Página não encontrada" in page.text
    api = await client.get("/api/v1/nao-existe")
    assert api.status_code == 404
    assert api.headers["content-type"].startswith("application/problem+json")


async def test_the_api_keeps_its_bearer_tokens(client: Client, runtime: Runtime) -> None:
    headers = await login_as(client, runtime, "sofia", Role.SUPERVISOR)
    response = await client.get("/api/v1/failures", headers=headers)
    assert response.status_code == 200
    # …and a console session is not an API credential.
    assert (await client.get("/api/v1/failures")).status_code == 401


async def test_static_files_are_served_and_cacheable(client: Client) -> None:
    script = await client.get("/console/static/htmx.min.js")
    assert script.status_code == 200
    assert "htmx" in script.text[:200]
    assert script.headers.get("cache-control") != "no-store"
    assert (await client.get("/console/static/console.css")).status_code == 200


@attrs.frozen(kw_only=True)
class _Failing(ListFailuresHandler):
    """The Falha Massiva page's use case, broken on purpose."""

    error: Exception

    async def __call__(self, query: ListFailures) -> FailureListing:
        raise self.error


async def test_a_database_that_does_not_answer_is_the_503_page_with_retry_after(
    client: Client, runtime: Runtime, admin_session: str
) -> None:
    down = DatabaseUnavailable("connection refused", retry_after=2.5)
    runtime.services = attrs.evolve(
        runtime.services, list_failures=_Failing(uow=runtime.uow, error=down)
    )
    response = await client.get("/console/falhas")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "3"
    assert "Serviço temporariamente indisponível" in response.text
    assert "connection refused" not in response.text  # the driver's words stay in the log
    assert "Sair" in response.text  # the same layout, still signed in


async def test_an_unexpected_error_is_the_500_page_and_is_logged(
    client: Client, runtime: Runtime, admin_session: str
) -> None:
    broken = RuntimeError("secret internals")
    runtime.services = attrs.evolve(
        runtime.services, list_failures=_Failing(uow=runtime.uow, error=broken)
    )
    with structlog.testing.capture_logs() as logs:
        response = await client.get("/console/falhas")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert "Erro inesperado" in response.text
    assert "secret internals" not in response.text
    assert any(entry["event"] == "console.unhandled_error" for entry in logs)


async def test_too_many_failed_sign_ins_show_how_long_to_wait(
    client: Client, runtime: Runtime
) -> None:
    """After the free failures the form answers 429 with `Retry-After` and says, in
    Portuguese, how long to wait — even for the right password."""
    await runtime.services.create_user(
        CreateUser(actor="tester", username="ana", role=Role.ADMIN, password=PASSWORD)
    )
    token = csrf_of(await client.get("/console/login"))
    for _ in range(runtime.settings.login.free_attempts_per_username):
        wrong = await post_form(
            client, "/console/login", token, username="ana", password="not it at all"
        )
        assert wrong.status_code == 401
    held = await post_form(client, "/console/login", token, username="ana", password=PASSWORD)
    assert held.status_code == 429
    assert int(held.headers["retry-after"]) >= 1
    assert "Muitas tentativas de acesso sem sucesso" in held.text
    assert "aguarde 1 segundo" in held.text
    assert "lia_session" not in held.headers.get("set-cookie", "")


async def test_a_password_change_signs_the_console_out(client: Client, runtime: Runtime) -> None:
    """A session started before the password changed is sent back to the sign-in form."""
    await sign_in(client, runtime, "ana", Role.ADMIN)
    assert (await client.get("/console/falhas")).status_code == 200
    await runtime.services.change_password(
        ChangePassword(username="ana", new_password="a brand new passphrase", actor="ana")
    )
    refused = await client.get("/console/falhas")
    assert refused.status_code == 303
    assert refused.headers["location"].startswith("/console/login?next=")


def _session_cookies(response: httpx.Response) -> list[str]:
    return [c for c in response.headers.get_list("set-cookie") if c.startswith("lia_session")]


async def test_a_request_that_did_not_change_the_session_leaves_the_cookie_alone(
    client: Client, agent_session: str
) -> None:
    # A page's htmx heartbeat reads the cookie before a form post and answers after it: if
    # it wrote its (older) session back, the post's flash message would be lost.
    before = client.cookies["lia_session"]
    beat = await client.post(
        "/console/presenca",
        data={"status": "busy", "_csrf_token": agent_session},
        headers={"HX-Request": "true"},
    )
    assert beat.status_code == 204
    assert _session_cookies(beat) == []
    posted = await post_form(
        client, "/console/presenca", agent_session, status="away", next="/console/"
    )
    assert posted.status_code in {302, 303}
    assert _session_cookies(posted)  # the flash is written
    home = (await client.get("/console/")).headers["location"]  # not a page: no flash taken
    stale = await client.get(home, cookies={"lia_session": before})
    assert stale.status_code == 200
    assert _session_cookies(stale) == []  # the stale request does not overwrite it
    shown = await client.get("/console/", follow_redirects=True)
    assert "Seu status agora é Ausente." in shown.text
    again = await client.get("/console/", follow_redirects=True)
    assert "Seu status agora é Ausente." not in again.text  # shown once: its removal was kept
