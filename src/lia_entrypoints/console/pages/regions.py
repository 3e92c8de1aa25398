"""Regiões: the catalogue of named regions failures refer to; managers create, edit and delete."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Template

from lia_core.errors import AlreadyExists, RegionInUse, ValidationError
from lia_core.services import DefineRegion, UpdateRegion
from lia_entrypoints.console.forms.regions import RegionForm, message_for
from lia_entrypoints.console.rendering import flash, page, redirect
from lia_entrypoints.console.security import CONSOLE_PATH
from lia_entrypoints.console.viewer import managers
from lia_entrypoints.http.context import ServicesDep, actor_of

__all__ = [
    "region_create",
    "region_delete",
    "region_delete_confirm",
    "region_edit",
    "region_edit_form",
    "region_new_form",
    "regions_page",
]

_LIST = f"{CONSOLE_PATH}/regioes"
_FormBody = Annotated[RegionForm, Body(media_type=RequestEncodingType.URL_ENCODED)]


def _htmx(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("hx-request") == "true"


def _form(
    request: Request[Any, Any, Any],
    form: RegionForm,
    *,
    editing: bool,
    errors: dict[str, str] | None = None,
) -> Template:
    """The form as a dialog (htmx opened it), as the dialog's form again (htmx posted it with
    errors), or as a full page (no htmx)."""
    if not _htmx(request):
        template = "regions/form.html"
    elif request.method == "GET":
        template = "regions/_dialog.html"
    else:
        template = "regions/_form.html"
    return page(
        request,
        template,
        status_code=422 if errors else 200,
        active="regioes",
        form=form,
        editing=editing,
        errors=errors or {},
        in_dialog=_htmx(request),
    )


@get("/regioes")
async def regions_page(request: Request[Any, Any, Any], services: ServicesDep) -> Template:
    """The catalogue, by id; everyone signed in sees it, managers get the buttons."""
    regions = await services.list_regions()
    return page(request, "regions/list.html", active="regioes", regions=regions)


@get("/regioes/nova", guards=[managers])
async def region_new_form(request: Request[Any, Any, Any]) -> Template:
    """The empty region form."""
    return _form(request, RegionForm(), editing=False)


@post("/regioes/nova", guards=[managers])
async def region_create(
    request: Request[Any, Any, Any], services: ServicesDep, data: _FormBody
) -> Response[Any]:
    """Add the region; errors are shown beside their field (422)."""
    rules = data.rules(creating=True)
    if rules.errors:
        return _form(request, data, editing=False, errors=rules.errors)
    try:
        region = await services.define_region(
            DefineRegion(
                region_id=data.id,
                name=data.name,
                cities=rules.cities,
                ceps=rules.ceps,
                actor=actor_of(request),
            )
        )
    except ValidationError as error:
        return _form(request, data, editing=False, errors=dict([message_for(error)]))
    except AlreadyExists:
        taken = {"id": f"Já existe uma região com o id “{data.id.strip()}”. Escolha outro."}
        return _form(request, data, editing=False, errors=taken)
    flash(request, f"Região “{region.name}” cadastrada.")
    return redirect(request, _LIST)


@get("/regioes/{region_id:str}/editar", guards=[managers])
async def region_edit_form(
    request: Request[Any, Any, Any], services: ServicesDep, region_id: FromPath[str]
) -> Template:
    """The form filled with the region's current name and rules."""
    region = await services.get_region(region_id)
    return _form(request, RegionForm.of(region), editing=True)


@post("/regioes/{region_id:str}/editar", guards=[managers])
async def region_edit(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    region_id: FromPath[str],
    data: _FormBody,
) -> Response[Any]:
    """Replace the region's name and rules; open failures naming it follow at once."""
    current = await services.get_region(region_id)  # 404 before any form error
    form = RegionForm(id=current.id, name=data.name, cities=data.cities, ceps=data.ceps)
    rules = form.rules(creating=False)
    if rules.errors:
        return _form(request, form, editing=True, errors=rules.errors)
    try:
        region = await services.update_region(
            UpdateRegion(
                region_id=current.id,
                name=form.name,
                cities=rules.cities,
                ceps=rules.ceps,
                actor=actor_of(request),
            )
        )
    except ValidationError as error:
        return _form(request, form, editing=True, errors=dict([message_for(error)]))
    flash(request, f"Região “{region.name}” atualizada.")
    return redirect(request, _LIST)


@get("/regioes/{region_id:str}/excluir", guards=[managers])
async def region_delete_confirm(
    request: Request[Any, Any, Any], services: ServicesDep, region_id: FromPath[str]
) -> Template:
    """Ask before deleting: a dialog with htmx, a page without."""
    region = await services.get_region(region_id)
    template = "regions/_delete.html" if _htmx(request) else "regions/delete.html"
    return page(request, template, active="regioes", region=region, in_dialog=_htmx(request))


@post("/regioes/{region_id:str}/excluir", guards=[managers])
async def region_delete(
    request: Request[Any, Any, Any], services: ServicesDep, region_id: FromPath[str]
) -> Response[Any]:
    """Delete the region, or say which open failures still use it."""
    region = await services.get_region(region_id)
    try:
        await services.delete_region(region.id, actor=actor_of(request))
    except RegionInUse as refused:
        names = ", ".join(f"“{name}”" for _, name in refused.failures[:5])
        more = len(refused.failures) - 5
        if more > 0:
            names += f" e mais {more}"
        count = len(refused.failures)
        which = "uma falha em aberto" if count == 1 else f"{count} falhas em aberto"
        flash(
            request,
            f"A região “{region.name}” não foi excluída: ela é usada por {which} ({names}). "
            "Finalize ou cancele essas falhas antes de excluí-la.",
            "error",
        )
        return redirect(request, _LIST)
    flash(request, f"Região “{region.name}” excluída.")
    return redirect(request, _LIST)
