"""Visão geral: the desk counted now (open, unassigned, unattended), the agents by presence and
a weekday x hour heatmap of new conversations in `LIA_TIMEZONE`, over `services.overview` and
`services.agents.list` (as the Agentes page). Supervisors and admins only: it counts every
department. The panel is fetched again on conversation and presence events, and every 60 s (a
silent agent turns offline by time, with no event)."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from litestar import Request, get
from litestar.params import QueryParameter
from litestar.response import Template

from lia_core.domain.agents import Presence
from lia_core.domain.overview import DEFAULT_WEEKS, HOURS, MAX_WEEKS
from lia_core.errors import ValidationError
from lia_entrypoints.console.charts import heatmap
from lia_entrypoints.console.forms.presence import PRESENCE_LABELS
from lia_entrypoints.console.pages.agents import PRESENCE_TONES
from lia_entrypoints.console.rendering import page
from lia_entrypoints.console.viewer import managers
from lia_entrypoints.http.context import ServicesDep

__all__ = ["REFRESH_ON", "WEEKDAY_LABELS", "overview_page", "overview_panel"]

REFRESH_ON = (
    "message.received message.sent conversation.offered conversation.assigned "
    "conversation.released conversation.transferred ticket.updated agent.presence"
)
"""The realtime events after which the panel is fetched again (a burst: once, 2 s later)."""
WEEKDAY_LABELS = ("Seg", "Ter", "Qua", "Qui", "Sex", "Sáb", "Dom")
"""The heatmap's rows, Monday first (as `datetime.weekday`)."""
_WEEKS_WORDS = "Escolha de 1 a {} semanas."


def _weeks(raw: str) -> tuple[int, str | None]:
    text = raw.strip()
    if not text:
        return DEFAULT_WEEKS, None
    if not text.isdecimal() or len(text) > 3 or not 1 <= int(text) <= MAX_WEEKS:
        return DEFAULT_WEEKS, _WEEKS_WORDS.format(MAX_WEEKS)
    return int(text), None


async def _render(
    request: Request[Any, Any, Any], services: ServicesDep, template: str, semanas: str
) -> Template:
    weeks, error = _weeks(semanas)
    try:
        reading = await services.overview.read(weeks=weeks)
    except ValidationError:  # the form's check and the core's agree; kept for a changed bound
        weeks, error = DEFAULT_WEEKS, _WEEKS_WORDS.format(MAX_WEEKS)
        reading = await services.overview.read(weeks=weeks)
    agents = await services.agents.list()
    tally = Counter(view.presence for view in agents)
    hours = [f"{h}h" for h in range(HOURS)]
    chart = heatmap(
        reading.heatmap.cells,
        rows=WEEKDAY_LABELS,
        columns=hours,
        title=f"Novas conversas por dia da semana e hora, últimas {weeks} semanas",
        desc=(
            f"{reading.heatmap.total} conversas novas; a célula mais cheia tem "
            f"{reading.heatmap.peak}. Os números estão na tabela abaixo do gráfico."
        ),
        unit=" conversas",
    )
    return page(
        request,
        template,
        status_code=422 if error else 200,
        active="visao-geral",
        reading=reading,
        counts=reading.counts,
        presence=[(PRESENCE_LABELS[p], PRESENCE_TONES[p], tally[p], p.value) for p in Presence],
        agents_total=len(agents),
        chart=chart,
        weekdays=WEEKDAY_LABELS,
        hours=hours,
        weeks=weeks,
        max_weeks=MAX_WEEKS,
        semanas=semanas,
        errors={"semanas": error} if error else {},
        refresh_on=REFRESH_ON,
    )


_Weeks = Annotated[str, QueryParameter(required=False)]


@get("/visao-geral", guards=[managers])
async def overview_page(
    request: Request[Any, Any, Any], services: ServicesDep, semanas: _Weeks = ""
) -> Template:
    """The overview: counts, agents by presence, the heatmap of the last *semanas* weeks."""
    return await _render(request, services, "overview/page.html", semanas)


@get("/visao-geral/_painel", guards=[managers])
async def overview_panel(
    request: Request[Any, Any, Any], services: ServicesDep, semanas: _Weeks = ""
) -> Template:
    """The panel alone, fetched again by htmx on realtime events and every 60 s."""
    return await _render(request, services, "overview/_panel.html", semanas)
