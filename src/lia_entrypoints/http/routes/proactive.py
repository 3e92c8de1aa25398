"""`POST /api/v1/failures/{id}/notify-customers`: the proactive outage notice."""

from __future__ import annotations

import attrs
from litestar import post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody

from lia_core.services.proactive import NotifyAffectedCustomers
from lia_entrypoints.http.auth import managers_only
from lia_entrypoints.http.context import runtime_of
from lia_entrypoints.http.dto.failures import NotifyCustomersIn, NotifyCustomersOut
from lia_entrypoints.http.problems import problem_responses

__all__ = ["notify_customers"]


@post(
    "/failures/{failure_id:str}/notify-customers",
    guards=[managers_only],
    tags=["failures"],
    summary="Notify every CRM customer in a failure's regions",
    status_code=202,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def notify_customers(
    failure_id: FromPath[str], state: State, data: JSONBody[NotifyCustomersIn | None] = None
) -> NotifyCustomersOut:
    """Queue the notice for every CRM customer with a contract in an active failure's regions.

    Safe to repeat: customers already told are skipped. 409 when the failure is not active or
    the CRM cannot list its customers (only `LIA_CRM__KIND=file` can).
    """
    runtime = runtime_of(state)
    template = (data.template if data else None) or runtime.settings.inbound.proactive_template
    report = await runtime.proactive_notice()(
        NotifyAffectedCustomers(failure_id=failure_id, template=template)
    )
    return NotifyCustomersOut(failure_id=failure_id, **attrs.asdict(report))
