"""`GET /health`: liveness plus a cheap database round trip, without authentication."""

from __future__ import annotations

import math

import structlog
from litestar import get
from litestar.exceptions import ServiceUnavailableException

from lia_core import __version__
from lia_core.errors import PortUnavailable
from lia_entrypoints.http.context import ServicesDep
from lia_entrypoints.http.dto.health import HealthOut
from lia_entrypoints.http.problems import problem_responses

__all__ = ["health"]

log = structlog.get_logger(__name__)


@get(
    "/health",
    tags=["service"],
    summary="Service health",
    responses=problem_responses(503),
)
async def health(services: ServicesDep) -> HealthOut:
    """Answer 200 when the service runs and its database answers a cheap query, else 503."""
    try:
        await services.list_regions()
    except Exception as exc:
        wait = exc.retry_after if isinstance(exc, PortUnavailable) else None
        if isinstance(exc, PortUnavailable):  # an outage: one line, the driver's words as cause
            cause = exc.__cause__
            log.warning(
                "health.database_unavailable",
                error=type(exc).__name__,
                cause=str(cause).splitlines()[0] if cause is not None and str(cause) else None,
            )
        else:  # something unexpected: keep the traceback
            log.error("health.database_unavailable", error=type(exc).__name__, exc_info=exc)
        # A load balancer polling /health learns when to look again, as API callers do.
        headers = {"Retry-After": str(max(1, math.ceil(wait)))} if wait else None
        raise ServiceUnavailableException("the database does not answer", headers=headers) from exc
    return HealthOut(version=__version__)
