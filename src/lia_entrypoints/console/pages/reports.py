"""Relatórios: every KPI report of docs/reports.md as a chart readable on a phone, its table
and its CSV (the one writer `lia report NAME --csv` and the API's text/csv use), with the
date range, the grouping and the business-hours toggle; over `services.reports`, as the CLI
and `GET /api/v1/reports/{name}`. Supervisors and admins, as the API: reports count every
agent's work."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from lia_core.errors import ValidationError
from lia_core.reports import CATALOGUE, Report, ReportName, parse_report_name, spec_of
from lia_entrypoints.console.forms.reports import FIELD_OF, GROUP_LABELS, NO_GROUPING, ReportForm
from lia_entrypoints.console.rendering import page
from lia_entrypoints.console.report_views import cell, chart_of
from lia_entrypoints.console.viewer import managers
from lia_entrypoints.http.context import TZ_KEY, ServicesDep
from lia_entrypoints.schemas.reports import report_csv

__all__ = ["report_csv_download", "report_page", "reports_index"]

_Text = Annotated[str, QueryParameter(required=False)]
_MESSAGES = {
    "de": "Use uma data (2026-11-01) ou um instante ISO 8601, antes do fim.",
    "ate": "Use uma data (2026-11-30) ou um instante ISO 8601.",
    "agrupar": "Este relatório não tem esse agrupamento: escolha um da lista.",
    "horario_comercial": (
        "Este relatório não tem versão em horário comercial (só FRT, AHT e TTR). Desligue a opção."
    ),
}


def _bound(at: datetime, tz: tzinfo, *, end: bool) -> str:
    """A range edge as `lia report` takes it: a date when it is a local midnight (``to``'s
    date is the day before its edge: the CLI reads a ``to`` date inclusively), else ISO."""
    local = at.astimezone(tz)
    if local.time() == datetime.min.time():
        return (local.date() - timedelta(days=1 if end else 0)).isoformat()
    return local.isoformat()


def _resolved(report: Report, tz: tzinfo) -> ReportForm:
    """The question as answered: the range's edges fixed (a blank ``to`` means today, and the
    CSV must not move if the day turns before the download), the grouping explicit."""
    query = report.query
    return ReportForm(
        de=_bound(query.start, tz, end=False),
        ate=_bound(query.end, tz, end=True),
        agrupar=query.group_by.value if query.group_by is not None else NO_GROUPING,
        horario_comercial="1" if query.business_hours else "",
    )


def _cli(name: ReportName, form: ReportForm) -> str:
    parts = ["lia", "report", name.value, "--from", form.de, "--to", form.ate]
    grouping = form.grouping(name)
    if grouping:
        parts += ["--group-by", grouping]
    if form.business_hours:
        parts.append("--business-hours")
    return " ".join([*parts, "--csv"])


@get("/relatorios", guards=[managers])
async def reports_index(request: Request[Any, Any, Any]) -> Template:
    """Every report with what it measures."""
    return page(request, "reports/index.html", active="relatorios", catalogue=CATALOGUE.values())


@get("/relatorios/{nome:str}", guards=[managers])
async def report_page(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    nome: FromPath[str],
    de: _Text = "",
    ate: _Text = "",
    agrupar: _Text = "",
    horario_comercial: _Text = "",
) -> Template:
    """One report: the form, its chart, its table, the CSV link and the same as a command."""
    name = parse_report_name(nome)
    form = ReportForm(de=de, ate=ate, agrupar=agrupar, horario_comercial=horario_comercial)
    tz: tzinfo = request.app.state[TZ_KEY]
    errors: dict[str, str] = {}
    report: Report | None = None
    try:
        report = await services.reports.run(form.request(name))
    except ValidationError as exc:
        field = FIELD_OF.get(exc.field or "", "de")
        errors[field] = _MESSAGES[field]
    resolved = _resolved(report, tz) if report is not None else None
    spec = spec_of(name)
    return page(
        request,
        "reports/page.html",
        status_code=422 if errors else 200,
        active="relatorios",
        spec=spec,
        name=name,
        form=form,
        grouping=form.grouping(name) or NO_GROUPING,
        groupings=[(g.value, GROUP_LABELS[g]) for g in GROUP_LABELS if g in spec.groupings],
        no_grouping=NO_GROUPING,
        errors=errors,
        report=report,
        chart=chart_of(report) if report is not None else None,
        cell=cell,
        csv_query=resolved.query_string(name) if resolved is not None else "",
        cli=_cli(name, resolved) if resolved is not None else "",
    )


@get("/relatorios/{nome:str}/csv", guards=[managers])
async def report_csv_download(
    services: ServicesDep,
    nome: FromPath[str],
    de: _Text = "",
    ate: _Text = "",
    agrupar: _Text = "",
    horario_comercial: _Text = "",
) -> Response[str]:
    """The report as CSV, byte for byte what `lia report NAME --csv` prints for the same
    question (the same writer); a refused question is the 422 page."""
    name = parse_report_name(nome)
    form = ReportForm(de=de, ate=ate, agrupar=agrupar, horario_comercial=horario_comercial)
    report = await services.reports.run(form.request(name))
    start = report.query.start.date().isoformat()
    filename = f"lia-{name.value}-{start}.csv"
    return Response(
        report_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
