"""`POST /console/presenca`: the console's presence heartbeat, sent by live.js every 20 s
(and by the status picker), through the same use case as `POST /api/v1/agents/me/presence`."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, post
from litestar.enums import RequestEncodingType
from litestar.params import Body

from lia_entrypoints.console.forms.presence import PRESENCE_LABELS, PresenceForm
from lia_entrypoints.console.rendering import flash, redirect
from lia_entrypoints.console.security import CONSOLE_PATH
from lia_entrypoints.http.context import ServicesDep, actor_of

__all__ = ["presence_beat"]


def _back(target: str) -> str:
    # Only a path inside the console (never another site: no open redirect).
    if target.startswith(CONSOLE_PATH + "/") and not target.startswith("//"):
        return target
    return CONSOLE_PATH + "/"


@post("/presenca")
async def presence_beat(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    data: Annotated[PresenceForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[Any]:
    """Note that the signed-in person is here, in the chosen status (204 to the script; the
    picker's plain form goes back to its page with a message)."""
    status = data.presence()
    await services.agents.heartbeat(request.user, status, actor_of(request))
    if request.headers.get("hx-request") == "true":
        return Response(content=b"", status_code=204)
    flash(request, f"Seu status agora é {PRESENCE_LABELS[status]}.")
    return redirect(request, _back(data.next))
