"""`GET /metrics`: this process's Prometheus counters and the stored state's gauges."""

from __future__ import annotations

from litestar import Response, get
from litestar.datastructures import State
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from lia_entrypoints.http.context import inbound_of, runtime_of

__all__ = ["metrics"]


@get("/metrics", tags=["service"], summary="Prometheus metrics", include_in_schema=False)
async def metrics(state: State) -> Response[bytes]:
    """Counters and state gauges in the Prometheus text format (restrict access at the proxy)."""
    await runtime_of(state).state_metrics.refresh()
    registry = inbound_of(state).metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
