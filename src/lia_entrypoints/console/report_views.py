"""How the Relatórios page draws each report of `lia_core.reports`: which columns its chart
plots and how (a line over periods, bars, stacked bars), and each cell as pt-BR text. The
table beside the chart and the CSV keep every column; the chart picks the telling ones."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from lia_core.reports import GroupBy, Report, ReportColumn, ReportName, Unit, Value, spec_of
from lia_entrypoints.console.charts import Series, bars, line, number

__all__ = ["CHARTS", "DEFAULT_GROUPING", "ChartSpec", "cell", "chart_of"]


@dataclass(frozen=True, slots=True)
class ChartSpec:
    """What a report's chart shows: its measures, stacked or side by side, and what it says."""

    measures: tuple[str, ...]
    caption: str
    stacked: bool = False


CHARTS: Mapping[ReportName, ChartSpec] = {
    ReportName.FRT: ChartSpec(("avg_seconds",), "Tempo médio até a primeira resposta"),
    ReportName.AHT: ChartSpec(("avg_seconds",), "Tempo médio de atendimento"),
    ReportName.TTR: ChartSpec(("avg_seconds",), "Tempo médio até a resolução"),
    ReportName.SLA: ChartSpec(("hit_rate",), "SLA cumprido por relógio e prioridade"),
    ReportName.TRANSFERS: ChartSpec(("transfer_rate",), "Tickets transferidos"),
    ReportName.ESCALATIONS: ChartSpec(("escalation_rate",), "Tickets escalonados"),
    ReportName.BACKLOG: ChartSpec(("tickets",), "Tickets em aberto"),
    ReportName.FUNNEL: ChartSpec(
        ("active", "waiting", "archived"), "Conversas por situação", stacked=True
    ),
    ReportName.HANDOFFS: ChartSpec(
        ("pending", "sent", "failed"), "Handoffs por motivo e desfecho", stacked=True
    ),
    ReportName.DEFLECTION: ChartSpec(
        ("gate_contacts", "deflected", "notices", "resolutions"), "Deflexão por falha"
    ),
    ReportName.NPS: ChartSpec(("nps",), "NPS"),
    ReportName.OFFERS: ChartSpec(("offered", "timed_out"), "Ofertas e expiradas por agente"),
}
"""Every report's chart (a test checks none is missing and every measure is a column)."""

DEFAULT_GROUPING: Mapping[ReportName, GroupBy] = {
    ReportName.FRT: GroupBy.WEEK,
    ReportName.AHT: GroupBy.WEEK,
    ReportName.TTR: GroupBy.WEEK,
    ReportName.TRANSFERS: GroupBy.WEEK,
    ReportName.ESCALATIONS: GroupBy.WEEK,
    ReportName.NPS: GroupBy.WEEK,
}
"""The grouping a report's page starts with (a trend over weeks); the others start ungrouped."""

_WORDS = {
    "first_response": "1ª resposta",
    "resolution": "resolução",
    "low": "baixa",
    "medium": "média",
    "high": "alta",
    "urgent": "urgente",
    "open": "aberto",
    "waiting_customer": "aguardando cliente",
}


def cell(value: Value, unit: Unit) -> str:
    """A value as the table shows it: durations in minutes, rates with %, words in pt-BR."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return _WORDS.get(value, value)
    if unit is Unit.SECONDS:
        return number(round(value / 60, 1), " min")
    if unit is Unit.PERCENT:
        return number(round(value, 1), "%")
    return number(round(value, 1) if isinstance(value, float) else value)


def _short(value: Value, unit: Unit) -> str:
    # A period as a phone has room for it: 2026-11-23 → 23/11, 2026-11 → 11/2026.
    if unit is Unit.PERIOD and isinstance(value, str):
        parts = value.split("-")
        if len(parts) == 3:
            return f"{parts[2]}/{parts[1]}"
        if len(parts) == 2:
            return f"{parts[1]}/{parts[0]}"
    return cell(value, Unit.TEXT)


def _labels(report: Report) -> list[str]:
    text = [i for i, c in enumerate(report.columns) if c.unit in (Unit.TEXT, Unit.PERIOD)]
    if report.query.name is ReportName.DEFLECTION:  # the outage's name says more than its id
        text = [i for i in text if report.columns[i].name != "outage"]
    if not text:
        return ["Total"] * len(report.rows)
    return [" · ".join(_short(row[i], report.columns[i].unit) for i in text) for row in report.rows]


def _value(value: Value, unit: Unit) -> float | None:
    if value is None or isinstance(value, str):
        return None
    return value / 60 if unit is Unit.SECONDS else float(value)


def chart_of(report: Report) -> Markup | None:
    """The report's chart, or None when it has no rows: a line over periods for a single
    measure grouped by day, week or month; bars (stacked when parts of a whole) otherwise."""
    if not report.rows:
        return None
    spec = CHARTS[report.query.name]
    index = {c.name: i for i, c in enumerate(report.columns)}
    columns: Sequence[ReportColumn] = [report.columns[index[m]] for m in spec.measures]
    series = [
        Series(c.label, tuple(_value(row[index[c.name]], c.unit) for row in report.rows))
        for c in columns
    ]
    unit = {Unit.SECONDS: " min", Unit.PERCENT: "%"}.get(columns[0].unit, "")
    labels = _labels(report)
    title = f"{spec.caption}: {spec_of(report.query.name).title}"
    desc = f"{len(report.rows)} linhas; os mesmos números estão na tabela abaixo do gráfico" + (
        " (tempos em minutos)." if columns[0].unit is Unit.SECONDS else "."
    )
    grouping = report.query.group_by
    if grouping is not None and grouping.is_period and len(series) == 1 and len(labels) > 1:
        return line(labels, series, title=title, desc=desc, unit=unit)
    top = 100.0 if columns[0].unit is Unit.PERCENT else None
    return bars(
        labels, series, title=title, desc=desc, unit=unit, stacked=spec.stacked, max_value=top
    )
