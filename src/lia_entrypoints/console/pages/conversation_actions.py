"""The Conversa page's actions — claim, transfer, release, resolve, reply, note — each through
the use case its API route calls (`services.claims`, `services.replies`, `services.desk`),
each refusal shown on the page as a pt-BR message with the API's status (409 "Atendida por
Bia" for a claim lost to Bia, 403 outside one's departments, 422 beside a bad field)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Template

from lia_core.assignment import Claim
from lia_core.domain.assignments import AssignmentState
from lia_core.errors import (
    ConcurrencyConflict,
    InvalidTransition,
    NoLiveTicket,
    NotFound,
    NotPermitted,
    OutsideServiceWindow,
    ValidationError,
)
from lia_core.services import Services
from lia_entrypoints.console.forms.conversation import (
    ACTIONS,
    ConversationForm,
    reply_error,
    transfer_error,
)
from lia_entrypoints.console.forms.tickets import refusal
from lia_entrypoints.console.humanize import when
from lia_entrypoints.console.pages.conversation import (
    PATH,
    ConversationScreen,
    render_conversation,
    screen_of,
)
from lia_entrypoints.console.rendering import flash, redirect
from lia_entrypoints.http.context import TZ_KEY, ServicesDep, actor_of, runtime_of

__all__ = ["conversation_action", "taken_by"]

_FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
_DONE = {
    "assumir": "Conversa assumida: ela é sua.",
    "transferir": "Conversa transferida.",
    "liberar": "Conversa liberada: voltou para a fila do departamento.",
    "resolver": "Conversa resolvida: o ticket foi resolvido e a conversa saiu da fila.",
    "responder": "Resposta na fila de envio.",
    "nota": "Nota adicionada (não é enviada ao cliente).",
}
_OTHER_DEPARTMENT = "Não foi possível {}: a conversa é de um departamento que não é o seu."
_MOVED = "outra pessoa alterou o ticket agora. Confira e tente de novo."
_NOT_HOLDER = "Não foi possível {}: só quem atende a conversa, ou um supervisor, pode fazer isso."


def taken_by(name: str) -> str:
    """The message of a claim lost to *name* (the API's 409)."""
    return f"Atendida por {name}."


class _Refused(Exception):
    """An action the use case refused: what the page says, with the API's status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _window_closed(request: Request[Any, Any, Any], exc: OutsideServiceWindow) -> str:
    what_to_do = (
        "Para falar com o cliente agora, escolha uma resposta pronta marcada "
        "“modelo WhatsApp” (ela sai como o modelo aprovado), ou aguarde o cliente escrever "
        "de novo: a janela reabre por 24 horas."
    )
    if exc.closed_at is None:
        return (
            "Texto livre não pode ser enviado: a janela de 24 horas do WhatsApp nunca abriu "
            f"(o cliente ainda não escreveu nesta conversa). {what_to_do}"
        )
    runtime = runtime_of(request.app.state)
    closed = when(exc.closed_at, request.app.state[TZ_KEY], runtime.clock.now())
    return (
        f"Texto livre não pode ser enviado: a janela de 24 horas do WhatsApp fechou em {closed} "
        f"(24 horas depois da última mensagem do cliente). {what_to_do}"
    )


def _state_refusal(holder: str | None, action: str, exc: InvalidTransition) -> str:
    verb = ACTIONS[action]
    if exc.status.startswith("assigned to "):
        return taken_by(holder or exc.status.removeprefix("assigned to "))
    if exc.status == AssignmentState.CLOSED.value:
        return f"Não foi possível {verb}: ela foi encerrada (o ticket está resolvido)."
    return f"Não foi possível {verb}: ninguém atende a conversa agora."


async def _act(
    request: Request[Any, Any, Any],
    services: Services,
    screen: ConversationScreen,
    action: str,
    data: ConversationForm,
) -> str | None:
    """Run *action*; the ticket the page should keep showing (a resolved one), if any."""
    cid, actor = screen.details.conversation.id, actor_of(request)
    user = request.user
    if action == "assumir":
        await services.claims.claim(Claim(conversation_id=cid, agent=user.username, actor=actor))
    elif action == "transferir":
        await services.claims.transfer(data.transfer(cid, user.username, actor))
    elif action == "liberar":
        await services.claims.release(data.release(cid, user.username, actor))
    elif action == "responder":
        await services.replies.reply(data.reply(cid), author=user, actor=actor)
    elif action == "nota":
        await services.replies.note(cid, data.texto, author=user, actor=actor)
    elif action == "resolver":
        ticket = screen.details.ticket
        if ticket is None:
            raise _Refused("Não há ticket aberto nesta conversa: nada a resolver.", 409)
        await services.desk.act(
            ticket.id,
            data.resolve(),
            actor,
            viewer=user,
            expected_version=data.expected_version(),
        )
        return ticket.id
    return None


def _field_errors(action: str, exc: ValidationError) -> dict[str, str]:
    if action == "transferir":
        return transfer_error(exc)
    if action == "responder":
        return reply_error(exc)
    return {"texto" if action == "nota" else "motivo": "Escreva a nota."}


def _refusal(
    request: Request[Any, Any, Any], action: str, exc: Exception, holder: str | None
) -> tuple[int, str | None, dict[str, str]]:
    """The API's status for *exc*, and the page's message: at the top, or beside fields."""
    verb = ACTIONS[action]
    if isinstance(exc, ValidationError):
        return 422, None, _field_errors(action, exc)
    if isinstance(exc, NotFound):  # the conversation exists: read before acting
        if action == "transferir" and exc.entity in {"user", "agent"}:
            return 422, None, {"atendente": "Atendente não encontrado: escolha um da lista."}
        return 404, f"Não foi possível {verb}: a conversa não foi encaminhada à equipe.", {}
    if isinstance(exc, OutsideServiceWindow):
        return 409, _window_closed(request, exc), {}
    if isinstance(exc, InvalidTransition):
        if exc.entity == "ticket":
            return 409, refusal("resolver", exc), {}
        return 409, _state_refusal(holder, action, exc), {}
    if isinstance(exc, NoLiveTicket):
        return 409, f"Não foi possível {verb}: a conversa não tem ticket aberto.", {}
    if isinstance(exc, ConcurrencyConflict):
        return 409, f"Não foi possível {verb}: {_MOVED}", {}
    template = _NOT_HOLDER if action in {"transferir", "liberar"} else _OTHER_DEPARTMENT
    return 403, template.format(verb), {}


_REFUSED = (
    ValidationError,
    NotFound,
    OutsideServiceWindow,
    InvalidTransition,
    NoLiveTicket,
    ConcurrencyConflict,
    NotPermitted,
    _Refused,
)


async def _run(
    request: Request[Any, Any, Any],
    services: Services,
    cid: str,
    action: str,
    data: ConversationForm,
) -> Response[Any] | Template:
    screen = await screen_of(services, cid, request.user)  # NotFound: the 404 page
    try:
        resolved = await _act(request, services, screen, action, data)
    except _REFUSED as exc:
        # Read again: whatever refused the action (a claim lost) is what the page now shows.
        fresh = await screen_of(services, cid, request.user)
        status, alert, errors = (
            (exc.status, exc.message, {})
            if isinstance(exc, _Refused)
            else _refusal(request, action, exc, fresh.holder)
        )
        return render_conversation(
            request,
            fresh,
            status_code=status,
            alert=alert,
            open_action=action,
            form=data,
            errors=errors,
        )
    flash(request, _DONE[action])
    target = f"{PATH}/{cid}"
    return redirect(request, f"{target}?ticket={resolved}" if resolved else target)


@post("/conversas/{conversation_id:str}/{acao:str}")
async def conversation_action(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    conversation_id: FromPath[str],
    acao: FromPath[str],
    data: Annotated[ConversationForm, _FORM],
) -> Response[Any] | Template:
    """Run one action (assumir, transferir, liberar, resolver, responder, nota) as the
    signed-in user; back to the conversation with what happened, or the refusal shown."""
    if acao not in ACTIONS:
        flash(request, "Ação desconhecida.", "error")
        return redirect(request, f"{PATH}/{conversation_id}")
    return await _run(request, services, conversation_id, acao, data)
