"""Atendimento (the inbox): Minhas / Sem responsável / Todas with the queues' counts, filters
and orders, each conversation's SLA countdown, and the signed-in agent's offers to accept or
refuse — over `services.queues.inbox` and the same offer answers as the API. The list
refreshes itself on realtime events (live.js, `data-refresh-on`)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import Dependency, Provide
from litestar.params import FromPath, QueryParameter, SkipValidationMarker
from litestar.response import Template

from lia_core.assignment import AnswerOffer, Inbox
from lia_core.domain.assignments import AssignmentState
from lia_core.domain.users import User
from lia_core.errors import InvalidTransition, NotFound, NotPermitted
from lia_core.ports import InboxQuery
from lia_entrypoints.console.forms.inbox import INBOX_LIMIT, SORTS, STATUSES, TABS, InboxForm
from lia_entrypoints.console.pages.tickets import PRIORITY_LABELS, SLA_LABELS
from lia_entrypoints.console.rendering import flash, page, redirect
from lia_entrypoints.console.security import CONSOLE_PATH
from lia_entrypoints.console.viewer import may_manage
from lia_entrypoints.delivery_text import mask_phone
from lia_entrypoints.http.context import ServicesDep, actor_of

__all__ = [
    "REFRESH_ON",
    "accept_offer",
    "inbox_form",
    "inbox_page",
    "inbox_panel",
    "reject_offer",
]

INBOX = f"{CONSOLE_PATH}/atendimento"
CONVERSATION = f"{CONSOLE_PATH}/conversas"
REFRESH_ON = (
    "conversation.offered conversation.assigned conversation.released "
    "conversation.transferred message.received ticket.updated sla.alert"
)
"""The realtime events after which the inbox's panel is fetched again."""
STATE_LABELS = {
    AssignmentState.QUEUED: ("Na fila", "info"),
    AssignmentState.OFFERED: ("Oferecida", "warn"),
    AssignmentState.ASSIGNED: ("Em atendimento", "ok"),
}
_Text = Annotated[str, QueryParameter(required=False)]


def _default_tab(viewer: User) -> str:
    # An agent starts from their own conversations; a supervisor from the whole desk.
    return "todas" if may_manage(viewer) else "minhas"


def inbox_form(
    aba: _Text = "",
    departamento: _Text = "",
    situacao: _Text = "",
    prioridade: _Text = "",
    sla: _Text = "",
    busca: _Text = "",
    ordem: _Text = "",
) -> InboxForm:
    """Dependency: the tab, filters and order as typed in the address (the page and its
    panel read the same ones)."""
    return InboxForm(
        aba=aba,
        departamento=departamento,
        situacao=situacao,
        prioridade=prioridade,
        sla=sla,
        busca=busca,
        ordem=ordem,
    )


_FILTERS = {"form": Provide(inbox_form, sync_to_thread=False)}
_Filters = Annotated[InboxForm, Dependency(kind="named"), SkipValidationMarker()]
"""Handler parameter `form`: `inbox_form` read from the address."""


async def _render(
    request: Request[Any, Any, Any], services: ServicesDep, form: InboxForm, template: str
) -> Template:
    viewer: User = request.user
    query, tab, errors = form.read(default_tab=_default_tab(viewer))
    inbox: Inbox | None = None
    if not errors:
        inbox = await services.queues.inbox(query, viewer=viewer)
    else:  # the counts and offers still show; the list waits for a readable filter
        inbox = await services.queues.inbox(InboxQuery(tab=query.tab, limit=1), viewer=viewer)
    return page(
        request,
        template,
        status_code=422 if errors else 200,
        active="atendimento",
        form=form,
        errors=errors,
        tab=tab,
        inbox=inbox,
        items=() if errors else inbox.items,
        limit=INBOX_LIMIT,
        tabs=TABS,
        sorts=SORTS,
        statuses=STATUSES,
        priority_labels=PRIORITY_LABELS,
        sla_labels=SLA_LABELS,
        state_labels=STATE_LABELS,
        mask_phone=mask_phone,
        refresh_on=REFRESH_ON,
        inbox_path=INBOX,
        conversation_path=CONVERSATION,
    )


@get("/atendimento", dependencies=_FILTERS)
async def inbox_page(
    request: Request[Any, Any, Any], services: ServicesDep, form: _Filters
) -> Template:
    """The inbox: the viewer's offers, the tabs with their counts, filters and the list."""
    return await _render(request, services, form, "inbox/page.html")


@get("/atendimento/_painel", dependencies=_FILTERS)
async def inbox_panel(
    request: Request[Any, Any, Any], services: ServicesDep, form: _Filters
) -> Template:
    """The panel alone (offers, tabs, list), fetched again by htmx on realtime events."""
    return await _render(request, services, form, "inbox/_panel.html")


async def _answer(
    request: Request[Any, Any, Any], services: ServicesDep, offer_id: str, *, accept: bool
) -> Response[Any]:
    cmd = AnswerOffer(
        offer_id=offer_id, agent=request.user.username, accept=accept, actor=actor_of(request)
    )
    verb = "aceitar" if accept else "recusar"
    try:
        offer = await services.claims.answer(cmd)
    except InvalidTransition:
        flash(request, f"Não foi possível {verb}: a oferta expirou ou já foi respondida.", "error")
    except NotPermitted:
        flash(request, f"Não foi possível {verb}: a oferta é de outra pessoa.", "error")
    except NotFound:
        flash(request, f"Não foi possível {verb}: a oferta não existe.", "error")
    else:
        if accept:
            flash(request, "Conversa aceita: ela é sua agora.")
            return redirect(request, f"{CONVERSATION}/{offer.conversation_id}")
        flash(request, "Oferta recusada: a conversa vai para a próxima pessoa.", "info")
    return redirect(request, INBOX)


@post("/atendimento/ofertas/{offer_id:str}/aceitar")
async def accept_offer(
    request: Request[Any, Any, Any], services: ServicesDep, offer_id: FromPath[str]
) -> Response[Any]:
    """Accept an offer (the conversation becomes the viewer's) and open the conversation."""
    return await _answer(request, services, offer_id, accept=True)


@post("/atendimento/ofertas/{offer_id:str}/recusar")
async def reject_offer(
    request: Request[Any, Any, Any], services: ServicesDep, offer_id: FromPath[str]
) -> Response[Any]:
    """Refuse an offer (the next candidate is offered it) and go back to the inbox."""
    return await _answer(request, services, offer_id, accept=False)
