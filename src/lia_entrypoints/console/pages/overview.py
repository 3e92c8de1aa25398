"""Visão geral: the desk counted now (open, unassigned, unattended), the agents by presence and
a weekday x hour heatmap of new conversations in `LIA_TIMEZONE`, over `services.overview` and
`services.agents.list` (as the Agentes page). Supervisors and admins only: it counts every
department.

Two fragments refresh apart: the counts and presence on conversation, message and presence
events (2 s after a burst's first) and every 60 s (a silent agent turns offline by time, with
no event); the heatmap, which scans weeks of conversations, on new messages at most every
10 s and every 5 minutes.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from litestar import Request, get
from litestar.params import QueryParameter
from litestar.response import Template

from lia_core.domain.agents import Presence
from lia_core.domain.overview import DEFAULT_WEEKS, HOURS, MAX_WEEKS, Heatmap
from lia_core.ports import DeskCounts
from lia_entrypoints.console.charts import heatmap
from lia_entrypoints.console.forms.presence import PRESENCE_LABELS
from lia_entrypoints.console.pages.agents import PRESENCE_TONES
from lia_entrypoints.console.rendering import page
from lia_entrypoints.console.viewer import managers
from lia_entrypoints.http.context import ServicesDep

__all__ = [
    "HEATMAP_REFRESH_ON",
    "REFRESH_ON",
    "WEEKDAY_LABELS",
    "overview_heatmap",
    "overview_page",
    "overview_panel",
]

REFRESH_ON = (
    "message.received message.sent conversation.offered conversation.assigned "
    "conversation.released conversation.transferred ticket.updated agent.presence"
)
"""The realtime events after which the counts are fetched again (a burst: once, 2 s later)."""
HEATMAP_REFRESH_ON = "message.received"
"""The events after which the heatmap is fetched again (at most every 10 s: a new
conversation starts with a message)."""
WEEKDAY_LABELS = ("Seg", "Ter", "Qua", "Qui", "Sex", "Sáb", "Dom")
"""The heatmap's rows, Monday first (as `datetime.weekday`)."""
_WEEKS_WORDS = "Escolha de 1 a {} semanas."
_Weeks = Annotated[str, QueryParameter(required=False)]


def _weeks(raw: str) -> tuple[int, dict[str, str]]:
    """The weeks asked for, or the default and the message beside the field."""
    text = raw.strip()
    if not text:
        return DEFAULT_WEEKS, {}
    if not text.isdecimal() or len(text) > 3 or not 1 <= int(text) <= MAX_WEEKS:
        return DEFAULT_WEEKS, {"semanas": _WEEKS_WORDS.format(MAX_WEEKS)}
    return int(text), {}


async def _panel(services: ServicesDep, counts: DeskCounts) -> dict[str, Any]:
    agents = await services.agents.list()
    tally = Counter(view.presence for view in agents)
    return {
        "counts": counts,
        "presence": [(PRESENCE_LABELS[p], PRESENCE_TONES[p], tally[p], p.value) for p in Presence],
        "agents_total": len(agents),
    }


def _heatmap(grid: Heatmap, weeks: int) -> dict[str, Any]:
    hours = [f"{h}h" for h in range(HOURS)]
    chart = heatmap(
        grid.cells,
        rows=WEEKDAY_LABELS,
        columns=hours,
        title=f"Novas conversas por dia da semana e hora, últimas {weeks} semanas",
        desc=(
            f"{grid.total} conversas novas; a célula mais cheia tem {grid.peak}. "
            "Os números estão na tabela abaixo do gráfico."
        ),
        unit=" conversas",
    )
    return {"grid": grid, "chart": chart, "weekdays": WEEKDAY_LABELS, "hours": hours}


@get("/visao-geral", guards=[managers])
async def overview_page(
    request: Request[Any, Any, Any], services: ServicesDep, semanas: _Weeks = ""
) -> Template:
    """The overview: counts, agents by presence, the heatmap of the last *semanas* weeks."""
    weeks, errors = _weeks(semanas)
    reading = await services.overview.read(weeks=weeks)
    return page(
        request,
        "overview/page.html",
        status_code=422 if errors else 200,
        active="visao-geral",
        weeks=weeks,
        max_weeks=MAX_WEEKS,
        semanas=semanas,
        errors=errors,
        refresh_on=REFRESH_ON,
        heatmap_refresh_on=HEATMAP_REFRESH_ON,
        **await _panel(services, reading.counts),
        **_heatmap(reading.heatmap, weeks),
    )


@get("/visao-geral/_painel", guards=[managers])
async def overview_panel(request: Request[Any, Any, Any], services: ServicesDep) -> Template:
    """The counts and presence alone, fetched again by htmx on realtime events and every 60 s."""
    context = await _panel(services, await services.overview.counts())
    return page(request, "overview/_panel.html", active="visao-geral", **context)


@get("/visao-geral/_mapa", guards=[managers])
async def overview_heatmap(
    request: Request[Any, Any, Any], services: ServicesDep, semanas: _Weeks = ""
) -> Template:
    """The heatmap and its table alone, fetched again on new messages and every 5 minutes."""
    weeks, errors = _weeks(semanas)
    grid = await services.overview.heatmap(weeks=weeks)
    return page(
        request,
        "overview/_heatmap.html",
        status_code=422 if errors else 200,
        active="visao-geral",
        weeks=weeks,
        **_heatmap(grid, weeks),
    )
