"""``lia crm lookup PHONE``: ask the configured CRM who a phone number is, as the outage gate will."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from lia_core.domain.customers import Customer
from lia_core.ports import DirectoryUnavailable
from lia_entrypoints.cli._app import CliApp
from lia_entrypoints.cli._errors import CliError
from lia_entrypoints.cli._options import json_option
from lia_entrypoints.cli.output import emit_json, table

if TYPE_CHECKING:
    from lia_entrypoints.bootstrap import Runtime

__all__ = ["crm_group"]


def _customer_json(customer: Customer | None) -> dict[str, object]:
    if customer is None:
        return {"found": False, "customer": None}
    return {
        "found": True,
        "customer": {
            "crm_id": customer.crm_id,
            "phone": customer.phone,
            "name": customer.name,
            "document": customer.document,
            "addresses": [
                {
                    "street": a.street,
                    "number": a.number,
                    "neighbourhood": a.neighbourhood,
                    "city": a.city,
                    "state": a.state,
                    "cep": a.cep,
                    "contract_id": a.contract_id,
                }
                for a in customer.addresses
            ],
        },
    }


@click.group("crm")
def crm_group() -> None:
    """The ISP's CRM (LIA_CRM__KIND): check the configuration by looking customers up."""


@crm_group.command("lookup")
@click.argument("phone")
@json_option
@click.pass_obj
def lookup(app: CliApp, phone: str, as_json: bool) -> None:
    """Look PHONE up in the configured CRM (exit 1 when the CRM cannot answer)."""
    with app.errors(as_json=as_json):

        async def find(runtime: Runtime) -> Customer | None:
            if runtime.directory is None:
                raise CliError("no CRM configured: set LIA_CRM__KIND (see docs/crm.md)")
            try:
                return await runtime.directory.find_by_phone(phone)
            except DirectoryUnavailable as exc:
                raise CliError(f"the CRM did not answer: {exc}") from None

        customer = app.run(find)
        if as_json:
            emit_json(_customer_json(customer))
        elif customer is None:
            click.echo(f"{phone}: not in the CRM")
        else:
            click.echo(f"{customer.name} ({customer.phone}, CRM id {customer.crm_id})")
            rows = [
                [
                    a.contract_id or "-",
                    a.street or "-",
                    a.neighbourhood or "-",
                    a.city or "-",
                    a.cep or "-",
                ]
                for a in customer.addresses
            ]
            if rows:
                click.echo(table(["CONTRACT", "STREET", "BAIRRO", "CITY", "CEP"], rows))
