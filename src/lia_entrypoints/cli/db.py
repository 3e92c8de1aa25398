"""``lia db …``: apply the schema migrations to the configured database and show its revision."""

from __future__ import annotations

import asyncio

import attrs
import click

from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._options import json_option
from lia_entrypoints.cli.output import emit_json
from lia_entrypoints.settings import Settings

__all__ = ["db_group"]


@attrs.frozen(kw_only=True)
class _Revisions:
    before: str | None
    after: str | None
    head: str


async def _revisions(settings: Settings, *, apply: bool) -> _Revisions:
    from lia_adapters.sql import create_engine  # lazy: only db commands need the driver
    from lia_adapters.sql.migrations import current_revision, head_revision, upgrade

    if settings.uses_embedded_database:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.effective_database_url)
    try:
        before = await current_revision(engine)
        if apply and before != head_revision():
            await upgrade(engine)
            after = await current_revision(engine)
        else:
            after = before
    finally:
        await engine.dispose()
    return _Revisions(before=before, after=after, head=head_revision())


@click.group("db")
def db_group() -> None:
    """Database schema: apply migrations, show the current revision."""


@db_group.command("upgrade")
@json_option
@click.pass_obj
def upgrade_cmd(app: CliApp, as_json: bool) -> None:
    """Apply every pending migration to the configured database."""
    with app.errors(as_json=as_json):
        revs = asyncio.run(_revisions(app.settings, apply=True))
        database = app.database_label()
        if as_json:
            emit_json(
                {
                    "database": database,
                    "from_revision": revs.before,
                    "to_revision": revs.after,
                    "head": revs.head,
                    "changed": revs.before != revs.after,
                }
            )
        elif revs.before == revs.after:
            click.echo(f"{database}: already at the latest revision {revs.after}")
        else:
            click.echo(f"{database}: upgraded from {revs.before or '(empty)'} to {revs.after}")


@db_group.command("current")
@json_option
@click.pass_obj
def current_cmd(app: CliApp, as_json: bool) -> None:
    """Show the database's schema revision and whether migrations are pending."""
    with app.errors(as_json=as_json):
        revs = asyncio.run(_revisions(app.settings, apply=False))
        database = app.database_label()
        up_to_date = revs.before == revs.head
        if as_json:
            emit_json(
                {
                    "database": database,
                    "current": revs.before,
                    "head": revs.head,
                    "up_to_date": up_to_date,
                }
            )
        elif up_to_date:
            click.echo(f"{database}: at {revs.before} (up to date)")
        else:
            click.echo(
                f"{database}: at {revs.before or '(empty)'}, latest is {revs.head}; "
                "run `lia db upgrade`"
            )
