"""Verificar endereço: which active failures cover a city / bairro / CEP (the API's check)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.params import QueryParameter
from litestar.response import Template

from lia_core.domain.failures import MassiveFailure
from lia_core.domain.regions import Location
from lia_core.errors import ValidationError
from lia_core.services import CheckLocation
from lia_entrypoints.console.rendering import page
from lia_entrypoints.http.context import ServicesDep

__all__ = ["check_page"]

_Query = Annotated[str | None, QueryParameter(max_length=120)]


def _where(failure: MassiveFailure, names: dict[str, str]) -> str:
    """The failure's regions as a person reads them: its own rules, then catalogue names."""
    regions = failure.regions
    parts = [] if regions.area.is_empty else [regions.area.describe()]
    parts += [f"Região {names.get(rid, rid)}" for rid in regions.region_ids]
    return "; ".join(parts)


def _refusal(error: ValidationError, *, city: str, bairro: str) -> tuple[str, str]:
    """The field of a refused location and what to tell the person (pt-BR)."""
    if error.field == "cep":
        return "cep", "O CEP deve ter 8 dígitos, com ou sem hífen (ex.: 25953-120)."
    if bairro and not city:
        return "cidade", "Informe a cidade do bairro."
    return "cidade", "Informe ao menos a cidade ou o CEP."


@get("/verificar")
async def check_page(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    cidade: _Query = None,
    bairro: _Query = None,
    cep: _Query = None,
) -> Template:
    """The address form and, once asked, the active failures covering the address, most severe
    first; with htmx only the form and the results are replaced."""
    asked = any(value is not None for value in (cidade, bairro, cep))
    typed = {"cidade": cidade or "", "bairro": bairro or "", "cep": cep or ""}
    errors: dict[str, str] = {}
    failures: tuple[MassiveFailure, ...] = ()
    where: dict[str, str] = {}
    if asked:
        try:
            # The same parsing and use case as `POST /api/v1/failures/check`.
            location = Location.of(city=cidade, neighbourhood=bairro, cep=cep)
            failures = await services.check_location(CheckLocation(location=location))
            if any(f.regions.region_ids for f in failures):
                names = {r.id: r.name for r in await services.list_regions()}
            else:
                names = {}
            where = {f.id: _where(f, names) for f in failures}
        except ValidationError as error:
            field, message = _refusal(error, city=typed["cidade"], bairro=typed["bairro"])
            errors[field] = message
    template = (
        "check/_check.html" if request.headers.get("hx-target") == "check" else "check/page.html"
    )
    return page(
        request,
        template,
        status_code=422 if errors else 200,
        active="verificar",
        asked=asked and not errors,
        typed=typed,
        errors=errors,
        failures=failures,
        where=where,
    )
