"""The customers every CRM backend is seeded with, in LIA's terms and in each vendor's shapes."""

from __future__ import annotations

from lia_core.domain.customers import Customer, CustomerAddress

VARZEA = CustomerAddress(
    city="Teresópolis",
    neighbourhood="Várzea",
    cep="25953-120",
    street="Rua Delfim Moreira",
    number="10",
    state="RJ",
    contract_id="101",
)
FRIBURGO = CustomerAddress(
    city="Nova Friburgo",
    neighbourhood="Centro",
    cep="28610-000",
    street="Praça Getúlio Vargas",
    number="2",
    state="RJ",
    contract_id="102",
)
AGRIOES = CustomerAddress(
    city="Teresópolis",
    neighbourhood="Agriões",
    cep="25963-000",
    street="Rua Tenente Luiz Meirelles",
    number="500",
    state="RJ",
    contract_id="103",
)

MARIA = Customer(
    crm_id="1",
    phone="5521999998888",
    name="Maria da Silva",
    document="123.456.789-00",
    addresses=(VARZEA, FRIBURGO),
)
"""A mobile customer with two contracts at two addresses."""

JOAO = Customer(
    crm_id="2", phone="552127421234", name="João Souza", document=None, addresses=(AGRIOES,)
)
"""A landline customer with one contract (IXC holds his number as bare digits in ``fone``)."""

CUSTOMERS = (MARIA, JOAO)

MARIA_SPELLINGS = ("+55 21 99999-8888", "5521999998888", "(21) 99999-8888", "21 999998888")
UNKNOWN = "+55 21 98888-7777"

CITIES = {"3598": ("Teresópolis", "19"), "3566": ("Nova Friburgo", "19")}
STATES = {"19": "RJ"}


def _ixc_home(address: CustomerAddress, city_id: str) -> dict[str, str]:
    return {
        "endereco": address.street or "",
        "numero": address.number or "",
        "bairro": address.neighbourhood or "",
        "cidade": city_id,
        "cep": address.cep or "",
    }


IXC_CLIENTES = [
    {
        "id": "1",
        "razao": MARIA.name,
        "cnpj_cpf": "123.456.789-00",
        "telefone_celular": "(21) 99999-8888",
        "whatsapp": "",
        "fone": "",
        "uf": "19",
        **_ixc_home(VARZEA, "3598"),
    },
    {
        "id": "2",
        "razao": JOAO.name,
        "cnpj_cpf": "",
        "telefone_celular": "",
        "whatsapp": "",
        "fone": "2127421234",
        "uf": "19",
        **_ixc_home(AGRIOES, "3598"),
    },
]
IXC_CONTRATOS = [
    {"id": "101", "id_cliente": "1", "status": "A", "endereco_padrao_cliente": "S"},
    {
        "id": "102",
        "id_cliente": "1",
        "status": "A",
        "endereco_padrao_cliente": "N",
        **_ixc_home(FRIBURGO, "3566"),
    },
    {"id": "109", "id_cliente": "1", "status": "D", "endereco_padrao_cliente": "S"},
    {"id": "103", "id_cliente": "2", "status": "A", "endereco_padrao_cliente": "S"},
]


def rest_record(customer: Customer) -> dict[str, object]:
    """*customer* as the stub REST CRM returns it (nested, with its own field names)."""
    return {
        "customer_id": customer.crm_id,
        "full_name": customer.name,
        "cpf": customer.document,
        "contact": {"mobile": "+" + customer.phone},
        "contracts": [
            {
                "number": a.contract_id,
                "address": {
                    "city": a.city,
                    "district": a.neighbourhood,
                    "zip": a.cep,
                    "line1": a.street,
                    "house": a.number,
                    "uf": a.state,
                },
            }
            for a in customer.addresses
        ],
    }


def csv_text(delimiter: str = ",", bairro: str = "neighbourhood") -> str:
    """The customers as a CSV file: one row per address, phones spelt in different ways."""
    header = ["phone", "name", "document", "street", "number", bairro, "city", "state", "cep"]
    lines = [delimiter.join([*header, "contract_id"])]
    spellings = {
        "5521999998888": ["(21) 99999-8888", "+55 21 99999 8888"],
        "552127421234": ["(21) 2742-1234"],
    }
    for customer in CUSTOMERS:
        for address, phone in zip(customer.addresses, spellings[customer.phone], strict=True):
            cells = [
                phone,
                customer.name,
                customer.document or "",
                address.street or "",
                address.number or "",
                address.neighbourhood or "",
                address.city or "",
                address.state or "",
                address.cep or "",
                address.contract_id or "",
            ]
            lines.append(delimiter.join(cells))
    return "\n".join(lines) + "\n"
