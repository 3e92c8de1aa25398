"""How the Relatórios page draws reports: a chart for every report whose measures are its
columns, a line for a trend, bars otherwise, and cells in pt-BR."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lia_core.reports import GroupBy, Report, ReportName, ReportQuery, Unit, spec_of
from lia_entrypoints.console.report_views import CHARTS, cell, chart_of

START = datetime(2026, 11, 1, 3, tzinfo=UTC)
END = datetime(2026, 12, 1, 3, tzinfo=UTC)


def report(
    name: ReportName, rows: list[tuple[object, ...]], group_by: GroupBy | None = None
) -> Report:
    """A *name* report answering *rows* (in its columns' order)."""
    query = ReportQuery(name=name, start=START, end=END, group_by=group_by, zone=UTC)
    return Report(
        query=query,
        columns=spec_of(name).columns_for(group_by),
        rows=tuple(rows),  # type: ignore[arg-type]
        generated_at=END,
    )


@pytest.mark.parametrize("name", list(ReportName))
def test_every_report_has_a_chart_of_its_own_columns(name: ReportName) -> None:
    """No report is missing, and every measure charted is one of the report's columns."""
    names = {c.name for c in spec_of(name).columns}
    assert set(CHARTS[name].measures) <= names


def test_a_trend_is_a_line_and_a_breakdown_bars() -> None:
    """NPS by week: a line (a dot per week); SLA by clock and priority: bars up to 100%."""
    trend = chart_of(
        report(
            ReportName.NPS,
            [("2026-11-02", 2, 1, 0, 1, 0.0, 6.0), ("2026-11-09", 1, 1, 0, 0, 100.0, 10.0)],
            GroupBy.WEEK,
        )
    )
    assert trend is not None
    assert trend.count("<circle") == 2
    assert "09/11 · NPS: 100" in trend
    sla = chart_of(
        report(
            ReportName.SLA,
            [("first_response", "high", 3, 1, 75.0), ("resolution", "low", 1, 1, 50.0)],
        )
    )
    assert sla is not None
    assert "<circle" not in sla
    assert "1ª resposta · alta · Cumprimento (%): 75%" in sla


def test_the_funnel_and_handoffs_stack_their_parts() -> None:
    """Parts of a whole are stacked: the funnel's total is printed after its bar."""
    funnel = chart_of(report(ReportName.FUNNEL, [(2, 1, 3, 6, 10, 50.0)]))
    assert funnel is not None
    assert ">6</text>" in funnel
    assert "Total · Arquivadas: 3" in funnel


def test_durations_are_charted_in_minutes() -> None:
    """FRT's seconds become minutes in the chart and the table."""
    frt = chart_of(report(ReportName.FRT, [(4, 90.0, 300.0)]))
    assert frt is not None
    assert "Média (s): 1,5 min" in frt
    assert cell(90.0, Unit.SECONDS) == "1,5 min"


def test_no_rows_no_chart() -> None:
    """An empty range draws nothing (the page says so)."""
    assert chart_of(report(ReportName.NPS, [], GroupBy.WEEK)) is None


def test_cells() -> None:
    """Rates with %, counts as they are, None as a dash, known words in pt-BR."""
    assert [cell(87.5, Unit.PERCENT), cell(3, Unit.COUNT), cell(None, Unit.COUNT)] == [
        "87,5%",
        "3",
        "—",
    ]
    assert cell("waiting_customer", Unit.TEXT) == "aguardando cliente"
