"""`lia report NAME`: a KPI report of docs/reports.md as a table, `--json` or `--csv`."""

from __future__ import annotations

import click

from lia_core.reports import Report, Value
from lia_core.services import RunReport
from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._errors import InvalidInputError
from lia_entrypoints.cli._options import json_option
from lia_entrypoints.cli.output import emit_json, table
from lia_entrypoints.schemas.reports import ReportOut, report_csv

__all__ = ["report", "report_table"]

_BOUND = "A date YYYY-MM-DD in $LIA_TIMEZONE ({}) or an ISO 8601 instant."


def _cell(value: Value) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def report_table(report: Report) -> str:
    """The report's rows under its column names ("no rows" when the range holds nothing)."""
    if not report.rows:
        return "no rows"
    headers = [c.name.upper() for c in report.columns]
    return table(headers, [[_cell(v) for v in row] for row in report.rows])


@click.command("report")
@click.argument("name", metavar="NAME")
@click.option("--from", "start", metavar="WHEN", help=_BOUND.format("that day's start"))
@click.option("--to", "end", metavar="WHEN", help=_BOUND.format("the end of that day"))
@click.option(
    "--group-by",
    metavar="G",
    help="day, week (from Monday), month, agent, department or assistant.",
)
@click.option(
    "--business-hours",
    is_flag=True,
    help="frt, aht, ttr: durations in business hours (tickets not measured left out).",
)
@json_option
@click.option(
    "--csv", "as_csv", is_flag=True, help="Print CSV (the API's text/csv, byte for byte)."
)
@click.pass_obj
def report(
    app: CliApp,
    name: str,
    start: str | None,
    end: str | None,
    group_by: str | None,
    business_hours: bool,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Run the KPI report NAME (see docs/reports.md): frt, aht, ttr, sla, transfers, escalations,
    backlog, funnel, handoffs, deflection, nps, offers."""
    request = RunReport(
        name=name, start=start, end=end, group_by=group_by, business_hours=business_hours
    )
    with app.errors(as_json=as_json):
        if as_json and as_csv:
            raise InvalidInputError(
                "--json and --csv: choose one", kind="validation_error", field="--csv"
            )
        result = app.run(lambda rt: rt.services.reports.run(request))
        if as_csv:
            click.echo(report_csv(result), nl=False)
        elif as_json:
            emit_json(ReportOut.of(result, app.settings.tz))
        else:
            click.echo(report_table(result))
