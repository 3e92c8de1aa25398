"""Agentes: each agent's presence as it counts now (docs/desk.md), load against capacity and
offer counters, over `services.agents.list` (as `lia agent list` and `GET /api/v1/agents`).

Supervisors and admins see every agent; an agent sees themselves and the agents who share a
department with them. The page only reads: profiles change with `lia agent set` or the API.
It refreshes on `agent.presence` and assignment events, and every 30 s (a silent agent turns
offline by time, with no event until the worker's sweep).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from litestar import Request, get
from litestar.response import Template

from lia_core.assignment import AgentView
from lia_core.domain.agents import Presence
from lia_core.domain.users import User
from lia_entrypoints.console.forms.presence import PRESENCE_LABELS
from lia_entrypoints.console.rendering import page
from lia_entrypoints.console.viewer import ROLE_LABELS, may_manage
from lia_entrypoints.http.context import ServicesDep

__all__ = ["REFRESH_ON", "agents_page", "agents_panel", "visible_agents"]

REFRESH_ON = (
    "agent.presence conversation.offered conversation.assigned conversation.released "
    "conversation.transferred"
)
"""The realtime events after which the agents' table is fetched again."""
PRESENCE_TONES = {
    Presence.ONLINE: "ok",
    Presence.BUSY: "warn",
    Presence.AWAY: "info",
    Presence.OFFLINE: "done",
}
_ORDER = list(Presence)


def visible_agents(views: Sequence[AgentView], viewer: User) -> list[AgentView]:
    """The agents *viewer* may see, online first, then by username."""
    if not may_manage(viewer):
        views = [
            v
            for v in views
            if v.user.username == viewer.username or v.user.departments & viewer.departments
        ]
    return sorted(views, key=lambda v: (_ORDER.index(v.presence), v.user.username))


async def _render(
    request: Request[Any, Any, Any], services: ServicesDep, template: str
) -> Template:
    agents = visible_agents(await services.agents.list(), request.user)
    tally = Counter(v.presence for v in agents)
    return page(
        request,
        template,
        active="agentes",
        agents=agents,
        tally=[(PRESENCE_LABELS[p], tally[p]) for p in Presence],
        presence_labels_of=PRESENCE_LABELS,
        presence_tones=PRESENCE_TONES,
        role_labels=ROLE_LABELS,
        refresh_on=REFRESH_ON,
        sees_all=may_manage(request.user),
    )


@get("/agentes")
async def agents_page(request: Request[Any, Any, Any], services: ServicesDep) -> Template:
    """Every agent the viewer may see: presence now, load / capacity, offers."""
    return await _render(request, services, "agents/page.html")


@get("/agentes/_tabela")
async def agents_panel(request: Request[Any, Any, Any], services: ServicesDep) -> Template:
    """The table alone, fetched again by htmx on realtime events and every 30 s."""
    return await _render(request, services, "agents/_table.html")
