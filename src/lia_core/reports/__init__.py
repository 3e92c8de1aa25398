"""KPI reports (docs/reports.md): what each report is, the question asked, the table answered.

A pure library: `ReportName` (the URL names), `ReportQuery` (validated), `Report` (ordered
columns, typed rows), the catalogue of every report's columns and groupings, and the date
range parser shared by the HTTP API, the CLI and the console. The SQL is in the adapter
(`lia_adapters.sql.reports`), the fake's computation in `lia_adapters.memory.reports`.
"""

from lia_core.reports.catalog import CATALOGUE, ReportSpec, spec_of
from lia_core.reports.model import (
    GroupBy,
    Report,
    ReportColumn,
    ReportName,
    ReportQuery,
    Unit,
    Value,
    parse_report_name,
)
from lia_core.reports.range import parse_bound, parse_group_by, parse_range

__all__ = [
    "CATALOGUE",
    "GroupBy",
    "Report",
    "ReportColumn",
    "ReportName",
    "ReportQuery",
    "ReportSpec",
    "Unit",
    "Value",
    "parse_bound",
    "parse_group_by",
    "parse_range",
    "parse_report_name",
    "spec_of",
]
