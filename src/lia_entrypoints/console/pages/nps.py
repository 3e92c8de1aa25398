"""NPS: the survey answers with the filters of `lia nps list` (an agent sees the answers about
themselves), and the detractors' follow-ups a supervisor or admin takes and resolves, over the
same `services.nps` use cases as the CLI and `/api/v1/nps` (audited there)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Template

from lia_core.domain.feedback import Feedback, FollowUpStatus
from lia_core.errors import ConcurrencyConflict, InvalidTransition, ValidationError
from lia_core.services import ListFollowUps, Services
from lia_entrypoints.console.forms.nps import (
    CATEGORY_LABELS,
    FOLLOW_UP_LABELS,
    FollowUpForm,
    NpsFilterForm,
    field_message,
    refusal,
)
from lia_entrypoints.console.rendering import flash, page, redirect
from lia_entrypoints.console.security import CONSOLE_PATH
from lia_entrypoints.console.viewer import managers, may_manage
from lia_entrypoints.http.context import ServicesDep, actor_of

__all__ = ["follow_up_command", "follow_ups_page", "nps_page"]

_ANSWERS = f"{CONSOLE_PATH}/nps"
_FOLLOW_UPS = f"{CONSOLE_PATH}/nps/acompanhamento"
_Text = Annotated[str, QueryParameter(required=False)]
_FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
_VERBS = {"assumir": "assumir o acompanhamento", "resolver": "resolver o acompanhamento"}
_DONE = {
    "assumir": "Acompanhamento assumido: agora é seu.",
    "resolver": "Acompanhamento resolvido.",
}
_CONFLICT = "Não foi possível {}: outra pessoa mexeu nele agora. Confira e tente de novo."


def _labels() -> dict[str, Any]:
    return {
        "category_labels": CATEGORY_LABELS,
        "follow_up_labels": FOLLOW_UP_LABELS,
        "statuses": list(FollowUpStatus),
    }


@get("/nps")
async def nps_page(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    categoria: _Text = "",
    agente: _Text = "",
    desde: _Text = "",
) -> Template:
    """The answers matching the filters, newest first (an agent's: only about themselves)."""
    form = NpsFilterForm(categoria=categoria, agente=agente, desde=desde)
    errors: dict[str, str] = {}
    answers: tuple[Feedback, ...] = ()
    try:
        answers = tuple(await services.nps.list(form.query(), viewer=request.user))
    except ValidationError as exc:
        name, message = field_message(exc)
        errors[name] = message
    return page(
        request,
        "nps/answers.html",
        status_code=422 if errors else 200,
        active="nps",
        form=form,
        errors=errors,
        answers=answers,
        sees_all=may_manage(request.user),
        **_labels(),
    )


async def _follow_ups(
    request: Request[Any, Any, Any],
    services: Services,
    status: str,
    *,
    failed: Mapping[str, tuple[FollowUpForm, Mapping[str, str]]] | None = None,
) -> Template:
    errors: dict[str, str] = {}
    items: tuple[Feedback, ...] = ()
    try:
        items = tuple(await services.nps.follow_ups(ListFollowUps(status=status or None)))
    except ValidationError:
        errors["status"] = "Escolha um dos estados da lista."
    return page(
        request,
        "nps/follow_ups.html",
        status_code=422 if errors or failed else 200,
        active="nps",
        items=items,
        status=status,
        errors=errors,
        failed=failed or {},
        blank=FollowUpForm(),
        **_labels(),
    )


@get("/nps/acompanhamento", guards=[managers])
async def follow_ups_page(
    request: Request[Any, Any, Any], services: ServicesDep, status: _Text = ""
) -> Template:
    """Detractors' follow-ups, newest first: take the pending, resolve those in progress."""
    return await _follow_ups(request, services, status)


@post("/nps/acompanhamento/{feedback_id:str}/{acao:str}", guards=[managers])
async def follow_up_command(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    feedback_id: FromPath[str],
    acao: FromPath[str],
    data: Annotated[FollowUpForm, _FORM],
) -> Response[Any] | Template:
    """Take (assumir) or resolve (resolver) a follow-up as the signed-in manager; back to the
    list with what happened, or the form again with the message beside its field."""
    if acao not in _VERBS:
        flash(request, "Ação desconhecida.", "error")
        return redirect(request, _FOLLOW_UPS)
    verb, by, actor = _VERBS[acao], request.user, actor_of(request)
    try:
        if acao == "assumir":
            await services.nps.take(
                feedback_id,
                by=by,
                actor=actor,
                notes=data.notas,
                expected_version=data.expected_version(),
            )
        else:
            missing = data.missing()
            score = data.score()
            if missing or score is None:
                return await _follow_ups(
                    request, services, "", failed={feedback_id: (data, missing)}
                )
            await services.nps.resolve(
                feedback_id,
                by=by,
                actor=actor,
                notes=data.notas,
                score=score,
                expected_version=data.expected_version(),
            )
    except ValidationError as exc:
        name, message = field_message(exc)
        return await _follow_ups(
            request, services, "", failed={feedback_id: (data, {name: message})}
        )
    except InvalidTransition as exc:
        flash(request, refusal(verb, exc), "error")
    except ConcurrencyConflict:
        flash(request, _CONFLICT.format(verb), "error")
    else:
        flash(request, _DONE[acao])
    return redirect(request, f"{_FOLLOW_UPS}#fu-{feedback_id}")
