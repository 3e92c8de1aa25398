"""Política de atendimento: the desk policy in force, its revisions, (ADMIN) loading one, and
explaining the rules on a ticket."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter
from litestar.response import Template

from lia_core.desk.policy_file import DeskPolicyFileError
from lia_core.errors import NotFound, ValidationError
from lia_core.services import LoadDeskPolicy
from lia_entrypoints.console.forms.desk_policy import PolicyUploadForm
from lia_entrypoints.console.rendering import flash, page, redirect
from lia_entrypoints.console.security import CONSOLE_PATH
from lia_entrypoints.console.viewer import admins, managers
from lia_entrypoints.http.context import TZ_KEY, ServicesDep, actor_of
from lia_entrypoints.schemas.desk_policy import TicketExplanationOut

__all__ = ["policy_page", "policy_upload"]

_PAGE = f"{CONSOLE_PATH}/policy"
_HISTORY = 20
Fault = tuple[int | None, str]
"""A fault to show: its line (None: the whole document) and what is wrong."""
_UploadBody = Annotated[PolicyUploadForm, Body(media_type=RequestEncodingType.MULTI_PART)]


async def _render(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    *,
    revision: int | None = None,
    form: PolicyUploadForm | None = None,
    faults: list[Fault] | None = None,
    ticket: str | None = None,
    status_code: int = 200,
) -> Template:
    try:
        shown = await services.show_desk_policy(revision)
    except NotFound:
        shown, revision = await services.show_desk_policy(), None
        flash(request, "Essa revisão não existe; mostrando a política em vigor.", "error")
    latest = await services.desk_policy_history(1)
    explained, explain_error = None, None
    if ticket is not None and ticket.strip():
        try:
            explained = TicketExplanationOut.of(
                await services.explain_ticket(ticket.strip()), request.app.state[TZ_KEY]
            )
        except NotFound:
            explain_error = f"Não há chamado com o id “{ticket.strip()}”."
            status_code = 404
    return page(
        request,
        "policy/page.html",
        status_code=status_code,
        active="policy",
        shown=shown,
        latest=latest[0].revision if latest else None,
        history=await services.desk_policy_history(_HISTORY),
        form=form or PolicyUploadForm(),
        faults=faults or [],
        ticket=(ticket or "").strip(),
        explained=explained,
        explain_error=explain_error,
    )


@get("/policy", guards=[managers])
async def policy_page(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    revision: Annotated[int | None, QueryParameter(name="revisao", ge=1)] = None,
    ticket: Annotated[str | None, QueryParameter(name="chamado", max_length=64)] = None,
) -> Template:
    """The policy in force (or `?revisao=N`), its history, the upload form (admins), and
    `?chamado=ID`: which rules match that ticket and why."""
    return await _render(request, services, revision=revision, ticket=ticket)


@post("/policy", guards=[admins])
async def policy_upload(
    request: Request[Any, Any, Any], services: ServicesDep, data: _UploadBody
) -> Response[Any]:
    """Check the document; store it unless "Só verificar"; faults are listed by line (422)."""
    faults: list[Fault] = []
    try:
        source, filename = await data.document()
    except UnicodeDecodeError:
        source, filename = "", None
        faults = [(None, "O arquivo não é texto UTF-8.")]
    if not faults and not source.strip() and filename is None:
        faults = [(None, "Escolha um arquivo .toml ou cole a política no campo de texto.")]
    if faults:
        return await _render(request, services, form=data, faults=faults, status_code=422)
    command = LoadDeskPolicy(
        source=source, actor=actor_of(request), filename=filename, dry_run=data.dry_run == "on"
    )
    try:
        loaded = await services.load_desk_policy(command)
    except DeskPolicyFileError as refused:
        faults = [(fault.line, fault.problem) for fault in refused.errors]
    except ValidationError as refused:
        faults = [(None, refused.message)]
    if faults:
        return await _render(request, services, form=data, faults=faults, status_code=422)
    if loaded.revision is None:
        flash(request, "Política válida; nada foi gravado (só verificação).", "info")
    else:
        flash(
            request,
            f"Revisão {loaded.revision.revision} carregada: vale em todos os servidores "
            "em poucos segundos.",
        )
    return redirect(request, _PAGE)
