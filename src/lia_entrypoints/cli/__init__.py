"""The ``lia`` command line: one click group per resource, each command one use case.

Exit codes: 0 ok; 1 refused (domain rule, not found, conflict, database problem); 2 bad input.
"""

from __future__ import annotations

import click

from lia_entrypoints.cli._app import CliApp, RuntimeFactory, default_runtime
from lia_entrypoints.cli._errors import CliError
from lia_entrypoints.cli.agents import agent_group, queue_group
from lia_entrypoints.cli.audit import audit_group
from lia_entrypoints.cli.config import config_group
from lia_entrypoints.cli.conversations import contact_group, conversation_group
from lia_entrypoints.cli.crm import crm_group
from lia_entrypoints.cli.db import db_group
from lia_entrypoints.cli.dlq import dlq_group
from lia_entrypoints.cli.doctor import doctor
from lia_entrypoints.cli.failures import failure_group
from lia_entrypoints.cli.gamification import gamification_group
from lia_entrypoints.cli.handoffs import handoff_group
from lia_entrypoints.cli.messages import message_group
from lia_entrypoints.cli.nps import nps_group
from lia_entrypoints.cli.offers import offer_group
from lia_entrypoints.cli.outbox import outbox_group
from lia_entrypoints.cli.regions import region_group
from lia_entrypoints.cli.replies import template_group
from lia_entrypoints.cli.reports import report
from lia_entrypoints.cli.retention import webhooks_group
from lia_entrypoints.cli.rules import rules_group
from lia_entrypoints.cli.serve import serve, worker
from lia_entrypoints.cli.stub import stub_provider
from lia_entrypoints.cli.tickets import ticket_group
from lia_entrypoints.cli.users import user_group

__all__ = ["CliApp", "CliError", "RuntimeFactory", "default_runtime", "main"]

_EPILOG = (
    "Settings come from LIA_* environment variables and ./.env (see `lia config show`). "
    "Exit codes: 0 ok, 1 refused (domain rule, not found, conflict, database problem), "
    "2 invalid input. Every command takes --json."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=_EPILOG)
@click.option(
    "--database-url",
    metavar="URL",
    help="Database to use, overriding LIA_DATABASE_URL "
    "(postgresql+psycopg://… or sqlite+aiosqlite:///…).",
)
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
    help="Least severe log level written to stderr, overriding LIA_LOG_LEVEL.",
)
@click.version_option(package_name="lia", message="lia %(version)s")
@click.pass_context
def main(ctx: click.Context, database_url: str | None, log_level: str | None) -> None:
    """LIA: customer-support orchestration for ISPs (outages, messages, conversations, staff, database)."""
    app = ctx.ensure_object(CliApp)
    if database_url is not None:
        app.overrides["database_url"] = database_url
    if log_level is not None:
        app.overrides["log_level"] = log_level.upper()


for _command in (
    failure_group,
    region_group,
    message_group,
    outbox_group,
    dlq_group,
    crm_group,
    contact_group,
    conversation_group,
    user_group,
    rules_group,
    audit_group,
    db_group,
    config_group,
    doctor,
    serve,
    worker,
    stub_provider,
    ticket_group,
    handoff_group,
    nps_group,
    gamification_group,
    template_group,
    agent_group,
    queue_group,
    offer_group,
    report,
    webhooks_group,
):
    main.add_command(_command)
