"""Every error as RFC 9457 problem details: one exception-handler map for the whole app."""

from __future__ import annotations

import math
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import ExceptionHandlersMap
from pydantic import BaseModel, ConfigDict, Field

from lia_core.errors import (
    AlreadyExists,
    AuthenticationFailed,
    ConcurrencyConflict,
    DomainError,
    InvalidTransition,
    LiaError,
    LoginThrottled,
    NoLiveTicket,
    NotFound,
    NotPermitted,
    OutsideServiceWindow,
    PortUnavailable,
    ValidationError,
)
from lia_core.escalation.errors import RuleFileError

__all__ = [
    "PROBLEM_JSON",
    "FieldError",
    "Problem",
    "exception_handlers",
    "problem_responses",
    "status_for",
]

PROBLEM_JSON = "application/problem+json"
"""The media type of every error response."""

_TYPE_PREFIX = "urn:lia:problem:"
_INTERNAL_DETAIL = "an unexpected error occurred; it has been logged"

log = structlog.get_logger(__name__)


class FieldError(BaseModel):
    """One offending input and what is wrong with it."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    field: str | None = Field(examples=["ceps.0"])
    """Dotted path of the input (`cities.0.city`, `status`); null when the whole body is wrong."""
    message: str = Field(examples=["not a CEP: '2595x'"])
    """What is wrong."""
    line: int | None = Field(default=None, examples=[12])
    """For a document (a desk-policy file): the 1-based line at fault."""


class Problem(BaseModel):
    """An error, as RFC 9457 problem details (`application/problem+json`)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    type: str = Field(examples=["urn:lia:problem:invalid-transition"])
    """Identifies the kind of problem; `about:blank` when the HTTP status says it all."""
    title: str = Field(examples=["Transition not allowed"])
    """Short summary of the kind of problem."""
    status: int = Field(examples=[409])
    """The HTTP status code."""
    detail: str = Field(examples=["cannot pause failure f-1: it is scheduled"])
    """What went wrong this time, for a person to read."""
    instance: str = Field(examples=["/api/v1/failures/f-1/pause"])
    """The request path that failed."""
    field: str | None = None
    """The offending input, when one is to blame."""
    errors: list[FieldError] | None = None
    """Every offending input, for validation errors."""


# Most specific first: the first class in the exception's MRO found here wins.
_LIA_PROBLEMS: Mapping[type[LiaError], tuple[int, str, str]] = {
    ValidationError: (422, "validation-error", "Invalid input"),
    NotFound: (404, "not-found", "Not found"),
    InvalidTransition: (409, "invalid-transition", "Transition not allowed"),
    OutsideServiceWindow: (
        409,
        "outside-service-window",
        "Outside WhatsApp's 24-hour customer-service window",
    ),
    NoLiveTicket: (409, "no-open-ticket", "The conversation has no open ticket"),
    DomainError: (409, "refused", "Refused by a business rule"),
    AlreadyExists: (409, "already-exists", "Already exists"),
    ConcurrencyConflict: (409, "concurrency-conflict", "Changed concurrently"),
    AuthenticationFailed: (401, "authentication-failed", "Authentication failed"),
    NotPermitted: (403, "forbidden", "Not permitted"),
    LoginThrottled: (429, "login-throttled", "Too many failed sign-ins"),
    PortUnavailable: (503, "unavailable", "Temporarily unavailable"),
}

_BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def _lia_problem(exc: LiaError) -> tuple[int, str, str] | None:
    for cls in type(exc).__mro__:
        if cls in _LIA_PROBLEMS:
            return _LIA_PROBLEMS[cls]
    return None


def status_for(exc: BaseException) -> int:
    """The HTTP status the handlers answer *exc* with."""
    if isinstance(exc, ValidationException):
        return 422
    if isinstance(exc, HTTPException):
        return exc.status_code
    if isinstance(exc, LiaError) and (known := _lia_problem(exc)) is not None:
        return known[0]
    return 500


def _respond(
    request: Request[Any, Any, Any],
    *,
    status: int,
    detail: str,
    type_: str = "about:blank",
    title: str | None = None,
    field: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": type_,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if field is not None:
        body["field"] = field
    if errors is not None:
        body["errors"] = errors
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.error(
        "http.unhandled_error",
        method=request.method,
        path=request.url.path,
        error=type(exc).__name__,
        exc_info=exc,
    )
    return _respond(request, status=500, detail=_INTERNAL_DETAIL)


def _handle_lia_error(request: Request[Any, Any, Any], exc: LiaError) -> Response[dict[str, Any]]:
    known = _lia_problem(exc)
    if known is None:
        return _internal_error(request, exc)
    status, slug, title = known
    field = exc.field if isinstance(exc, ValidationError) else None
    headers = _BEARER_CHALLENGE if status == 401 else None
    if isinstance(exc, PortUnavailable):
        cause = exc.__cause__
        log.warning(
            "http.port_unavailable",
            path=request.url.path,
            error=type(exc).__name__,
            cause=_first_line(cause) if cause is not None else None,
        )
        headers = _retry_after(exc.retry_after)
    if isinstance(exc, LoginThrottled):
        headers = _retry_after(exc.retry_after)
    return _respond(
        request,
        status=status,
        detail=exc.message,
        type_=_TYPE_PREFIX + slug,
        title=title,
        field=field,
        errors=_validation_errors(exc) if isinstance(exc, ValidationError) else None,
        headers=headers,
    )


def _validation_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """Each offending input; a document's faults (a desk-policy file) each with its line."""
    if isinstance(exc, RuleFileError):
        faults = getattr(exc, "errors", (exc,))
        return [{"field": f.field, "message": str(f), "line": f.line} for f in faults]
    return [{"field": exc.field, "message": exc.message}]


def _first_line(error: BaseException) -> str:
    """The error's class and the first line of its message (drivers append pages of help)."""
    lines = str(error).splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"


def _retry_after(seconds: float | None) -> dict[str, str] | None:
    """``Retry-After`` in whole seconds (at least 1), when the port said how long to wait."""
    if seconds is None:
        return None
    return {"Retry-After": str(max(1, math.ceil(seconds)))}


def _field_errors(exc: ValidationException) -> list[dict[str, str | None]]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    errors: list[dict[str, str | None]] = []
    for item in extra:
        if not isinstance(item, dict):
            continue
        key, message = item.get("key"), str(item.get("message"))
        if key == "data" and item.get("source") == "body":  # Litestar names a missing body "data"
            key, message = None, "a JSON body is required"
        errors.append({"field": str(key) if key else None, "message": message})
    return errors


def _handle_http_error(
    request: Request[Any, Any, Any], exc: HTTPException
) -> Response[dict[str, Any]]:
    if exc.status_code == 500:
        return _internal_error(request, exc)
    if isinstance(exc, ValidationException):
        errors = _field_errors(exc) or [{"field": None, "message": exc.detail}]
        fields = [e["field"] for e in errors if e["field"]]
        return _respond(
            request,
            status=422,
            detail="; ".join(
                f"{e['field']}: {e['message']}" if e["field"] else str(e["message"]) for e in errors
            ),
            type_=_TYPE_PREFIX + "validation-error",
            title="Invalid input",
            field=fields[0] if fields else None,
            errors=errors,
        )
    headers = dict(exc.headers or {})
    if exc.status_code == 401:
        headers.update(_BEARER_CHALLENGE)
    return _respond(request, status=exc.status_code, detail=exc.detail, headers=headers or None)


exception_handlers: ExceptionHandlersMap = {
    LiaError: _handle_lia_error,
    HTTPException: _handle_http_error,
    Exception: _internal_error,
}
"""The app's one exception-handler map: core errors, Litestar's HTTP errors, anything else (500)."""


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries documenting the problem-details responses a route may give.

    400 is always included: it replaces Litestar's default 400 entry, which shows its own
    error shape rather than problem details.
    """
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=HTTPStatus(status).phrase,
            media_type=PROBLEM_JSON,
            generate_examples=False,
        )
        for status in sorted({400, *statuses})
    }
