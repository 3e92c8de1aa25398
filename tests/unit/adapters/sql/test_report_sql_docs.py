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
    """Each report's section holds its template, character for character, and no other; each
    business-hours variant is in its own section (``### frt_business``)."""
    shown = {name: sql.strip() for name, sql in _SECTION.findall(DOC.read_text(encoding="utf-8"))}
    expected = {name.value: spec.template.strip() for name, spec in REPORT_SQL.items()}
    expected |= {
        f"{name.value}_business": spec.business.strip()
        for name, spec in REPORT_SQL.items()
        if spec.business is not None
    }
    assert shown == expected


def test_business_variants_are_the_catalogue_s() -> None:
    """The reports with a business-hours variant in SQL are those the catalogue lets ask for it."""
    assert {n for n, s in REPORT_SQL.items() if s.business is not None} == {
        n for n, s in CATALOGUE.items() if s.business_hours
    }


def test_every_grouping_of_the_catalogue_has_its_column() -> None:
    """A report's statement knows the column behind every grouping its catalogue entry allows."""
    for name in ReportName:
        assert set(REPORT_SQL[name].keys) == set(CATALOGUE[name].groupings), name
        assert ("{key}" in REPORT_SQL[name].template) == bool(CATALOGUE[name].groupings), name


def test_rendered_statements_leave_no_placeholder() -> None:
    """Rendered for either dialect and any grouping, no ``{…}`` placeholder is left."""
    for name, spec in REPORT_SQL.items():
        for template in (spec.template, spec.business or spec.template):
            for group_by in (None, *CATALOGUE[name].groupings):
                for dialect in ("sqlite", "postgresql"):
                    sql = render(template, spec.keys, group_by, dialect=dialect)
                    assert "{" not in sql, (name, group_by, dialect)
