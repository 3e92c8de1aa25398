"""Fila de envio (the outbox) and Mensagens com falha (the dead letters, reprocessed after a
dry run): ADMIN only, over the same use cases as `lia outbox` / `lia dlq` and the API."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Template

from lia_core.domain.delivery import Channel, DeadLetter, JobName, JobStatus, Lane
from lia_core.errors import ValidationError
from lia_core.ports import DeadLetterFilter, ReprocessAudit
from lia_core.services import ReprocessDeadLetters
from lia_core.services.outbox import MAX_LIST
from lia_entrypoints.console.forms.delivery import (
    DEAD_LETTER_LIMIT,
    DeadLetterFilterForm,
    OutboxFilterForm,
    ReprocessForm,
    message_for,
)
from lia_entrypoints.console.rendering import flash, page, redirect
from lia_entrypoints.console.security import CONSOLE_PATH
from lia_entrypoints.console.viewer import admins
from lia_entrypoints.delivery_text import describe_error, mask_phone
from lia_entrypoints.http.context import ServicesDep, TzDep, actor_of, runtime_of

__all__ = [
    "CHANNEL_LABELS",
    "JOB_LABELS",
    "STATUS_LABELS",
    "dead_letter_page",
    "dead_letters_page",
    "outbox_page",
    "reprocess_dead_letters",
]

STATUS_LABELS: Mapping[JobStatus, tuple[str, str]] = {
    JobStatus.PENDING: ("Na fila", "info"),
    JobStatus.SENDING: ("Enviando", "info"),
    JobStatus.SENT: ("Enviada", "ok"),
    JobStatus.UNCERTAIN: ("Incerta", "warn"),
    JobStatus.DEAD: ("Com falha", "bad"),
}
"""A job's status on screen: label and badge tone."""
CHANNEL_LABELS: Mapping[Channel, str] = {
    Channel.WHATSAPP: "WhatsApp",
    Channel.EVOLUTION: "WhatsApp (Evolution)",
    Channel.SMS: "SMS",
    Channel.PUSH: "Push",
    Channel.SANDBOX: "Sandbox",
}
"""A channel's name on screen."""
JOB_LABELS: Mapping[JobName, str] = {
    JobName.SEND_WHATSAPP: "Mensagem WhatsApp",
    JobName.SEND_SMS: "Mensagem SMS",
    JobName.SEND_PUSH: "Notificação push",
    JobName.SEND_SANDBOX: "Mensagem sandbox",
    JobName.NOTIFY_USER: "Aviso a usuário",
    JobName.OUTAGE_NOTICE: "Aviso de falha",
    JobName.OUTAGE_RESOLUTION: "Resolução de falha",
}
"""What kind of message a job carries, on screen."""
_LANE_LABELS = {Lane.LIVE: "Tempo real", Lane.BULK: "Em massa"}
_FILTER_LABELS = {"job_name": "tipo", "err_code": "código", "since": "de", "until": "até"}

_FILA = f"{CONSOLE_PATH}/fila"
_DLQ = f"{CONSOLE_PATH}/mensagens-com-falha"
_RECENT_RUNS = 5
_DRY_RUN_ROWS = 100
"""Rows a dry run lists; the counts always cover everything."""

_Text = Annotated[str, QueryParameter(required=False)]


def _labels() -> dict[str, Any]:
    return {
        "status_labels": STATUS_LABELS,
        "channel_labels": CHANNEL_LABELS,
        "job_labels": JOB_LABELS,
        "lane_labels": _LANE_LABELS,
        "mask": mask_phone,
        "describe_error": describe_error,
    }


def _wants(request: Request[Any, Any, Any], target: str) -> bool:
    return request.headers.get("hx-target") == target


@get("/fila", guards=[admins])
async def outbox_page(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    status: _Text = "",
    to: _Text = "",
    limit: _Text = "",
) -> Template:
    """The outbox, newest first, filtered like `lia outbox list`; with htmx, only the panel."""
    form = OutboxFilterForm(status=status, to=to, limit=limit)
    query, errors = form.read()
    jobs: Sequence[Any] = ()
    if query is not None:
        try:
            jobs = await services.list_outbox(query)
        except ValidationError as exc:
            errors[exc.field or "to"] = message_for(exc)
    shown = query.limit if query is not None else 0
    more = (
        f"{_FILA}?{form.query_string(limit=str(min(shown * 2, MAX_LIST)))}"
        if query is not None and len(jobs) >= shown and shown < MAX_LIST
        else None
    )
    return page(
        request,
        "delivery/_outbox_panel.html"
        if _wants(request, "outbox-panel")
        else "delivery/outbox.html",
        status_code=422 if errors else 200,
        active="fila",
        form=form,
        errors=errors,
        jobs=jobs,
        more=more,
        statuses=list(JobStatus),
        max_limit=MAX_LIST,
        **_labels(),
    )


def _describe_filters(filters: Mapping[str, str]) -> str:
    parts = [
        f"{_FILTER_LABELS.get(key, key)} {value}"
        for key, value in sorted(filters.items())
        if key != "job_ids"
    ]
    if "job_ids" in filters:
        count = len(filters["job_ids"].split(","))
        parts.append("1 selecionada" if count == 1 else f"{count} selecionadas")
    return ", ".join(parts) or "todas"


async def _recent_runs(services: ServicesDep) -> Sequence[ReprocessAudit]:
    return await services.list_dlq_audit(limit=_RECENT_RUNS)


@get("/mensagens-com-falha", guards=[admins])
async def dead_letters_page(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    tz: TzDep,
    job_name: _Text = "",
    err_code: _Text = "",
    since: _Text = "",
    until: _Text = "",
    limit: _Text = "",
) -> Template:
    """Dead letters, oldest failure first, filtered like `lia dlq list`; with htmx, only the panel."""
    form = DeadLetterFilterForm(
        job_name=job_name, err_code=err_code, since=since, until=until, limit=limit
    )
    where, shown, errors = form.read(tz)
    dead: Sequence[DeadLetter] = ()
    if where is not None:
        try:
            dead = await services.list_dead_letters(where, limit=shown)
        except ValidationError as exc:
            errors[exc.field or "since"] = message_for(exc, most=DEAD_LETTER_LIMIT)
    more = (
        f"{_DLQ}?{form.query_string(limit=str(min(shown * 2, DEAD_LETTER_LIMIT)))}"
        if where is not None and len(dead) >= shown and shown < DEAD_LETTER_LIMIT
        else None
    )
    panel = _wants(request, "dead-letter-panel")
    return page(
        request,
        "delivery/_dead_letter_panel.html" if panel else "delivery/dead_letters.html",
        status_code=422 if errors else 200,
        active="dlq",
        form=form,
        errors=errors,
        dead=dead,
        more=more,
        runs=() if panel else await _recent_runs(services),
        describe_filters=_describe_filters,
        job_names=list(JobName),
        max_limit=DEAD_LETTER_LIMIT,
        **_labels(),
    )


@post("/mensagens-com-falha/reprocessar", guards=[admins])
async def reprocess_dead_letters(
    request: Request[Any, Any, Any],
    services: ServicesDep,
    tz: TzDep,
    data: Annotated[ReprocessForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[Any]:
    """A dry run first (what would be requeued, with a confirm button); `confirmar` runs it.

    The same use case and command as `lia dlq reprocess` and the API, the signed-in admin as actor.
    """
    back = f"{_DLQ}?{data.filters.query_string()}".rstrip("?")
    where, errors = data.where(tz)
    if where is None:
        flash(request, " ".join(errors.values()), "error")
        return redirect(request, back)
    dry_run = data.confirmar != "1"
    command = ReprocessDeadLetters(
        where=where,
        actor=actor_of(request),
        dry_run=dry_run,
        max_reprocess=runtime_of(request.app.state).settings.delivery.max_dlq_reprocess,
    )
    try:
        report = await services.reprocess_dead_letters(command)
    except ValidationError as exc:
        flash(request, message_for(exc, most=DEAD_LETTER_LIMIT), "error")
        return redirect(request, back)
    audit = report.audit
    if not dry_run:
        done = (
            "1 mensagem reenfileirada"
            if audit.requeued == 1
            else (f"{audit.requeued} mensagens reenfileiradas")
        )
        skipped = (
            f" {audit.skipped} não reenfileirada(s): limite de {command.max_reprocess} "
            "reprocessamentos atingido."
            if audit.skipped
            else ""
        )
        flash(request, f"{done} para envio.{skipped}", "success" if audit.requeued else "info")
        return redirect(request, back)
    in_dialog = _wants(request, "modal")
    return page(
        request,
        "delivery/_dry_run_dialog.html" if in_dialog else "delivery/dry_run.html",
        active="dlq",
        in_dialog=in_dialog,
        heading="h2" if in_dialog else "h1",
        form=data,
        selected=data.selected if data.scope != "todas" else [],
        audit=audit,
        skipped_ids=set(report.skipped_ids),
        rows=await _dry_run_rows(services, where),
        max_reprocess=command.max_reprocess,
        back=back,
        **_labels(),
    )


async def _dry_run_rows(services: ServicesDep, where: DeadLetterFilter) -> Sequence[DeadLetter]:
    return await services.list_dead_letters(where, limit=_DRY_RUN_ROWS)


@get("/mensagens-com-falha/{job_id:str}", guards=[admins])
async def dead_letter_page(
    request: Request[Any, Any, Any], services: ServicesDep, job_id: FromPath[str]
) -> Template:
    """One dead letter: its cause, the provider's answer, the message, and when things happened."""
    details = await services.get_dead_letter(job_id)
    return page(
        request,
        "delivery/dead_letter.html",
        active="dlq",
        details=details,
        dead=details.dead,
        job=details.job,
        **_labels(),
    )
