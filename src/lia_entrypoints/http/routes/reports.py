"""`/api/v1/reports/{name}`: the KPI reports of docs/reports.md as JSON or CSV. SUPERVISOR, ADMIN.

An unknown report is 404 (the problem lists the names); a bad ``from`` / ``to``, ``from``
not before ``to``, or a ``group_by`` the report does not have is 422 naming the field.
``Accept: text/csv`` gives the CSV `lia report NAME --csv` prints, byte for byte.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response, get
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi.spec import Example
from litestar.params import FromPath, QueryParameter

from lia_core.domain.users import User
from lia_core.reports import GroupBy
from lia_core.services import RunReport
from lia_entrypoints.http.auth import MANAGERS
from lia_entrypoints.http.context import AuthRequest, ServicesDep, TzDep
from lia_entrypoints.http.problems import problem_responses
from lia_entrypoints.schemas.reports import ReportOut, report_csv

__all__ = ["get_report", "report_readers"]

_BOUND = (
    "A date `YYYY-MM-DD` in the ISP's timezone ({which}) or an ISO 8601 instant (without an "
    "offset: in the ISP's timezone)."
)
_CSV = "text/csv"


def report_readers(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: supervisors and admins read the reports (they count every agent's work)."""
    user = connection.user
    if not isinstance(user, User) or user.role not in MANAGERS:
        raise PermissionDeniedException("the reports need the SUPERVISOR or ADMIN role")


@get(
    "/reports/{name:str}",
    guards=[report_readers],
    tags=["reports"],
    summary="Run a KPI report",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_report(
    name: FromPath[str],
    request: AuthRequest,
    services: ServicesDep,
    tz: TzDep,
    start: Annotated[
        str | None,
        QueryParameter(
            query="from",
            max_length=64,
            description=_BOUND.format(which="from that day's start; default: 30 days before to"),
            examples=[Example(value="2026-11-01")],
        ),
    ] = None,
    end: Annotated[
        str | None,
        QueryParameter(
            query="to",
            max_length=64,
            description=_BOUND.format(which="to the end of that day, inclusive; default: today"),
            examples=[Example(value="2026-11-30")],
        ),
    ] = None,
    group_by: Annotated[
        str | None,
        QueryParameter(
            max_length=16,
            enum=[g.value for g in GroupBy],
            description="Group the rows by a period of the ISP's calendar (weeks start on "
            "Monday), agent, department or assistant (each report says which it has).",
        ),
    ] = None,
    business_hours: Annotated[
        bool,
        QueryParameter(
            description="frt, aht, ttr: durations in the SLA policy's business hours, as the "
            "desk measured them (tickets without them left out); 422 for another report."
        ),
    ] = False,
) -> Response[ReportOut | str]:
    """The report's columns and rows; `Accept: text/csv` for the CSV of `lia report --csv`."""
    request_ = RunReport(
        name=name, start=start, end=end, group_by=group_by, business_hours=business_hours
    )
    report = await services.reports.run(request_)
    if _CSV in request.headers.get("accept", ""):
        return Response(report_csv(report), media_type=f"{_CSV}; charset=utf-8")
    return Response(ReportOut.of(report, tz))
