"""Signing in and out of the console, and `/` → the console."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter
from litestar.response import Redirect, Template

from lia_core.errors import AuthenticationFailed, LoginThrottled, ValidationError
from lia_entrypoints.console.forms.auth import LoginForm
from lia_entrypoints.console.rendering import flash, page
from lia_entrypoints.console.security import CONSOLE_PATH
from lia_entrypoints.console.viewer import SESSION_CREDENTIALS, SESSION_EXPIRES, SESSION_USER
from lia_entrypoints.http.context import ServicesDep, login_attempt, runtime_of

__all__ = ["home", "login_form", "login_submit", "logout", "root"]

_HOME = f"{CONSOLE_PATH}/falhas"
_NO_AUTH = {"exclude_from_auth": True}


def _safe_next(target: str | None) -> str:
    # Only a path inside the console: an open redirect to another site would make the login
    # page a phishing tool.
    if target and target.startswith(CONSOLE_PATH + "/") and not target.startswith("//"):
        return target
    return _HOME


@get("/", include_in_schema=False, opt=_NO_AUTH)
async def root() -> Redirect:
    """`/` opens the console."""
    return Redirect(path=CONSOLE_PATH + "/", status_code=302)


@get(["/", ""], include_in_schema=False)
async def home() -> Redirect:
    """The console's first page is Falha Massiva."""
    return Redirect(path=_HOME, status_code=302)


@get("/login", opt=_NO_AUTH)
async def login_form(
    request: Request[Any, Any, Any],
    next_path: Annotated[str | None, QueryParameter(name="next")] = None,
) -> Template:
    """The sign-in form."""
    return page(request, "login.html", next=_safe_next(next_path), username="", error=None)


@post("/login", opt=_NO_AUTH)
async def login_submit(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[Any]:
    """Check the credentials; on success start a session and go where the user was going."""
    target = _safe_next(data.next)
    try:
        user = await services.authenticate(login_attempt(request, data.username, data.password))
    except (AuthenticationFailed, ValidationError):
        return page(
            request,
            "login.html",
            status_code=401,
            next=target,
            username=data.username,
            error="Usuário ou senha incorretos.",
        )
    except LoginThrottled as exc:
        refused = page(
            request,
            "login.html",
            status_code=429,
            next=target,
            username=data.username,
            error=(
                "Muitas tentativas de acesso sem sucesso. Por segurança, aguarde "
                f"{_wait_text(exc.retry_after)} e tente novamente."
            ),
        )
        refused.headers["Retry-After"] = str(exc.retry_after)
        return refused
    runtime = runtime_of(request.app.state)
    expires = runtime.clock.now() + timedelta(minutes=runtime.settings.http.jwt_ttl_minutes)
    request.clear_session()
    request.set_session(
        {
            SESSION_USER: user.username,
            SESSION_EXPIRES: expires.isoformat(),
            SESSION_CREDENTIALS: user.credentials_version,
        }
    )
    return Redirect(path=target, status_code=303)


def _wait_text(seconds: int) -> str:
    """How long the person waits, in words: 1 segundo, 40 segundos, 3 minutos (rounded up)."""
    if seconds < 60:
        return "1 segundo" if seconds == 1 else f"{seconds} segundos"
    minutes = -(-seconds // 60)
    return "1 minuto" if minutes == 1 else f"{minutes} minutos"


@post("/logout")
async def logout(request: Request[Any, Any, Any]) -> Redirect:
    """End the session."""
    request.clear_session()
    flash(request, "Você saiu do console.", "info")
    return Redirect(path=f"{CONSOLE_PATH}/login", status_code=303)
