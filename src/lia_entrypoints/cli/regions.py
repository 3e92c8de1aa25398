"""``lia region …``: the catalogue of named regions that failures refer to with ``--region-id``."""

from __future__ import annotations

from collections.abc import Sequence

import click

from lia_core.domain.regions import CityArea, NamedRegion, parse_cep_rule
from lia_core.services import DefineRegion, UpdateRegion
from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._options import actor_option, cep_option, json_option, region_option
from lia_entrypoints.cli.output import emit_json, fields, table
from lia_entrypoints.schemas.regions import RegionOut

__all__ = ["region_group"]


@click.group("region")
def region_group() -> None:
    """Catalogue of named regions (reusable city/bairro/CEP rules)."""


def _cities(specs: Sequence[str]) -> tuple[CityArea, ...]:
    return tuple(CityArea.parse(spec, field="regions") for spec in specs)


def _echo_region(region: NamedRegion, as_json: bool, headline: str) -> None:
    if as_json:
        emit_json(RegionOut.of(region))
        return
    click.echo(headline)
    click.echo(
        fields(
            [
                ("ID", region.id),
                ("Name", region.name),
                ("Rules", region.area.describe()),
                ("Version", str(region.version)),
            ]
        )
    )


@region_group.command("create")
@click.option("--id", "region_id", required=True, help="Slug id, e.g. teresopolis-centro.")
@click.option("--name", required=True, help="Readable name.")
@region_option
@cep_option
@actor_option
@json_option
@click.pass_obj
def create(
    app: CliApp,
    region_id: str,
    name: str,
    regions: tuple[str, ...],
    ceps: tuple[str, ...],
    actor: str,
    as_json: bool,
) -> None:
    """Add a region to the catalogue (needs at least one --region or --cep)."""
    with app.errors(as_json=as_json):
        cmd = DefineRegion(
            actor=actor,
            region_id=region_id,
            name=name,
            cities=_cities(regions),
            ceps=tuple(parse_cep_rule(spec, field="ceps") for spec in ceps),
        )
        region = app.run(lambda rt: rt.services.define_region(cmd))
        _echo_region(region, as_json, f"created region {region.id}")


@region_group.command("list")
@json_option
@click.pass_obj
def list_(app: CliApp, as_json: bool) -> None:
    """List every catalogue region."""
    with app.errors(as_json=as_json):
        regions = app.run(lambda rt: rt.services.list_regions())
        if as_json:
            emit_json({"items": [RegionOut.of(r).model_dump(mode="json") for r in regions]})
        elif not regions:
            click.echo("no regions; add one with `lia region create`")
        else:
            rows = [[r.id, r.name, r.area.describe()] for r in regions]
            click.echo(table(["ID", "NAME", "RULES"], rows, widths={"NAME": 40, "RULES": 80}))


@region_group.command("show")
@click.argument("region_id", metavar="ID")
@json_option
@click.pass_obj
def show(app: CliApp, region_id: str, as_json: bool) -> None:
    """Show one catalogue region."""
    with app.errors(as_json=as_json):
        region = app.run(lambda rt: rt.services.get_region(region_id))
        _echo_region(region, as_json, f"region {region.id}")


@region_group.command("update")
@click.argument("region_id", metavar="ID")
@click.option("--name", help="New readable name.")
@region_option
@cep_option
@actor_option
@json_option
@click.pass_obj
def update(
    app: CliApp,
    region_id: str,
    name: str | None,
    regions: tuple[str, ...],
    ceps: tuple[str, ...],
    actor: str,
    as_json: bool,
) -> None:
    """Rename a region and/or replace all its rules (given --region/--cep replace the old ones)."""
    with app.errors(as_json=as_json):
        cmd = UpdateRegion(
            actor=actor,
            region_id=region_id,
            name=name,
            cities=_cities(regions),
            ceps=tuple(parse_cep_rule(spec, field="ceps") for spec in ceps),
        )
        region = app.run(lambda rt: rt.services.update_region(cmd))
        _echo_region(region, as_json, f"updated region {region.id}")


@region_group.command("delete")
@click.argument("region_id", metavar="ID")
@actor_option
@json_option
@click.pass_obj
def delete(app: CliApp, region_id: str, actor: str, as_json: bool) -> None:
    """Delete a region no open failure uses."""
    with app.errors(as_json=as_json):
        app.run(lambda rt: rt.services.delete_region(region_id, actor=actor))
        if as_json:
            emit_json({"deleted": region_id.strip()})
        else:
            click.echo(f"deleted region {region_id.strip()}")
