"""Conversa: one conversation at the desk — its messages with their delivery status, who holds
it, the reply box with canned responses, private notes, its ticket's timeline and its
assignment log — read through the same use cases as `GET /api/v1/conversations/{id}`,
`/api/v1/templates`, `lia ticket show` and `lia audit`. live.js re-reads the page's parts
when a realtime event about the conversation arrives (`data-refresh-on`); the actions are in
`conversation_actions`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Template

from lia_core.assignment import AgentView
from lia_core.desk.service import TicketView
from lia_core.domain.activity import Activity
from lia_core.domain.assignments import AssignmentState
from lia_core.domain.canned import CannedResponse
from lia_core.domain.conversations import ConversationStatus, Direction, StoredMessage
from lia_core.domain.inbound import MessageStatus
from lia_core.domain.template_parts import ButtonKind, HeaderKind
from lia_core.domain.tickets import EventKind
from lia_core.domain.users import Role, User
from lia_core.errors import NotFound, NotPermitted, ValidationError
from lia_core.services import ListActivity, Services
from lia_core.services.conversations import ConversationDetails
from lia_entrypoints.console.forms.conversation import ConversationForm
from lia_entrypoints.console.pages.tickets import (
    EVENT_LABELS,
    STATUS_LABELS,
    describe_data,
)
from lia_entrypoints.console.rendering import page
from lia_entrypoints.console.security import CONSOLE_PATH
from lia_entrypoints.http.context import ServicesDep

__all__ = [
    "AUTHOR_LABELS",
    "BUTTON_LABELS",
    "DELIVERY_LABELS",
    "FRAGMENTS",
    "HEADER_LABELS",
    "LOG_LABELS",
    "ConversationScreen",
    "conversation_fragment",
    "conversation_page",
    "conversation_preview",
    "render_conversation",
    "screen_of",
]

PATH = f"{CONSOLE_PATH}/conversas"
"""Where a conversation's page lives: ``{PATH}/{id}``."""

DELIVERY_LABELS: Mapping[MessageStatus, tuple[str, str]] = {
    MessageStatus.PENDING: ("Na fila de envio", "warn"),
    MessageStatus.SENT: ("Enviada", "info"),
    MessageStatus.DELIVERED: ("Entregue", "ok"),
    MessageStatus.READ: ("Lida", "ok"),
    MessageStatus.FAILED: ("Falhou", "bad"),
    MessageStatus.RECEIVED: ("Recebida", "done"),
}
"""A message's delivery status on screen: label and badge tone."""
HEADER_LABELS: Mapping[HeaderKind, str] = {
    HeaderKind.TEXT: "texto",
    HeaderKind.IMAGE: "imagem",
    HeaderKind.VIDEO: "vídeo",
    HeaderKind.DOCUMENT: "documento",
}
"""A WhatsApp template header's kind in the preview."""
BUTTON_LABELS: Mapping[ButtonKind, str] = {
    ButtonKind.URL: "link",
    ButtonKind.QUICK_REPLY: "resposta rápida",
}
"""A WhatsApp template button's kind in the preview."""
AUTHOR_LABELS: Mapping[str, str] = {
    "customer": "Cliente",
    "agent": "Atendente",
    "bot": "Robô (automático)",
}
"""Who wrote a message: the customer, a person of the desk, or LIA itself."""
LOG_LABELS: Mapping[str, str] = {
    "conversation.claim": "Assumida",
    "conversation.release": "Liberada para a fila",
    "conversation.transfer": "Transferida",
    "conversation.assign": "Atribuída por supervisor",
    "conversation.return": "Devolvida à fila",
    "conversation.reopen": "Reaberta",
    "offer.accept": "Oferta aceita",
    "offer.reject": "Oferta recusada",
}
"""The assignment log's entries (the conversation's audit entries about who holds it)."""
STATE_LABELS: Mapping[AssignmentState, tuple[str, str]] = {
    AssignmentState.QUEUED: ("Sem responsável", "warn"),
    AssignmentState.OFFERED: ("Oferecida a um atendente", "info"),
    AssignmentState.ASSIGNED: ("Em atendimento", "ok"),
    AssignmentState.CLOSED: ("Encerrada", "done"),
}
CONVERSATION_LABELS: Mapping[ConversationStatus, str] = {
    ConversationStatus.ACTIVE: "com o robô",
    ConversationStatus.WAITING: "com a equipe",
    ConversationStatus.TRANSFERRED: "com a equipe (transferida)",
    ConversationStatus.RESOLVED: "encerrada",
    ConversationStatus.ARCHIVED: "arquivada",
}
FRAGMENTS = ("mensagens", "notas", "atendimento", "historico")
"""The page's parts a realtime event re-reads (`GET {PATH}/{id}/{part}`)."""
LOG_LIMIT = 50
"""Audit entries of the conversation the assignment log reads (the latest; shown oldest first)."""
_MANAGERS = frozenset({Role.ADMIN, Role.SUPERVISOR})
_FORM = Body(media_type=RequestEncodingType.URL_ENCODED)


@dataclass(frozen=True, slots=True)
class ShownMessage:
    """A message as the page shows it: who wrote it, and the agent when one did."""

    message: StoredMessage
    author: str
    """``customer``, ``agent`` or ``bot`` (keys of `AUTHOR_LABELS`)."""
    by: str | None = None


@dataclass(frozen=True, slots=True)
class ConversationScreen:
    """Everything the Conversa page shows, read for one viewer."""

    details: ConversationDetails
    messages: tuple[ShownMessage, ...]
    view: TicketView | None
    """The live ticket (or the one just resolved) with its clocks; None when none or hidden."""
    ticket_hidden: bool
    """The ticket is in a department the viewing agent does not work in."""
    holder: str | None
    """Who holds the conversation, by name (full name when the account has one)."""
    log: tuple[Activity, ...]
    templates: tuple[CannedResponse, ...]
    agents: tuple[AgentView, ...]
    mine: bool
    """The viewer holds the conversation."""
    manager: bool

    @property
    def state(self) -> AssignmentState | None:
        """Where the conversation stands at the desk (None: never handed to humans)."""
        assignment = self.details.assignment
        return assignment.state if assignment is not None else None

    @property
    def may_claim(self) -> bool:
        """Nobody holds it and it is at the desk: the claim button is shown."""
        return self.state in (AssignmentState.QUEUED, AssignmentState.OFFERED)

    @property
    def may_move(self) -> bool:
        """Transfer and release: its holder, or a supervisor or admin (the use case's rule)."""
        if self.state is AssignmentState.CLOSED or self.state is None:
            return False
        return self.mine or self.manager

    @property
    def departments(self) -> list[str]:
        """Departments to suggest for a transfer: the agents' and the conversation's own."""
        known = {d for a in self.agents for d in a.user.departments}
        if self.details.assignment is not None:
            known.add(self.details.assignment.department)
        return sorted(known)


def _authored(
    details: ConversationDetails, view: TicketView | None, names: Mapping[str, str]
) -> tuple[ShownMessage, ...]:
    """Each message with its author: replies of the desk carry the agent (by name) from the
    ticket's timeline."""
    by_message: dict[str, str | None] = {}
    if view is not None:
        for event in view.ticket.timeline.events:
            if event.kind is EventKind.HUMAN_PUBLIC_REPLY and "message_id" in event.data:
                by = event.by
                by_message[event.data["message_id"]] = names.get(by, by) if by else None
    shown = []
    for message in details.messages:
        if message.direction is Direction.INBOUND:
            shown.append(ShownMessage(message, "customer"))
        elif (message.job_key or "").startswith(("agent-reply:", "agent-welcome:")):
            shown.append(ShownMessage(message, "agent", by_message.get(message.id)))
        else:  # the gate's notices, the bot's answers, its timers
            shown.append(ShownMessage(message, "bot"))
    return tuple(shown)


async def _ticket(
    services: Services, details: ConversationDetails, viewer: User, hint: str | None
) -> tuple[TicketView | None, bool]:
    """The live ticket, else the ticket named by *hint* if it is this conversation's."""
    ticket_id = details.ticket.id if details.ticket is not None else hint
    if not ticket_id:
        return None, False
    try:
        view = await services.desk.show(ticket_id, viewer=viewer)
    except NotPermitted:
        return None, True
    except NotFound:
        return None, False
    if view.ticket.conversation_id != details.conversation.id:
        return None, False
    return view, False


async def _name_of(services: Services, username: str) -> str:
    try:
        user = await services.get_user(username)
    except NotFound:
        return username
    return user.full_name or user.username


async def screen_of(
    services: Services, conversation_id: str, viewer: User, *, ticket_hint: str | None = None
) -> ConversationScreen:
    """Read the page for *viewer* (NotFound: no such conversation)."""
    details = await services.get_conversation(conversation_id)
    view, hidden = await _ticket(services, details, viewer, ticket_hint)
    holder = details.assignment.assignee if details.assignment is not None else None
    entries = await services.list_activity(
        ListActivity(entity="conversation", entity_id=conversation_id, limit=LOG_LIMIT)
    )
    agents = tuple(a for a in await services.agents.list() if a.user.is_active)
    names = {a.user.username: a.user.full_name or a.user.username for a in agents}
    return ConversationScreen(
        details=details,
        messages=_authored(details, view, names),
        view=view,
        ticket_hidden=hidden,
        holder=await _name_of(services, holder) if holder else None,
        log=tuple(e for e in reversed(entries) if e.action in LOG_LABELS),
        templates=tuple(await services.canned.list()),
        agents=agents,
        mine=holder is not None and holder == viewer.username,
        manager=viewer.role in _MANAGERS,
    )


def _context(screen: ConversationScreen) -> dict[str, Any]:
    return {
        "screen": screen,
        "conversation": screen.details.conversation,
        "assignment": screen.details.assignment,
        "view": screen.view,
        "ticket": screen.view.ticket if screen.view is not None else None,
        "delivery_labels": DELIVERY_LABELS,
        "author_labels": AUTHOR_LABELS,
        "log_labels": LOG_LABELS,
        "state_labels": STATE_LABELS,
        "conversation_labels": CONVERSATION_LABELS,
        "status_labels": STATUS_LABELS,
        "event_labels": EVENT_LABELS,
        "describe_data": describe_data,
        "path": f"{PATH}/{screen.details.conversation.id}",
    }


def render_conversation(
    request: Request[Any, Any, Any],
    screen: ConversationScreen,
    *,
    status_code: int = 200,
    alert: str | None = None,
    open_action: str | None = None,
    form: ConversationForm | None = None,
    errors: Mapping[str, str] | None = None,
) -> Template:
    """The whole page; *alert* is a refusal shown at the top, *errors* beside *open_action*'s
    fields (the form keeps what was typed)."""
    return page(
        request,
        "conversations/detail.html",
        status_code=status_code,
        active="atendimento",
        alert=alert,
        open_action=open_action,
        form=form or ConversationForm(),
        blank_form=ConversationForm(),
        errors=errors or {},
        reply_key=uuid.uuid4().hex,
        **_context(screen),
    )


_Ticket = Annotated[str, QueryParameter(required=False, max_length=64)]


@get("/conversas/{conversation_id:str}")
async def conversation_page(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    conversation_id: FromPath[str],
    ticket: _Ticket = "",
) -> Template:
    """One conversation: messages, holder and actions, reply box, notes, timeline, log."""
    screen = await screen_of(services, conversation_id, request.user, ticket_hint=ticket or None)
    return render_conversation(request, screen)


@get("/conversas/{conversation_id:str}/{parte:str}")
async def conversation_fragment(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    conversation_id: FromPath[str],
    parte: FromPath[str],
    ticket: _Ticket = "",
) -> Template:
    """One part of the page (mensagens, notas, atendimento, historico), re-read on an event."""
    if parte not in FRAGMENTS:
        raise NotFoundException(f"no part {parte!r} of a conversation's page")
    screen = await screen_of(services, conversation_id, request.user, ticket_hint=ticket or None)
    return page(
        request,
        f"conversations/_{parte}.html",
        open_action=None,
        form=ConversationForm(),
        blank_form=ConversationForm(),
        errors={},
        **_context(screen),
    )


@post("/conversas/{conversation_id:str}/previa", status_code=200)
async def conversation_preview(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    conversation_id: FromPath[str],
    data: Annotated[ConversationForm, _FORM],
) -> Template:
    """The chosen canned response as it would be sent here, and what would be empty (the
    same use case as `POST /api/v1/templates/{key}/preview`; nothing is sent)."""
    key = data.modelo.strip()
    context: dict[str, Any] = {"preview": None, "refusal": None}
    if key:
        try:
            context["preview"] = await services.canned.preview(
                key, conversation_id, agent=request.user
            )
        except NotFound as exc:
            if exc.entity == "conversation":
                raise
            context["refusal"] = "Resposta pronta não encontrada: escolha uma da lista."
        except ValidationError:  # a key no response could have
            context["refusal"] = "Resposta pronta não encontrada: escolha uma da lista."
        except NotPermitted:
            context["refusal"] = (
                "Você não pode responder nesta conversa: ela é de um departamento que não é "
                "o seu e não está com você."
            )
    return page(
        request,
        "conversations/_previa.html",
        header_labels=HEADER_LABELS,
        button_labels=BUTTON_LABELS,
        **context,
    )
