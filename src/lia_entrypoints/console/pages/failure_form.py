"""+ Cadastrar Nova Falha: the failure form (a dialog with htmx, a page without), its live
preview, and the same form to edit a scheduled failure."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Template
from pydantic import ValidationError as BodyError

from lia_core.domain.failures import EDITABLE, MassiveFailure, Severity
from lia_core.errors import InvalidTransition, ValidationError
from lia_core.services import Services
from lia_entrypoints.console.forms.failure_form import (
    NOW,
    SCHEDULE,
    SEVERITY_LABELS,
    FailureForm,
    FormErrors,
    body_errors,
    catalogue_groups,
    focus_id,
    preview,
    refusals,
)
from lia_entrypoints.console.pages.failures import TABS
from lia_entrypoints.console.rendering import flash, page, redirect
from lia_entrypoints.console.security import CONSOLE_PATH
from lia_entrypoints.console.viewer import managers
from lia_entrypoints.http.context import ServicesDep, TzDep, actor_of
from lia_entrypoints.http.dto.failures import FailureIn

__all__ = [
    "failure_create",
    "failure_edit",
    "failure_edit_form",
    "failure_form",
    "failure_preview",
]

FormBody = Annotated[FailureForm, Body(media_type=RequestEncodingType.URL_ENCODED)]
"""The failure form as the browser posts it."""

_LIST = f"{CONSOLE_PATH}/falhas"
_NEW_TITLE = "Cadastrar Nova Falha Massiva"
_EDIT_TITLE = "Editar Falha Agendada"


def _htmx(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("hx-request") == "true"


async def _show(
    request: Request[Any, Any, Any],
    services: Services,
    tz: ZoneInfo,
    form: FailureForm,
    *,
    action: str,
    title: str,
    errors: FormErrors | None = None,
) -> Template:
    """The form: only the <form> when htmx re-renders it inside the open dialog, the dialog when
    htmx opens it, the whole page otherwise; 422 when it carries refusals."""
    errors = errors or {}
    catalogue = await services.list_regions()
    if not _htmx(request):
        template = "failures/form_page.html"
    elif request.method == "POST":  # inside the open dialog: only the form is replaced
        template = "failures/_form.html"
    else:
        template = "failures/_dialog.html"
    return page(
        request,
        template,
        status_code=422 if errors else 200,
        active="falhas",
        form=form,
        errors=errors,
        action=action,
        title=title,
        groups=catalogue_groups(catalogue),
        severities=[(s.value, SEVERITY_LABELS[s]) for s in Severity],
        now_choice=NOW,
        schedule_choice=SCHEDULE,
        preview=preview(form, tz, {r.id: r.name for r in catalogue}),
        focus=focus_id(errors, form),
    )


def _tab_of(failure: MassiveFailure) -> str:
    return next(slug for slug, tab, _ in TABS if failure.status in tab.statuses)


def _not_editable(request: Request[Any, Any, Any], failure: MassiveFailure) -> Response[Any]:
    flash(
        request,
        f"A falha “{failure.name}” não está mais agendada e não pode ser editada "
        "(uma falha ativa é pausada ou finalizada).",
        "error",
    )
    return redirect(request, f"{_LIST}?aba={_tab_of(failure)}")


@get("/falhas/nova", guards=[managers])
async def failure_form(
    request: Request[Any, Any, Any], services: ServicesDep, tz: TzDep
) -> Template:
    """The empty form to register a failure."""
    return await _show(request, services, tz, FailureForm(), action=_LIST, title=_NEW_TITLE)


async def _save(
    request: Request[Any, Any, Any],
    services: Services,
    tz: ZoneInfo,
    data: FailureForm,
    *,
    action: str,
    title: str,
    store: Callable[[FailureIn], Awaitable[MassiveFailure]],
    done: str,
) -> Response[Any]:
    """Read the form as the API reads its body and *store* it; refusals re-show the form (422),
    success flashes *done* (with the name) and opens the failure's tab."""

    async def again(errors: FormErrors | None = None) -> Template:
        return await _show(request, services, tz, data, action=action, title=title, errors=errors)

    if data.more_cities:
        return await again()
    if missing := data.missing_start():
        return await again(missing)
    try:
        body = data.to_body()
    except BodyError as exc:
        return await again(body_errors(exc, data))
    try:
        failure = await store(body)
    except ValidationError as exc:
        return await again(refusals(exc, data))
    flash(request, done.format(name=failure.name))
    return redirect(request, f"{_LIST}?aba={_tab_of(failure)}")


@post("/falhas", guards=[managers])
async def failure_create(
    request: Request[Any, Any, Any], services: ServicesDep, tz: TzDep, data: FormBody
) -> Response[Any]:
    """Register the failure as `POST /api/v1/failures` does; refusals re-show the form (422)."""

    async def declare(body: FailureIn) -> MassiveFailure:
        return await services.declare_failure(body.to_command(actor=actor_of(request), tz=tz))

    return await _save(
        request,
        services,
        tz,
        data,
        action=_LIST,
        title=_NEW_TITLE,
        store=declare,
        done="Falha “{name}” cadastrada.",
    )


@get("/falhas/{failure_id:str}/editar", guards=[managers])
async def failure_edit_form(
    request: Request[Any, Any, Any], services: ServicesDep, tz: TzDep, failure_id: FromPath[str]
) -> Response[Any]:
    """The form filled with a scheduled failure; any other one goes back to its tab."""
    failure = await services.get_failure(failure_id)
    if failure.status not in EDITABLE:
        return _not_editable(request, failure)
    return await _show(
        request,
        services,
        tz,
        FailureForm.of(failure, tz),
        action=f"{_LIST}/{failure.id}/editar",
        title=_EDIT_TITLE,
    )


@post("/falhas/{failure_id:str}/editar", guards=[managers])
async def failure_edit(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    tz: TzDep,
    failure_id: FromPath[str],
    data: FormBody,
) -> Response[Any]:
    """Replace a scheduled failure's form as `PUT /api/v1/failures/{id}` does."""

    async def edit(body: FailureIn) -> MassiveFailure:
        command = body.to_edit(failure_id, actor=actor_of(request), tz=tz)
        return await services.edit_failure(command)

    try:
        return await _save(
            request,
            services,
            tz,
            data,
            action=f"{_LIST}/{failure_id}/editar",
            title=_EDIT_TITLE,
            store=edit,
            done="Falha “{name}” atualizada.",
        )
    except InvalidTransition:  # activated (by hand or by the scheduler) while it was open
        return _not_editable(request, await services.get_failure(failure_id))


@post("/falhas/previa", guards=[managers], status_code=200)
async def failure_preview(
    request: Request[Any, Any, Any], services: ServicesDep, tz: TzDep, data: FormBody
) -> Template:
    """The notification message as a customer would read it, or why it would be refused."""
    names = {r.id: r.name for r in await services.list_regions()} if data.chosen_regions else {}
    return page(request, "failures/_preview.html", preview=preview(data, tz, names))
