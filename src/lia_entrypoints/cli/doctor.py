"""``lia doctor``: one line per check of the installation; exit 1 if any fails."""

from __future__ import annotations

import asyncio

import click

from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._options import json_option
from lia_entrypoints.cli.output import emit_json

__all__ = ["WAIT", "doctor"]

WAIT = 5.0
"""`--timeout`'s default: `lia_entrypoints.doctor.DEFAULT_TIMEOUT` (a test keeps them equal).
That module imports every channel's client, so the CLI loads it only when doctor runs."""


@click.command("doctor")
@click.option(
    "--timeout",
    "wait",
    type=click.FloatRange(0.1, 60),
    default=WAIT,
    show_default=True,
    help="Seconds each check may wait for an answer.",
)
@json_option
@click.pass_obj
def doctor(app: CliApp, wait: float, as_json: bool) -> None:
    """Check the database (reachable, at the code's migration), each configured provider's
    credentials (one harmless authenticated call), the CRM, the webhook secrets and the public
    URL; one line each, ``ok``, ``FAIL`` or ``skip``. Exit 1 if any fails."""
    from lia_entrypoints.doctor import Status, run_checks  # here, not at the top: see WAIT

    with app.errors(as_json=as_json):
        checks = asyncio.run(run_checks(app.settings, wait=wait))
    failed = any(c.status is Status.FAIL for c in checks)
    if as_json:
        emit_json(
            {
                "ok": not failed,
                "checks": [
                    {"status": c.status.value, "check": c.name, "detail": c.detail} for c in checks
                ],
            }
        )
    else:
        for check in checks:
            click.echo(check.line())
    if failed:
        raise click.exceptions.Exit(1)
