"""🚨 Falha Massiva: the tabs of active, scheduled and past failures, a failure's detail with
its live counts, the lifecycle actions and the Finalizar dialog."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Template

from lia_core.domain.activity import Actor
from lia_core.domain.failures import DEFAULT_RESOLUTION_MESSAGE, FailureAction, MassiveFailure
from lia_core.errors import ConcurrencyConflict, InvalidTransition, ValidationError
from lia_core.services import (
    ChangeFailureStatus,
    FailureTab,
    ListFailures,
    ResolveAndBroadcast,
    Services,
)
from lia_entrypoints.console.forms.failure_form import template_refusal
from lia_entrypoints.console.forms.failures import SEND_RESOLUTION, ActionForm, FinalizeForm
from lia_entrypoints.console.rendering import flash, page, redirect
from lia_entrypoints.console.security import CONSOLE_PATH
from lia_entrypoints.console.viewer import managers
from lia_entrypoints.http.context import ServicesDep, actor_of

__all__ = [
    "PAGE_SIZE",
    "STATUS_LABELS",
    "TABS",
    "activate_failure",
    "cancel_confirm",
    "cancel_failure",
    "failure_counts",
    "failure_detail",
    "failures_page",
    "finalize_dialog",
    "finalize_submit",
    "pause_failure",
    "resume_failure",
]

TABS = (
    ("ativas", FailureTab.ACTIVE, "Falhas Ativas"),
    ("agendadas", FailureTab.SCHEDULED, "Falhas Agendadas"),
    ("historico", FailureTab.RESOLVED, "Histórico de Falhas"),
)
"""The page's tabs: slug in the URL, the use case's tab, the label."""
_BY_SLUG = {slug: tab for slug, tab, _ in TABS}

PAGE_SIZE = 50
"""Failures per page of a tab (the history grows without bound)."""

STATUS_LABELS = {
    "active": "ativa",
    "paused": "pausada",
    "scheduled": "agendada",
    "resolved": "resolvida",
    "cancelled": "cancelada",
}
"""A failure's status as a flash message says it."""

_MAX_PAGE_DIGITS = 6
_PANEL = "failure-panel"
_LIST = f"{CONSOLE_PATH}/falhas"
_FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
_DONE = {
    FailureAction.PAUSE: ("pausar", "Falha pausada."),
    FailureAction.RESUME: ("retomar", "Falha retomada."),
    FailureAction.ACTIVATE: ("ativar", "Falha ativada."),
    FailureAction.CANCEL: ("cancelar", "Falha cancelada."),
}
_CONFLICT = "Não foi possível {} a falha: outra pessoa a alterou agora. Confira e tente de novo."


def _is_htmx(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("hx-request") == "true"


def _back(target: str) -> str:
    # Only a page of this area: the field comes from the browser and must not redirect away.
    if (target == _LIST or target.startswith((_LIST + "?", _LIST + "/"))) and "//" not in target:
        return target
    return _LIST


def _refused(verb: str, exc: InvalidTransition) -> str:
    return f"Não foi possível {verb} a falha: ela está {STATUS_LABELS.get(exc.status, exc.status)}."


def _actor(request: Request[Any, Any, Any]) -> Actor:
    return actor_of(request)


@get("/falhas")
async def failures_page(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    aba: Annotated[str, QueryParameter(description="ativas, agendadas or historico")] = "ativas",
    pagina: Annotated[str, QueryParameter(description="page number, from 1")] = "1",
) -> Template:
    """One tab of the Falha Massiva page, one page of it; with htmx, only the tab's panel."""
    template = (
        "failures/_panel.html"
        if request.headers.get("hx-target") == _PANEL
        else "failures/list.html"
    )
    return await _tab(request, services, template, aba, pagina)


async def _tab(
    request: Request[Any, Any, Any], services: Services, template: str, aba: str, pagina: str
) -> Template:
    slug = aba if aba in _BY_SLUG else "ativas"
    # Anything but a sane page number (text, zero, twenty digits) shows the first page.
    number = int(pagina) if pagina.isdecimal() and 0 < len(pagina) <= _MAX_PAGE_DIGITS else 1
    number = max(number, 1)
    tab = _BY_SLUG[slug]
    listing = await services.list_failures(
        ListFailures(
            tab=tab,
            limit=PAGE_SIZE,
            offset=(number - 1) * PAGE_SIZE,
            with_notice_counts=tab is FailureTab.RESOLVED,
        )
    )
    back = f"{_LIST}?aba={slug}" + (f"&pagina={number}" if number > 1 else "")
    return page(
        request,
        template,
        active="falhas",
        tabs=TABS,
        current=slug,
        listing=listing,
        pagina=number,
        pages=max(1, -(-listing.counts.get(tab, 0) // PAGE_SIZE)),
        back=back,
        in_list=True,
    )


@get("/falhas/{failure_id:str}")
async def failure_detail(
    request: Request[Any, Any, Any], services: ServicesDep, failure_id: FromPath[str]
) -> Template:
    """One failure: its messages, regions, who did what, and its counts (live while sending)."""
    progress = await services.failure_progress(failure_id)
    status = progress.failure.status
    slug = next(slug for slug, tab, _ in TABS if status in tab.statuses)
    return page(
        request,
        "failures/detail.html",
        active="falhas",
        failure=progress.failure,
        progress=progress,
        tab_url=f"{_LIST}?aba={slug}",
        back=f"{_LIST}/{failure_id}",
    )


@get("/falhas/{failure_id:str}/contagens")
async def failure_counts(
    request: Request[Any, Any, Any], services: ServicesDep, failure_id: FromPath[str]
) -> Template:
    """The detail's counts, polled by htmx while messages are still queued (then it stops)."""
    progress = await services.failure_progress(failure_id)
    return page(request, "failures/_counts.html", failure=progress.failure, progress=progress)


async def _change(
    request: Request[Any, Any, Any],
    services: Services,
    failure_id: FromPath[str],
    action: FailureAction,
    data: ActionForm,
) -> Response[Any]:
    verb, done = _DONE[action]
    try:
        await services.change_failure_status(
            ChangeFailureStatus(failure_id=failure_id, action=action, actor=_actor(request))
        )
    except InvalidTransition as exc:
        flash(request, _refused(verb, exc), "error")
    except ConcurrencyConflict:
        flash(request, _CONFLICT.format(verb), "error")
    else:
        flash(request, done)
    back = _back(data.voltar)
    if _is_htmx(request) and request.headers.get("hx-target") == _PANEL:
        # A button of the list: the tab's panel again (row, badges and tab counts) with the
        # message swapped into the page's flash area, in place of a whole new page.
        query = parse_qs(urlsplit(back).query)
        aba, pagina = (query.get(key, [""])[0] for key in ("aba", "pagina"))
        return await _tab(request, services, "failures/_panel_after.html", aba, pagina or "1")
    return redirect(request, back)


@post("/falhas/{failure_id:str}/pausar", guards=[managers])
async def pause_failure(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    failure_id: FromPath[str],
    data: Annotated[ActionForm, _FORM],
) -> Response[Any] | Template:
    """Active → paused; back to where the button was."""
    return await _change(request, services, failure_id, FailureAction.PAUSE, data)


@post("/falhas/{failure_id:str}/retomar", guards=[managers])
async def resume_failure(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    failure_id: FromPath[str],
    data: Annotated[ActionForm, _FORM],
) -> Response[Any] | Template:
    """Paused → active."""
    return await _change(request, services, failure_id, FailureAction.RESUME, data)


@post("/falhas/{failure_id:str}/ativar", guards=[managers])
async def activate_failure(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    failure_id: FromPath[str],
    data: Annotated[ActionForm, _FORM],
) -> Response[Any] | Template:
    """Scheduled → active, now."""
    return await _change(request, services, failure_id, FailureAction.ACTIVATE, data)


@get("/falhas/{failure_id:str}/cancelar", guards=[managers])
async def cancel_confirm(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    failure_id: FromPath[str],
    voltar: Annotated[str, QueryParameter(description="where to go afterwards")] = _LIST,
) -> Template:
    """Ask before cancelling a scheduled failure (it cannot be undone): a dialog with htmx."""
    failure = await services.get_failure(failure_id)
    htmx = _is_htmx(request)
    return page(
        request,
        "failures/_cancel.html" if htmx else "failures/cancel.html",
        active="falhas",
        failure=failure,
        back=_back(voltar),
        in_dialog=htmx,
    )


@post("/falhas/{failure_id:str}/cancelar", guards=[managers])
async def cancel_failure(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    failure_id: FromPath[str],
    data: Annotated[ActionForm, _FORM],
) -> Response[Any] | Template:
    """Scheduled → cancelled."""
    return await _change(request, services, failure_id, FailureAction.CANCEL, data)


def _finalize(
    request: Request[Any, Any, Any],
    failure: MassiveFailure,
    form: FinalizeForm,
    *,
    error: ValidationError | None = None,
) -> Template:
    template = "failures/_finalize.html" if _is_htmx(request) else "failures/finalize.html"
    return page(
        request,
        template,
        status_code=422 if error is not None else 200,
        active="falhas",
        failure=failure,
        form=form,
        send_resolution=SEND_RESOLUTION,
        # The core decides; the page says which part of its rule failed, in pt-BR.
        error=template_refusal(form.mensagem) if error is not None else None,
    )


@get("/falhas/{failure_id:str}/finalizar", guards=[managers])
async def finalize_dialog(
    request: Request[Any, Any, Any], services: ServicesDep, failure_id: FromPath[str]
) -> Template:
    """The Finalizar dialog (a `<dialog>` for `#modal`, or a page without htmx)."""
    failure = await services.get_failure(failure_id)
    form = FinalizeForm(mensagem=failure.resolution_message or DEFAULT_RESOLUTION_MESSAGE)
    return _finalize(request, failure, form)


@post("/falhas/{failure_id:str}/finalizar", guards=[managers])
async def finalize_submit(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    failure_id: FromPath[str],
    data: Annotated[FinalizeForm, _FORM],
) -> Response[Any]:
    """Resolve the failure and, if chosen, queue the resolution message for everyone told."""
    send = data.envio == SEND_RESOLUTION
    try:
        report = await services.resolve_and_broadcast(
            ResolveAndBroadcast(
                failure_id=failure_id,
                actor=_actor(request),
                broadcast=send,
                resolution_message=data.mensagem if send else None,
            )
        )
    except ValidationError as exc:
        return _finalize(request, await services.get_failure(failure_id), data, error=exc)
    except InvalidTransition as exc:
        flash(request, _refused("finalizar", exc), "error")
        return redirect(request, f"{_LIST}/{failure_id}")
    except ConcurrencyConflict:
        flash(request, _CONFLICT.format("finalizar"), "error")
        return redirect(request, f"{_LIST}/{failure_id}")
    if send:
        queued = report.queued
        plural = "mensagem" if queued == 1 else "mensagens"
        flash(request, f"Falha finalizada; {queued} {plural} de resolução na fila.")
    else:
        flash(request, "Falha finalizada; nenhuma mensagem de resolução enviada.")
    return redirect(request, f"{_LIST}?aba=historico")
