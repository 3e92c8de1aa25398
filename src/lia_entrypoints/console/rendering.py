"""Rendering console pages: the template engine, the context every page shares, flash messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Request, Response
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.template import TemplateConfig

from lia_core.domain.users import User
from lia_entrypoints.console.forms.presence import PRESENCE_LABELS
from lia_entrypoints.console.humanize import countdown, error_kind, relative, when, when_input
from lia_entrypoints.console.security import CONSOLE_PATH, CSRF_HEADER
from lia_entrypoints.console.viewer import ROLE_LABELS, may_manage
from lia_entrypoints.http.context import TZ_KEY, runtime_of

__all__ = [
    "MENU",
    "MenuItem",
    "flash",
    "page",
    "redirect",
    "template_config",
]

TEMPLATES = Path(__file__).parent / "templates"
"""The console's Jinja templates."""

_FLASH_KEY = "flash"


@dataclass(frozen=True, slots=True)
class MenuItem:
    """One entry of the side menu."""

    label: str
    path: str
    key: str
    admin_only: bool = False
    managers_only: bool = False
    """Shown to supervisors and admins only."""


MENU = (
    MenuItem("Visão geral", f"{CONSOLE_PATH}/visao-geral", "visao-geral", managers_only=True),
    MenuItem("🚨 Falha Massiva", f"{CONSOLE_PATH}/falhas", "falhas"),
    MenuItem("Verificar endereço", f"{CONSOLE_PATH}/verificar", "verificar"),
    MenuItem("Regiões", f"{CONSOLE_PATH}/regioes", "regioes"),
    MenuItem("Atendimentos", f"{CONSOLE_PATH}/tickets", "tickets"),
    MenuItem("Atendimento", f"{CONSOLE_PATH}/atendimento", "atendimento"),
    MenuItem("Agentes", f"{CONSOLE_PATH}/agentes", "agentes"),
    MenuItem("NPS", f"{CONSOLE_PATH}/nps", "nps"),
    MenuItem("Relatórios", f"{CONSOLE_PATH}/relatorios", "relatorios", managers_only=True),
    MenuItem("Gamificação", f"{CONSOLE_PATH}/gamificacao", "gamificacao"),
    MenuItem("Fila de envio", f"{CONSOLE_PATH}/fila", "fila", admin_only=True),
    MenuItem("Mensagens com falha", f"{CONSOLE_PATH}/mensagens-com-falha", "dlq", admin_only=True),
    MenuItem("Política de atendimento", f"{CONSOLE_PATH}/policy", "policy", managers_only=True),
    MenuItem("Auditoria", f"{CONSOLE_PATH}/audit", "audit", managers_only=True),
)
"""The side menu: the supervisors' Visão geral, then the seed's 🚨 Falha Massiva; later pages
add their entries here."""


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    """Jinja over the console's templates, autoescaped, with the date filters."""

    def add_filters(engine: JinjaTemplateEngine) -> None:
        env = engine.engine
        env.filters["when"] = when
        env.filters["relative"] = relative
        env.filters["when_input"] = when_input
        env.filters["error_kind"] = error_kind
        env.filters["countdown"] = countdown
        env.trim_blocks = True
        env.lstrip_blocks = True

    return TemplateConfig(
        directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=add_filters
    )


def flash(request: Request[Any, Any, Any], message: str, kind: str = "success") -> None:
    """Keep *message* for the next page this browser shows (kind: success, error, info)."""
    session = request.scope.get("session")
    current = dict(session) if isinstance(session, dict) else {}  # none after a sign-out
    messages = [*(current.get(_FLASH_KEY) or []), {"message": message, "kind": kind}]
    request.set_session({**current, _FLASH_KEY: messages})


def _take_flashes(request: Request[Any, Any, Any]) -> list[Mapping[str, str]]:
    session = request.scope.get("session")
    if not isinstance(session, dict) or _FLASH_KEY not in session:
        return []
    return list(session.pop(_FLASH_KEY) or [])


def page(
    request: Request[Any, Any, Any],
    template: str,
    *,
    status_code: int = 200,
    active: str | None = None,
    **context: Any,
) -> Template:
    """Render *template* with what every page shares: who is signed in, the menu, the time."""
    user = request.scope.get("user")
    viewer = user if isinstance(user, User) else None
    runtime = runtime_of(request.app.state)
    tz: ZoneInfo = request.app.state[TZ_KEY]
    shared = {
        "viewer": viewer,
        "role_label": ROLE_LABELS.get(viewer.role, "") if viewer else "",
        "can_manage": viewer is not None and may_manage(viewer),
        "menu": [
            item
            for item in MENU
            if viewer is not None
            and (not item.admin_only or viewer.role.value == "ADMIN")
            and (not item.managers_only or may_manage(viewer))
        ],
        "active": active,
        "now": runtime.clock.now(),
        "tz": tz,
        "flashes": _take_flashes(request),
        "csrf_header": CSRF_HEADER,
        "console": CONSOLE_PATH,
        "presence_labels": [(p.value, label) for p, label in PRESENCE_LABELS.items()],
    }
    return Template(template, context={**shared, **context}, status_code=status_code)


def redirect(request: Request[Any, Any, Any], path: str) -> Response[Any]:
    """Go to *path*: a plain redirect, or `HX-Redirect` when htmx asked (it follows it itself)."""
    if request.headers.get("hx-request") == "true":
        return Response(content=b"", status_code=204, headers={"HX-Redirect": path})
    return Redirect(path=path, status_code=303)
