"""Errors in the console's look: sign-in redirects, and the 403, 404, 409, 500 and 503 pages."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.types import ExceptionHandlersMap

from lia_core.errors import LiaError, PortUnavailable
from lia_entrypoints.console.rendering import page, redirect
from lia_entrypoints.console.security import CONSOLE_PATH, secure_headers
from lia_entrypoints.http.problems import status_for

__all__ = ["console_exception_handlers", "for_console_too"]

log = structlog.get_logger(__name__)

_TITLES = {
    400: "Pedido inválido",
    403: "Acesso negado",
    404: "Página não encontrada",
    405: "Ação não permitida",
    409: "Não foi possível concluir",
    422: "Dados inválidos",
    500: "Erro inesperado",
    503: "Serviço temporariamente indisponível",
}
_CSRF_DETAIL = "O formulário expirou ou não veio desta página. Recarregue a página e tente de novo."
_DETAILS = {
    403: "Seu perfil não tem acesso a esta página ou ação.",
    404: "O endereço não existe ou o registro foi removido.",
    500: "Algo deu errado do nosso lado. O erro foi registrado; tente novamente.",
    503: "O banco de dados não respondeu. Aguarde alguns segundos e tente novamente.",
}


def _sign_in(request: Request[Any, Any, Any]) -> Response[Any]:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    return redirect(request, f"{CONSOLE_PATH}/login?next={quote(target, safe='/')}")


def _error_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, NotAuthorizedException):
        return _sign_in(request)
    status = status_for(exc)
    if status == 503:
        log.warning("console.port_unavailable", path=request.url.path, error=type(exc).__name__)
    if status >= 500 and status != 503:
        log.error(
            "console.unhandled_error",
            method=request.method,
            path=request.url.path,
            error=type(exc).__name__,
            exc_info=exc,
        )
    # Only our own messages (core errors, guards) are shown; a library's text stays in the log.
    if isinstance(exc, LiaError) and status != 503:
        detail = exc.message
    elif isinstance(exc, HTTPException) and status == 403:
        detail = _CSRF_DETAIL if "CSRF" in exc.detail else (exc.detail or _DETAILS[403])
    else:
        detail = _DETAILS.get(status, "")
    response = page(
        request,
        "errors/error.html",
        status_code=status,
        status=status,
        title=_TITLES.get(status, "Erro"),
        detail=detail,
    )
    # Errors raised before routing (an unknown path) skip the app's middleware.
    secure_headers(response.headers)
    if isinstance(exc, PortUnavailable) and exc.retry_after is not None:
        response.headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
    if request.headers.get("hx-request") == "true":
        # htmx ignores error responses by default; the page's script shows this one in place.
        response.headers["HX-Retarget"] = "#main"
        response.headers["HX-Reswap"] = "innerHTML"
    return response


console_exception_handlers: ExceptionHandlersMap = {Exception: _error_page}
"""The console router's handlers: every error is a page (or a sign-in redirect), never JSON."""


Handler = Callable[[Request[Any, Any, Any], Any], Response[Any]]


def for_console_too(api_handler: Handler) -> Handler:
    """Wrap an app-level handler so errors raised outside the console router (an unknown
    `/console/...` path) still get the console's page rather than problem JSON."""

    def handle(request: Request[Any, Any, Any], exc: Any) -> Response[Any]:
        if request.url.path.startswith(CONSOLE_PATH):
            return _error_page(request, exc)
        return api_handler(request, exc)

    return handle
