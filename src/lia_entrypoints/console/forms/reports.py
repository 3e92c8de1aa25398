"""The Relatórios page's form: the range, the grouping and the business-hours toggle, read
into the `RunReport` that `lia report` and `/api/v1/reports` build; the core's refusals
named by its fields (from, to, group_by, business_hours) land beside the form's."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from lia_core.reports import GroupBy, ReportName
from lia_core.services import RunReport
from lia_entrypoints.console.report_views import DEFAULT_GROUPING

__all__ = ["FIELD_OF", "GROUP_LABELS", "NO_GROUPING", "ReportForm"]

NO_GROUPING = "nenhum"
"""The grouping choice "Sem agrupamento" (an absent one means the report's default)."""
GROUP_LABELS = {
    GroupBy.DAY: "Dia",
    GroupBy.WEEK: "Semana",
    GroupBy.MONTH: "Mês",
    GroupBy.AGENT: "Agente",
    GroupBy.DEPARTMENT: "Departamento",
    GroupBy.ASSISTANT: "Assistente",
}
"""Each grouping as the form names it."""
FIELD_OF = {"from": "de", "to": "ate", "group_by": "agrupar", "business_hours": "horario_comercial"}
"""The core's field names → the form's."""


@dataclass
class ReportForm:
    """The address's query: de / ate (dates or instants), agrupar, horario_comercial."""

    de: str = ""
    ate: str = ""
    agrupar: str = ""
    horario_comercial: str = ""

    def grouping(self, name: ReportName) -> str | None:
        """The grouping to ask for: the chosen one, none, or the report's default."""
        chosen = self.agrupar.strip().lower()
        if chosen == NO_GROUPING:
            return None
        if chosen:
            return chosen
        default = DEFAULT_GROUPING.get(name)
        return default.value if default is not None else None

    @property
    def business_hours(self) -> bool:
        """Whether the toggle is on."""
        return self.horario_comercial.strip().lower() in {"1", "on", "sim", "true"}

    def request(self, name: ReportName) -> RunReport:
        """The use case's request (it checks every field and names the one it refuses)."""
        return RunReport(
            name=name.value,
            start=self.de.strip() or None,
            end=self.ate.strip() or None,
            group_by=self.grouping(name),
            business_hours=self.business_hours,
        )

    def query_string(self, name: ReportName) -> str:
        """The address query of this question, with the grouping made explicit (the CSV link
        and the CLI command carry exactly what the page asked)."""
        grouping = self.grouping(name)
        given = {
            "de": self.de.strip(),
            "ate": self.ate.strip(),
            "agrupar": grouping or NO_GROUPING,
            "horario_comercial": "1" if self.business_hours else "",
        }
        return urlencode({k: v for k, v in given.items() if v})
