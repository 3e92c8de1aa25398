"""``lia config show``: the effective settings with secrets masked."""

from __future__ import annotations

import click

from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._options import json_option
from lia_entrypoints.cli.output import emit_json, table
from lia_entrypoints.settings import masked_settings

__all__ = ["config_group"]


@click.group("config")
def config_group() -> None:
    """Effective configuration (LIA_* environment variables and .env)."""


def _shown(value: object) -> str:
    return "(unset)" if value is None else str(value)


@config_group.command("show")
@json_option
@click.pass_obj
def show(app: CliApp, as_json: bool) -> None:
    """Print every setting with its value (secrets masked) and what it does."""
    with app.errors(as_json=as_json):
        rows = masked_settings(app.settings)
        if as_json:
            emit_json({"settings": rows})
            return
        lines = [[row["name"], _shown(row["value"]), str(row["description"])] for row in rows]
        click.echo(table(["NAME", "VALUE", "DESCRIPTION"], lines, widths={"DESCRIPTION": 90}))
