"""`lia crm lookup` asks the configured CRM, with clear errors when it is not configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from .cli_harness import CliHarness

CSV = (
    "phone;name;document;street;number;bairro;city;state;cep;contract_id\n"
    "(21) 99999-8888;Maria da Silva;123;Rua A;10;Várzea;Teresópolis;RJ;25953-120;101\n"
    "+55 21 99999 8888;Maria da Silva;123;Praça B;2;Centro;Nova Friburgo;RJ;28610-000;102\n"
)


@pytest.fixture
def crm_env(tmp_path: Path) -> dict[str, str]:
    """Settings pointing the CRM at a CSV export."""
    path = tmp_path / "clientes.csv"
    path.write_text(CSV, encoding="utf-8")
    return {"LIA_CRM__KIND": "file", "LIA_CRM__FILE": str(path)}


def test_lookup_finds_every_contract_by_any_spelling(
    lia: CliHarness, crm_env: dict[str, str]
) -> None:
    """Any spelling of the phone finds the customer with both contract addresses."""
    found = lia.json("crm", "lookup", "(21) 99999-8888", env=crm_env)
    assert found["found"] is True
    customer = found["customer"]
    assert (customer["name"], customer["phone"]) == ("Maria da Silva", "5521999998888")
    assert [a["contract_id"] for a in customer["addresses"]] == ["101", "102"]
    text = lia.ok("crm", "lookup", "5521999998888", env=crm_env).stdout
    assert "Nova Friburgo" in text
    assert "Teresópolis" in text


def test_unknown_phone_is_not_an_error(lia: CliHarness, crm_env: dict[str, str]) -> None:
    """A phone the CRM does not know exits 0 and says so."""
    assert lia.json("crm", "lookup", "21 91111-2222", env=crm_env) == {
        "found": False,
        "customer": None,
    }


def test_missing_configuration_is_a_one_line_error(lia: CliHarness) -> None:
    """No CRM kind is exit 1; a kind without its settings is exit 2 naming the setting."""
    none = lia("crm", "lookup", "5521999998888", env={"LIA_CRM__KIND": "none"})
    assert none.exit_code == 1
    assert none.stderr.startswith("error: no CRM configured")
    partial = lia("crm", "lookup", "5521999998888", env={"LIA_CRM__KIND": "rest"})
    assert partial.exit_code == 2
    assert "LIA_CRM__REST_URL_TEMPLATE is required" in partial.stderr
    bad_fields = lia(
        "crm",
        "lookup",
        "1",
        env={
            "LIA_CRM__KIND": "rest",
            "LIA_CRM__REST_URL_TEMPLATE": "http://127.0.0.1:9/c?p={phone}",
            "LIA_CRM__REST_FIELDS": '{"nome": "x"}',
        },
    )
    assert bad_fields.exit_code == 2
    assert "unknown REST field(s) nome" in bad_fields.stderr
