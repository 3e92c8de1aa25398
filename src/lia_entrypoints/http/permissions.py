"""Who may call what: one declared table of every route's minimum access, API and console.

The guards on the routes enforce access; this table states it, and
`tests/unit/entrypoints/http/test_permission_matrix.py` walks the application's route table
and checks each route against its entry with no credentials, an expired one, a disabled
account's and each role's. A route without an entry (or an entry without a route) fails
that test, so a new route cannot ship without saying who may use it. docs/http-api.md
prints the same table (`lia_entrypoints.http.permissions.markdown_table`).
"""

from __future__ import annotations

import enum

import attrs

from lia_core.domain.users import Role

__all__ = ["PERMISSIONS", "Access", "Permission", "markdown_table"]


class Access(enum.StrEnum):
    """The minimum a caller needs; each level above PUBLIC/WEBHOOK includes the next."""

    PUBLIC = "public"
    """Anyone: no token, no session."""
    WEBHOOK = "webhook"
    """A provider: no token, the request's signature (or verify token) is checked instead."""
    SIGNED_IN = "signed-in"
    """Any active account (AGENT, SUPERVISOR, ADMIN); the use case may check more."""
    MANAGERS = "managers"
    """SUPERVISOR or ADMIN."""
    ADMINS = "admins"
    """ADMIN only."""

    @property
    def roles(self) -> frozenset[Role]:
        """The roles let through (every role for the levels that need no account)."""
        match self:
            case Access.MANAGERS:
                return frozenset({Role.SUPERVISOR, Role.ADMIN})
            case Access.ADMINS:
                return frozenset({Role.ADMIN})
            case _:
                return frozenset(Role)

    @property
    def needs_account(self) -> bool:
        """True when a caller without a valid token (session) is refused."""
        return self not in (Access.PUBLIC, Access.WEBHOOK)


@attrs.frozen(kw_only=True)
class Permission:
    """One route's entry: its method, its path as the app declares it, who may call it."""

    method: str
    path: str
    access: Access
    note: str = ""
    """What the use case checks beyond the role (departments, the assignee), if anything."""


_S, _M, _A = Access.SIGNED_IN, Access.MANAGERS, Access.ADMINS
_P, _W = Access.PUBLIC, Access.WEBHOOK
_DEPTS = "agents: only tickets and conversations of their departments"
_MINE = "agents: only what is assigned or offered to them"
_WRITE = "agents: conversations assigned to them or in their departments"

_API: tuple[tuple[str, str, Access, str], ...] = (
    ("POST", "/api/v1/auth/login", _P, "throttled per username and per client address"),
    ("POST", "/api/v1/auth/password", _S, "one's own password; the current one checked, throttled"),
    ("GET", "/api/v1/failures", _S, ""),
    ("POST", "/api/v1/failures", _M, ""),
    ("POST", "/api/v1/failures/check", _S, ""),
    ("GET", "/api/v1/failures/{failure_id:str}", _S, ""),
    ("PUT", "/api/v1/failures/{failure_id:str}", _M, ""),
    ("POST", "/api/v1/failures/{failure_id:str}/activate", _M, ""),
    ("POST", "/api/v1/failures/{failure_id:str}/pause", _M, ""),
    ("POST", "/api/v1/failures/{failure_id:str}/resume", _M, ""),
    ("POST", "/api/v1/failures/{failure_id:str}/resolve", _M, ""),
    ("POST", "/api/v1/failures/{failure_id:str}/cancel", _M, ""),
    ("POST", "/api/v1/failures/{failure_id:str}/notify", _M, ""),
    ("POST", "/api/v1/failures/{failure_id:str}/notify-customers", _M, ""),
    ("GET", "/api/v1/regions", _S, ""),
    ("POST", "/api/v1/regions", _M, ""),
    ("GET", "/api/v1/regions/{region_id:str}", _S, ""),
    ("PUT", "/api/v1/regions/{region_id:str}", _M, ""),
    ("DELETE", "/api/v1/regions/{region_id:str}", _M, ""),
    ("POST", "/api/v1/messages", _M, ""),
    ("GET", "/api/v1/outbox", _S, ""),
    ("POST", "/api/v1/outbox/{job_id:str}/settle", _M, ""),
    ("GET", "/api/v1/dlq", _A, ""),
    ("GET", "/api/v1/dlq/audit", _A, ""),
    ("GET", "/api/v1/dlq/{job_id:str}", _A, ""),
    ("POST", "/api/v1/dlq/reprocess", _A, ""),
    ("GET", "/api/v1/contacts/{phone:str}", _S, ""),
    ("GET", "/api/v1/conversations", _S, _DEPTS),
    ("GET", "/api/v1/conversations/{conversation_id:str}", _S, _DEPTS),
    ("POST", "/api/v1/conversations/{conversation_id:str}/notes", _S, _WRITE),
    ("POST", "/api/v1/conversations/{conversation_id:str}/messages", _S, _WRITE),
    (
        "POST",
        "/api/v1/conversations/{conversation_id:str}/assign",
        _S,
        "SUPERVISOR or ADMIN (the use case)",
    ),
    ("POST", "/api/v1/conversations/{conversation_id:str}/claim", _S, _DEPTS),
    ("POST", "/api/v1/conversations/{conversation_id:str}/release", _S, _MINE),
    ("POST", "/api/v1/conversations/{conversation_id:str}/transfer", _S, _MINE),
    ("GET", "/api/v1/templates", _S, ""),
    ("POST", "/api/v1/templates", _M, ""),
    ("GET", "/api/v1/templates/{key:str}", _S, ""),
    ("PUT", "/api/v1/templates/{key:str}", _M, ""),
    ("DELETE", "/api/v1/templates/{key:str}", _M, ""),
    ("POST", "/api/v1/templates/{key:str}/preview", _S, ""),
    ("GET", "/api/v1/users", _M, ""),
    ("GET", "/api/v1/users/{username:str}", _M, ""),
    ("PATCH", "/api/v1/users/{username:str}", _A, ""),
    ("POST", "/api/v1/users/{username:str}/disable", _A, "never the only active ADMIN"),
    ("POST", "/api/v1/users/{username:str}/enable", _A, ""),
    ("GET", "/api/v1/rules", _M, ""),
    ("POST", "/api/v1/rules", _A, ""),
    ("GET", "/api/v1/rules/history", _M, ""),
    ("GET", "/api/v1/rules/{revision:int}", _M, ""),
    ("GET", "/api/v1/tickets", _S, _DEPTS),
    ("POST", "/api/v1/tickets", _S, ""),
    ("GET", "/api/v1/tickets/{ticket_id:str}", _S, _DEPTS),
    ("GET", "/api/v1/tickets/{ticket_id:str}/explain", _M, ""),
    ("POST", "/api/v1/tickets/{ticket_id:str}/notes", _S, _DEPTS),
    ("POST", "/api/v1/tickets/{ticket_id:str}/escalate", _S, _DEPTS),
    ("POST", "/api/v1/tickets/{ticket_id:str}/deescalate", _S, _DEPTS),
    ("POST", "/api/v1/tickets/{ticket_id:str}/reassign", _S, _DEPTS),
    ("POST", "/api/v1/tickets/{ticket_id:str}/priority", _S, _DEPTS),
    ("POST", "/api/v1/tickets/{ticket_id:str}/wait", _S, _DEPTS),
    ("POST", "/api/v1/tickets/{ticket_id:str}/unwait", _S, _DEPTS),
    ("POST", "/api/v1/tickets/{ticket_id:str}/resolve", _S, _DEPTS),
    ("POST", "/api/v1/tickets/{ticket_id:str}/reopen", _S, _DEPTS),
    ("GET", "/api/v1/audit", _M, ""),
    ("GET", "/api/v1/handoffs", _M, ""),
    ("GET", "/api/v1/nps", _S, ""),
    ("GET", "/api/v1/nps/{feedback_id:str}", _S, ""),
    ("GET", "/api/v1/nps/followups", _M, ""),
    ("POST", "/api/v1/nps/followups/{feedback_id:str}/take", _M, ""),
    ("POST", "/api/v1/nps/followups/{feedback_id:str}/resolve", _M, ""),
    ("GET", "/api/v1/reports/{name:str}", _M, ""),
    ("GET", "/api/v1/gamification/settings", _S, ""),
    ("PATCH", "/api/v1/gamification/settings", _A, ""),
    ("GET", "/api/v1/gamification/history", _S, ""),
    ("GET", "/api/v1/gamification/{period:str}", _S, ""),
    ("POST", "/api/v1/gamification/{period:str}/run", _M, ""),
    ("GET", "/api/v1/agents", _S, ""),
    ("POST", "/api/v1/agents/me/presence", _S, ""),
    ("GET", "/api/v1/offers", _S, _MINE),
    ("POST", "/api/v1/offers/{offer_id:str}/accept", _S, _MINE),
    ("POST", "/api/v1/offers/{offer_id:str}/reject", _S, _MINE),
    ("GET", "/api/v1/queues", _S, ""),
    ("WEBSOCKET", "/api/v1/realtime", _S, "the token is the socket's first message"),
    ("GET", "/health", _P, ""),
    ("GET", "/metrics", _P, "restrict it at the proxy (docs/observability.md)"),
    ("GET", "/schema", _P, ""),
    ("GET", "/schema/openapi.json", _P, ""),
    ("GET", "/schema/scalar", _P, ""),
    ("GET", "/schema/{path:str}", _P, ""),
    ("GET", "/webhooks/whatsapp", _W, "Meta's verify token"),
    ("POST", "/webhooks/whatsapp", _W, "X-Hub-Signature-256"),
    ("POST", "/webhooks/evolution", _W, "the instance's API key"),
    ("POST", "/webhooks/twilio/sms", _W, "X-Twilio-Signature"),
    ("POST", "/webhooks/twilio/status", _W, "X-Twilio-Signature"),
)

_CONSOLE: tuple[tuple[str, str, Access, str], ...] = (
    ("GET", "/", _P, "a redirect to the console"),
    ("GET", "/console", _S, ""),
    ("GET", "/console/login", _P, ""),
    ("POST", "/console/login", _P, "throttled like the API's login"),
    ("POST", "/console/logout", _S, ""),
    ("GET", "/console/static/{file_path:path}", _P, ""),
    ("HEAD", "/console/static/{file_path:path}", _P, ""),
    ("GET", "/console/falhas", _S, ""),
    ("POST", "/console/falhas", _M, ""),
    ("GET", "/console/falhas/nova", _M, ""),
    ("POST", "/console/falhas/previa", _M, ""),
    ("GET", "/console/falhas/{failure_id:str}", _S, ""),
    ("GET", "/console/falhas/{failure_id:str}/contagens", _S, ""),
    ("GET", "/console/falhas/{failure_id:str}/editar", _M, ""),
    ("POST", "/console/falhas/{failure_id:str}/editar", _M, ""),
    ("POST", "/console/falhas/{failure_id:str}/pausar", _M, ""),
    ("POST", "/console/falhas/{failure_id:str}/retomar", _M, ""),
    ("POST", "/console/falhas/{failure_id:str}/ativar", _M, ""),
    ("GET", "/console/falhas/{failure_id:str}/cancelar", _M, ""),
    ("POST", "/console/falhas/{failure_id:str}/cancelar", _M, ""),
    ("GET", "/console/falhas/{failure_id:str}/finalizar", _M, ""),
    ("POST", "/console/falhas/{failure_id:str}/finalizar", _M, ""),
    ("GET", "/console/regioes", _S, ""),
    ("GET", "/console/regioes/nova", _M, ""),
    ("POST", "/console/regioes/nova", _M, ""),
    ("GET", "/console/regioes/{region_id:str}/editar", _M, ""),
    ("POST", "/console/regioes/{region_id:str}/editar", _M, ""),
    ("GET", "/console/regioes/{region_id:str}/excluir", _M, ""),
    ("POST", "/console/regioes/{region_id:str}/excluir", _M, ""),
    ("GET", "/console/verificar", _S, ""),
    ("GET", "/console/audit", _M, ""),
    ("GET", "/console/fila", _A, ""),
    ("GET", "/console/mensagens-com-falha", _A, ""),
    ("POST", "/console/mensagens-com-falha/reprocessar", _A, ""),
    ("GET", "/console/mensagens-com-falha/{job_id:str}", _A, ""),
    ("GET", "/console/policy", _M, ""),
    ("POST", "/console/policy", _A, ""),
    ("GET", "/console/tickets", _S, _DEPTS),
    ("GET", "/console/tickets/{ticket_id:str}", _S, _DEPTS),
    ("POST", "/console/tickets/{ticket_id:str}/{acao:str}", _S, _DEPTS),
    ("POST", "/console/presenca", _S, ""),
    ("GET", "/console/conversas/{conversation_id:str}", _S, _DEPTS),
    ("GET", "/console/conversas/{conversation_id:str}/{parte:str}", _S, _DEPTS),
    ("POST", "/console/conversas/{conversation_id:str}/previa", _S, _DEPTS),
    ("POST", "/console/conversas/{conversation_id:str}/{acao:str}", _S, _MINE),
    ("GET", "/console/atendimento", _S, ""),
    ("GET", "/console/atendimento/_painel", _S, ""),
    ("POST", "/console/atendimento/ofertas/{offer_id:str}/aceitar", _S, _MINE),
    ("POST", "/console/atendimento/ofertas/{offer_id:str}/recusar", _S, _MINE),
    ("GET", "/console/agentes", _S, ""),
    ("GET", "/console/agentes/_tabela", _S, ""),
    ("GET", "/console/visao-geral", _M, ""),
    ("GET", "/console/visao-geral/_painel", _M, ""),
    ("GET", "/console/visao-geral/_mapa", _M, ""),
    ("GET", "/console/nps", _S, ""),
    ("GET", "/console/nps/acompanhamento", _M, ""),
    ("POST", "/console/nps/acompanhamento/{feedback_id:str}/{acao:str}", _M, ""),
    ("GET", "/console/relatorios", _M, ""),
    ("GET", "/console/relatorios/{nome:str}", _M, ""),
    ("GET", "/console/relatorios/{nome:str}/csv", _M, ""),
    ("GET", "/console/gamificacao", _S, ""),
    ("POST", "/console/gamificacao/calcular", _M, ""),
    ("WEBSOCKET", "/console/realtime", _S, "the session cookie"),
)

PERMISSIONS: tuple[Permission, ...] = tuple(
    Permission(method=method, path=path, access=access, note=note)
    for method, path, access, note in _API + _CONSOLE
)
"""Every route of `lia serve` (OPTIONS aside: answered for every path, without data)."""


def markdown_table() -> str:
    """The table as docs/http-api.md prints it."""
    lines = ["| method | path | access | beyond the role |", "| --- | --- | --- | --- |"]
    lines += [
        f"| {p.method} | `{p.path}` | {p.access.value} | {p.note or ''} |" for p in PERMISSIONS
    ]
    return "\n".join(lines) + "\n"
