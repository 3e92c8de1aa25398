"""The KPI reports in SQL (docs/reports.md prints each statement): SqlReportQueries."""

from lia_adapters.sql.reports.queries import REPORT_SQL, ReportSql
from lia_adapters.sql.reports.repository import SqlReportQueries

__all__ = ["REPORT_SQL", "ReportSql", "SqlReportQueries"]
