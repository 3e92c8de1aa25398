"""docs/reports.md prints every report's SQL exactly as `lia_adapters.sql.reports` runs it, and
every statement renders for both dialects with only the parameters the repository binds."""

from __future__ import annotations

import re
from pathlib import Path

from lia_adapters.sql.reports.dialect import render
from lia_adapters.sql.reports.queries import REPORT_SQL
from lia_core.reports import CATALOGUE, ReportName

DOC = Path(__file__).parents[4] / "docs" / "reports.md"
_SECTION = re.compile(r"^### (\w+)\n.*?^```sql\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def test_the_doc_shows_the_sql_the_code_runs() -> None:
    """Each report's section holds its template, character for character, and no other."""
    shown = {name: sql.strip() for name, sql in _SECTION.findall(DOC.read_text(encoding="utf-8"))}
    assert shown == {name.value: spec.template.strip() for name, spec in REPORT_SQL.items()}


def test_every_grouping_of_the_catalogue_has_its_column() -> None:
    """A report's statement knows the column behind every grouping its catalogue entry allows."""
    for name in ReportName:
        assert set(REPORT_SQL[name].keys) == set(CATALOGUE[name].groupings), name
        assert ("{key}" in REPORT_SQL[name].template) == bool(CATALOGUE[name].groupings), name


def test_rendered_statements_leave_no_placeholder() -> None:
    """Rendered for either dialect and any grouping, no ``{…}`` placeholder is left."""
    for name, spec in REPORT_SQL.items():
        for group_by in (None, *CATALOGUE[name].groupings):
            for dialect in ("sqlite", "postgresql"):
                sql = render(spec.template, spec.keys, group_by, dialect=dialect)
                assert "{" not in sql, (name, group_by, dialect)
