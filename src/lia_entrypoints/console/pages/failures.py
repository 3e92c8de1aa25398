"""🚨 Falha Massiva: the tabs of active, scheduled and past failures."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.params import QueryParameter
from litestar.response import Template

from lia_core.services import FailureTab, ListFailures
from lia_entrypoints.console.rendering import page
from lia_entrypoints.http.context import ServicesDep

__all__ = ["TABS", "failures_page"]

TABS = (
    ("ativas", FailureTab.ACTIVE, "Falhas Ativas"),
    ("agendadas", FailureTab.SCHEDULED, "Falhas Agendadas"),
    ("historico", FailureTab.RESOLVED, "Histórico de Falhas"),
)
"""The page's tabs: slug in the URL, the use case's tab, the label."""
_BY_SLUG = {slug: tab for slug, tab, _ in TABS}


@get("/falhas")
async def failures_page(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    aba: Annotated[str, QueryParameter(description="ativas, agendadas or historico")] = "ativas",
) -> Template:
    """One tab of the Falha Massiva page; with htmx, only the tab's panel."""
    slug = aba if aba in _BY_SLUG else "ativas"
    listing = await services.list_failures(ListFailures(tab=_BY_SLUG[slug]))
    template = (
        "failures/_panel.html"
        if request.headers.get("hx-target") == "failure-panel"
        else "failures/list.html"
    )
    return page(
        request,
        template,
        active="falhas",
        tabs=TABS,
        current=slug,
        listing=listing,
    )
