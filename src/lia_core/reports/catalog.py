"""Every report's shape: title, columns and the groupings it supports (one place for all backends).

A report's rows start with its grouping column when the query has a `group_by` (labelled by
the grouping: "Dia", "Agente", …), then the report's own dimensions, then its measures.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from lia_core.errors import ValidationError
from lia_core.reports.model import GroupBy, ReportColumn, ReportName, ReportQuery, Unit

__all__ = ["CATALOGUE", "ReportSpec", "spec_of"]

_PERIODS = frozenset({GroupBy.DAY, GroupBy.WEEK, GroupBy.MONTH})
_PEOPLE = _PERIODS | {GroupBy.AGENT, GroupBy.DEPARTMENT}
_GROUP_LABELS: Mapping[GroupBy, str] = {
    GroupBy.DAY: "Dia",
    GroupBy.WEEK: "Semana",
    GroupBy.MONTH: "Mês",
    GroupBy.AGENT: "Agente",
    GroupBy.DEPARTMENT: "Departamento",
    GroupBy.ASSISTANT: "Assistente",
}


def _c(name: str, label: str, unit: Unit) -> ReportColumn:
    return ReportColumn(name=name, label=label, unit=unit)


@attrs.frozen(kw_only=True)
class ReportSpec:
    """What one report is: its title, what it measures, its columns and allowed groupings."""

    name: ReportName
    title: str
    summary: str
    columns: tuple[ReportColumn, ...]
    """Dimensions then measures, without the grouping column."""
    groupings: frozenset[GroupBy] = frozenset()
    business_hours: bool = False
    """It has a business-hours variant (the durations the desk measured, revision 0021)."""

    def columns_for(self, group_by: GroupBy | None) -> tuple[ReportColumn, ...]:
        """The report's columns as a query grouped by *group_by* answers them."""
        if group_by is None:
            return self.columns
        unit = Unit.PERIOD if group_by.is_period else Unit.TEXT
        return (_c(group_by.value, _GROUP_LABELS[group_by], unit), *self.columns)

    def check(self, query: ReportQuery) -> None:
        """Raise ValidationError (naming the field) for a query this report cannot answer."""
        if query.start >= query.end:
            raise ValidationError(
                f"from ({query.start.isoformat()}) must be before to ({query.end.isoformat()})",
                field="from",
            )
        if query.group_by is not None and query.group_by not in self.groupings:
            allowed = ", ".join(g.value for g in GroupBy if g in self.groupings) or "none"
            raise ValidationError(
                f"report {self.name.value!r} cannot be grouped by {query.group_by.value!r}; "
                f"it can by: {allowed}",
                field="group_by",
            )
        if query.business_hours and not self.business_hours:
            raise ValidationError(
                f"report {self.name.value!r} has no business-hours variant; "
                "frt, aht and ttr have one (docs/reports.md)",
                field="business_hours",
            )


_SECONDS = (
    _c("avg_seconds", "Média (s)", Unit.SECONDS),
    _c("max_seconds", "Máximo (s)", Unit.SECONDS),
)

CATALOGUE: Mapping[ReportName, ReportSpec] = {
    s.name: s
    for s in (
        ReportSpec(
            name=ReportName.FRT,
            title="Tempo até a primeira resposta (FRT)",
            summary="Tickets opened in the range with a human public reply: the time from "
            "opening to the first one.",
            columns=(_c("tickets", "Tickets respondidos", Unit.COUNT), *_SECONDS),
            groupings=_PEOPLE,
            business_hours=True,
        ),
        ReportSpec(
            name=ReportName.AHT,
            title="Tempo médio de atendimento (AHT)",
            summary="Tickets resolved in the range after a human public reply: the time from "
            "the first reply to the resolution (FRT + AHT = TTR).",
            columns=(
                _c("tickets", "Tickets atendidos", Unit.COUNT),
                *_SECONDS,
                _c("total_seconds", "Total (s)", Unit.SECONDS),
            ),
            groupings=_PEOPLE,
            business_hours=True,
        ),
        ReportSpec(
            name=ReportName.TTR,
            title="Tempo até a resolução (TTR)",
            summary="Tickets resolved in the range: the time from opening to resolution.",
            columns=(_c("tickets", "Tickets resolvidos", Unit.COUNT), *_SECONDS),
            groupings=_PEOPLE,
            business_hours=True,
        ),
        ReportSpec(
            name=ReportName.SLA,
            title="SLA cumprido por relógio e prioridade",
            summary="Clocks that stopped in the range (sla_met events): hit, miss and hit rate "
            "per clock and ticket priority.",
            columns=(
                _c("clock", "Relógio", Unit.TEXT),
                _c("priority", "Prioridade", Unit.TEXT),
                _c("hit", "Cumpridos", Unit.COUNT),
                _c("miss", "Perdidos", Unit.COUNT),
                _c("hit_rate", "Cumprimento (%)", Unit.PERCENT),
            ),
            groupings=_PERIODS | {GroupBy.DEPARTMENT},
        ),
        ReportSpec(
            name=ReportName.TRANSFERS,
            title="Transferências",
            summary="Tickets opened in the range and the share reassigned at least once.",
            columns=(
                _c("tickets", "Tickets", Unit.COUNT),
                _c("transferred", "Transferidos", Unit.COUNT),
                _c("transfer_rate", "Transferência (%)", Unit.PERCENT),
            ),
            groupings=_PERIODS | {GroupBy.DEPARTMENT},
        ),
        ReportSpec(
            name=ReportName.ESCALATIONS,
            title="Escalonamentos",
            summary="Tickets opened in the range and the share escalated at least once.",
            columns=(
                _c("tickets", "Tickets", Unit.COUNT),
                _c("escalated", "Escalonados", Unit.COUNT),
                _c("escalation_rate", "Escalonamento (%)", Unit.PERCENT),
            ),
            groupings=_PERIODS | {GroupBy.DEPARTMENT},
        ),
        ReportSpec(
            name=ReportName.BACKLOG,
            title="Backlog por status, nível e departamento",
            summary="Tickets opened in the range still open or waiting for the customer.",
            columns=(
                _c("status", "Status", Unit.TEXT),
                _c("level", "Nível", Unit.TEXT),
                _c("department", "Departamento", Unit.TEXT),
                _c("tickets", "Tickets", Unit.COUNT),
            ),
        ),
        ReportSpec(
            name=ReportName.FUNNEL,
            title="Funil de conversas",
            summary="Conversations started in the range by where they are now: active (the bot "
            "or an agent), waiting (in a queue), archived (resolved or archived); the messages "
            "of today; close rate = archived / total.",
            columns=(
                _c("active", "Ativas", Unit.COUNT),
                _c("waiting", "Aguardando", Unit.COUNT),
                _c("archived", "Arquivadas", Unit.COUNT),
                _c("total", "Total", Unit.COUNT),
                _c("messages_today", "Mensagens hoje", Unit.COUNT),
                _c("close_rate", "Fechamento (%)", Unit.PERCENT),
            ),
            groupings=_PERIODS,
        ),
        ReportSpec(
            name=ReportName.HANDOFFS,
            title="Handoffs por motivo",
            summary="Handoffs to a person in the range per reason: pending (no one took it "
            "yet), sent (an agent took it), failed (the conversation left the desk untaken).",
            columns=(
                _c("reason", "Motivo", Unit.TEXT),
                _c("total", "Total", Unit.COUNT),
                _c("pending", "Pendentes", Unit.COUNT),
                _c("sent", "Enviados", Unit.COUNT),
                _c("failed", "Falhos", Unit.COUNT),
            ),
            groupings=_PERIODS | {GroupBy.DEPARTMENT},
        ),
        ReportSpec(
            name=ReportName.DEFLECTION,
            title="Deflexão por falha massiva",
            summary="Per outage, notices recorded in the range: the contacts the outage gate "
            "answered, how many of them never opened a ticket, notices and resolutions sent.",
            columns=(
                _c("outage", "Falha", Unit.TEXT),
                _c("name", "Nome", Unit.TEXT),
                _c("gate_contacts", "Atendidos pelo portão", Unit.COUNT),
                _c("deflected", "Sem ticket", Unit.COUNT),
                _c("notices", "Avisos enviados", Unit.COUNT),
                _c("resolutions", "Resoluções enviadas", Unit.COUNT),
            ),
        ),
        ReportSpec(
            name=ReportName.NPS,
            title="NPS",
            summary="Survey answers given in the range: promoters (9-10), passives (7-8), "
            "detractors (0-6), NPS = (promoters - detractors) * 100 / answers.",
            columns=(
                _c("answers", "Respostas", Unit.COUNT),
                _c("promoters", "Promotores", Unit.COUNT),
                _c("passives", "Neutros", Unit.COUNT),
                _c("detractors", "Detratores", Unit.COUNT),
                _c("nps", "NPS", Unit.SCORE),
                _c("avg_score", "Nota média", Unit.SCORE),
            ),
            groupings=_PEOPLE | {GroupBy.ASSISTANT},
        ),
        ReportSpec(
            name=ReportName.OFFERS,
            title="Ofertas expiradas por agente",
            summary="Offers made in the range per agent: how many, and how many timed out.",
            columns=(
                _c("agent", "Agente", Unit.TEXT),
                _c("offered", "Ofertas", Unit.COUNT),
                _c("timed_out", "Expiradas", Unit.COUNT),
                _c("timeout_rate", "Expiração (%)", Unit.PERCENT),
            ),
            groupings=_PERIODS,
        ),
    )
}


def spec_of(name: ReportName) -> ReportSpec:
    """The catalogue's entry for *name*."""
    return CATALOGUE[name]
