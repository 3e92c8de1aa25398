"""Gamificação: a month's ranking, its badges and the top-5 history, with a month picker.
Every signed-in staff member sees it; supervisors and admins run the month again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter
from litestar.response import Template

from lia_core.errors import ValidationError
from lia_core.nps.ranking import Badge
from lia_core.nps.runs import HistoryRow, Month
from lia_entrypoints.console.rendering import flash, page, redirect
from lia_entrypoints.console.security import CONSOLE_PATH
from lia_entrypoints.console.viewer import managers
from lia_entrypoints.http.context import ServicesDep

__all__ = ["BADGE_LABELS", "gamification_page", "gamification_run"]

BADGE_LABELS = {
    Badge.SOLUCIONADOR: "🏅 Solucionador",
    Badge.VELOCISTA: "⚡ Velocista",
    Badge.CAMPEAO_VOLUME: "🏆 Campeão de Volume",
}
"""What a badge reads as on screen."""
BADGE_RULES = {
    Badge.SOLUCIONADOR: "NPS médio e taxa de resolução acima dos mínimos",
    Badge.VELOCISTA: "primeira resposta mais rápida, com NPS médio acima do mínimo",
    Badge.CAMPEAO_VOLUME: "mais atendimentos no mês",
}
_PATH = f"{CONSOLE_PATH}/gamificacao"
_BAD_MONTH = "Escolha um mês válido (AAAA-MM), por exemplo 2026-11."
_HISTORY_MONTHS = 6
_MONTHS = (
    "janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro",
    "outubro", "novembro", "dezembro",
)  # fmt: skip


def month_label(period: str) -> str:
    """``2026-11`` as ``novembro de 2026``."""
    month = Month.parse(period)
    return f"{_MONTHS[month.month - 1]} de {month.year}"


def _grouped(rows: list[HistoryRow]) -> list[tuple[str, list[HistoryRow]]]:
    groups: dict[str, list[HistoryRow]] = {}
    for row in rows:
        groups.setdefault(row.period, []).append(row)
    return [(month_label(period), places) for period, places in groups.items()]


@get("/gamificacao")
async def gamification_page(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    periodo: Annotated[str, QueryParameter(required=False)] = "",
) -> Template:
    """The month picked (default: the current one): ranking, badges, history. A bad month: 422."""
    game = services.gamification
    chosen = periodo.strip() or game.current_month().label
    error = None
    run = None
    try:
        run = await game.ranking(chosen)
    except ValidationError:
        error = _BAD_MONTH
    history = list(await game.history(periods=_HISTORY_MONTHS))
    return page(
        request,
        "gamification/page.html",
        status_code=422 if error else 200,
        active="gamificacao",
        period=chosen,
        period_label=None if error else month_label(chosen),
        error=error,
        run=run,
        history=_grouped(history),
        badge_labels=BADGE_LABELS,
        badge_rules=BADGE_RULES,
    )


@dataclass
class RunForm:
    """Run a month again."""

    periodo: str = ""


@post("/gamificacao/calcular", guards=[managers])
async def gamification_run(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    data: Annotated[RunForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[Any]:
    """Score, rank and award the month now (replacing its rows), then show it."""
    try:
        run = await services.gamification.run(data.periodo)
    except ValidationError:
        flash(request, _BAD_MONTH, "error")
        return redirect(request, _PATH)
    flash(request, f"Ranking de {month_label(run.period)} calculado: {len(run.scores)} agentes.")
    return redirect(request, f"{_PATH}?periodo={run.period}")
