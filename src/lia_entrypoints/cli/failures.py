"""``lia failure …``: declare and edit mass outages, move them through their lifecycle, check a
location."""

from __future__ import annotations

from typing import Any

import click

from lia_core.domain.failures import FailureAction, MassiveFailure, Severity
from lia_core.domain.regions import CityArea, Location, parse_cep_rule
from lia_core.domain.templates import FAILURE_PLACEHOLDERS
from lia_core.services import (
    ChangeFailureStatus,
    CheckLocation,
    DeclareFailure,
    EditFailure,
    FailureTab,
    ListFailures,
)
from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._failure_text import failure_details, failure_table, listing_text
from lia_entrypoints.cli._options import F, actor_option, cep_option, json_option, region_option
from lia_entrypoints.cli.failure_notices import notify, notify_customers, resolve
from lia_entrypoints.cli.output import emit_json
from lia_entrypoints.schemas.base import parse_instant
from lia_entrypoints.schemas.failures import (
    CheckOut,
    FailureDetailsOut,
    FailureListOut,
    FailureOut,
)

__all__ = ["failure_group"]

_PLACEHOLDERS = " ".join("{" + name + "}" for name in FAILURE_PLACEHOLDERS)


@click.group("failure", short_help="Mass outages: declare, list, change status, notify, check.")
def failure_group() -> None:
    """Mass outages: declare, list, change status, notify contacts, check who is affected."""


def _echo_failure(app: CliApp, failure: MassiveFailure, as_json: bool, headline: str) -> None:
    tz = app.settings.tz
    if as_json:
        emit_json(FailureOut.of(failure, tz))
        return
    click.echo(headline)
    click.echo(failure_details(failure, tz))


_FORM_OPTIONS = (
    click.option(
        "--name", required=True, help="Short name shown to staff, e.g. 'Fibre cut Centro'."
    ),
    click.option(
        "--message",
        required=True,
        help=f"Notification sent to affected customers; placeholders: {_PLACEHOLDERS}.",
    ),
    click.option(
        "--resolution-message", help="Sent when the failure is resolved (same placeholders)."
    ),
    click.option(
        "--severity",
        type=click.Choice([s.value for s in Severity]),
        default=Severity.MEDIUM.value,
        show_default=True,
        help="How bad it is; more severe failures are listed first.",
    ),
    region_option,
    cep_option,
    click.option(
        "--region-id",
        "region_ids",
        multiple=True,
        metavar="ID",
        help="A catalogue region (see `lia region list`). Repeatable.",
    ),
    click.option(
        "--starts-at",
        metavar="ISO8601",
        help="When it starts (2026-05-21T02:00, ISP timezone unless an offset is given); "
        "omitted: active now; in the future: scheduled.",
    ),
    click.option("--estimated-resolution", metavar="ISO8601", help="When it should be fixed."),
    actor_option,
    json_option,
)


def _form_options(func: F) -> F:
    """The options of the failure form, shared by ``create`` and ``edit``, in help order."""
    for option in reversed(_FORM_OPTIONS):  # the decorator nearest the function is listed last
        func = option(func)
    return func


def _declaration(
    app: CliApp,
    *,
    name: str,
    message: str,
    resolution_message: str | None,
    severity: str,
    regions: tuple[str, ...],
    ceps: tuple[str, ...],
    region_ids: tuple[str, ...],
    starts_at: str | None,
    estimated_resolution: str | None,
    actor: str,
) -> DeclareFailure:
    """The filled form as the core reads it, times without an offset in the ISP's timezone.

    ``create`` and ``edit`` pass their form options through by name (click calls them with
    keywords); the parameters here name and type them once.
    """
    tz = app.settings.tz
    return DeclareFailure(
        name=name,
        message=message,
        resolution_message=resolution_message,
        severity=Severity(severity),
        cities=tuple(CityArea.parse(spec, field="regions") for spec in regions),
        ceps=tuple(parse_cep_rule(spec, field="ceps") for spec in ceps),
        region_ids=region_ids,
        starts_at=parse_instant(starts_at, tz, field="starts_at") if starts_at else None,
        estimated_resolution=(
            parse_instant(estimated_resolution, tz, field="estimated_resolution")
            if estimated_resolution
            else None
        ),
        actor=actor,
    )


@failure_group.command("create")
@_form_options
@click.pass_obj
def create(app: CliApp, /, as_json: bool, **form: Any) -> None:
    """Declare a mass outage (active now, or scheduled with a future --starts-at)."""
    with app.errors(as_json=as_json):
        cmd = _declaration(app, **form)
        failure = app.run(lambda rt: rt.services.declare_failure(cmd))
        _echo_failure(app, failure, as_json, f"created failure {failure.id} ({failure.status})")


@failure_group.command(
    "edit", short_help="Replace a scheduled failure's form (as create takes it)."
)
@click.argument("failure_id", metavar="ID")
@_form_options
@click.pass_obj
def edit(app: CliApp, /, failure_id: str, as_json: bool, **form: Any) -> None:
    """Replace every field of a scheduled failure with the given ones (the options of create).

    It stays scheduled, or becomes active now when --starts-at is omitted or past; a failure
    already active, paused, resolved or cancelled is refused (exit 1).
    """
    with app.errors(as_json=as_json):
        cmd = EditFailure.of(failure_id, _declaration(app, **form))
        failure = app.run(lambda rt: rt.services.edit_failure(cmd))
        _echo_failure(app, failure, as_json, f"edited failure {failure.id} ({failure.status})")


@failure_group.command("list")
@click.option(
    "--status",
    type=click.Choice([t.value for t in FailureTab]),
    default=FailureTab.ACTIVE.value,
    show_default=True,
    help="Which tab: active (and paused), scheduled, resolved (history, with cancelled), all.",
)
@json_option
@click.pass_obj
def list_(app: CliApp, status: str, as_json: bool) -> None:
    """List the failures of one tab, with the count of every tab."""
    with app.errors(as_json=as_json):
        query = ListFailures(tab=FailureTab(status))
        listing = app.run(lambda rt: rt.services.list_failures(query))
        tz = app.settings.tz
        if as_json:
            emit_json(FailureListOut.of(listing, tz))
        else:
            click.echo(listing_text(listing, tz))


@failure_group.command("show", short_help="Show one failure in full, with notice counts.")
@click.argument("failure_id", metavar="ID")
@json_option
@click.pass_obj
def show(app: CliApp, failure_id: str, as_json: bool) -> None:
    """Show one failure in full, with how many contacts got its notice and its resolution."""
    with app.errors(as_json=as_json):
        details = app.run(lambda rt: rt.services.failure_details(failure_id))
        if as_json:
            emit_json(FailureDetailsOut.of_counts(details, app.settings.tz))
            return
        _echo_failure(app, details.failure, as_json, f"failure {details.failure.id}")
        click.echo(f"Notified {details.notices} · Resolution sent {details.resolutions}")


def _change(app: CliApp, cmd: ChangeFailureStatus, as_json: bool) -> None:
    with app.errors(as_json=as_json):
        failure = app.run(lambda rt: rt.services.change_failure_status(cmd))
        if as_json:
            emit_json(FailureOut.of(failure, app.settings.tz))
        else:
            click.echo(f"failure {failure.id} ({failure.name}) is now {failure.status}")


def _lifecycle_command(action: FailureAction, summary: str) -> click.Command:
    @click.command(action.value, help=summary)
    @click.argument("failure_id", metavar="ID")
    @actor_option
    @json_option
    @click.pass_obj
    def command(app: CliApp, failure_id: str, actor: str, as_json: bool) -> None:
        _change(
            app, ChangeFailureStatus(failure_id=failure_id, action=action, actor=actor), as_json
        )

    return command


failure_group.add_command(notify)
failure_group.add_command(notify_customers)
failure_group.add_command(resolve)

for _action, _summary in (
    (FailureAction.ACTIVATE, "Activate a scheduled failure now, before its start time."),
    (FailureAction.PAUSE, "Pause an active failure (it stops matching until resumed)."),
    (FailureAction.RESUME, "Resume a paused failure."),
    (FailureAction.CANCEL, "Cancel a scheduled failure that will not happen."),
):
    failure_group.add_command(_lifecycle_command(_action, _summary))


@failure_group.command("check")
@click.option("--city", help="City name; case, accents and punctuation are ignored.")
@click.option("--neighbourhood", help="Bairro (needs --city).")
@click.option("--cep", help="CEP, with or without punctuation (25953-120).")
@json_option
@click.pass_obj
def check(
    app: CliApp, city: str | None, neighbourhood: str | None, cep: str | None, as_json: bool
) -> None:
    """Say which active failures cover a location (exit 0 either way)."""
    with app.errors(as_json=as_json):
        location = Location.of(city=city, neighbourhood=neighbourhood, cep=cep)
        query = CheckLocation(location=location)
        failures = app.run(lambda rt: rt.services.check_location(query))
        tz = app.settings.tz
        if as_json:
            emit_json(CheckOut.of(location, failures, tz))
            return
        where = " / ".join(part for part in (city, neighbourhood, cep) if part)
        if not failures:
            click.echo(f"not affected: no active failure covers {where}")
            return
        click.echo(f"AFFECTED: {where} is covered by {len(failures)} active failure(s)\n")
        click.echo(failure_table(failures, tz))
