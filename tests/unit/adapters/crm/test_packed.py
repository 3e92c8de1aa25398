"""The CSV CRM's packed customers: every customer comes back as it went in, and the common
one (no separator in its fields) is kept as one string."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from lia_adapters.crm import CsvCustomerDirectory
from lia_adapters.crm.packed import pack, unpack
from lia_core.domain.customers import Customer, CustomerAddress

_texts = st.text(st.sampled_from('ab ãç-1\x1f\x1e;,"'), max_size=6)
_optional = st.none() | _texts
_addresses = st.builds(
    CustomerAddress,
    street=_optional,
    number=_optional,
    neighbourhood=_optional,
    city=_optional,
    state=_optional,
    cep=_optional,
    contract_id=_optional,
)


@st.composite
def customers(draw: st.DrawFn) -> Customer:
    """Any customer, its id the phone or not, fields empty or holding the separator."""
    phone = draw(st.from_regex(r"\A55\d{11}\Z"))
    return Customer(
        crm_id=draw(st.just(phone) | _texts),
        phone=phone,
        name=draw(_texts),
        document=draw(_optional),
        addresses=tuple(draw(st.lists(_addresses, max_size=3))),
    )


@given(customer=customers())
def test_a_packed_customer_unpacks_to_itself(customer: Customer) -> None:
    """`unpack(pack(c))` is `c`: ids, empty and missing fields, addresses and their order."""
    assert unpack(customer.phone, pack(customer)) == customer


def test_a_plain_customer_is_one_string_and_an_odd_one_stays_whole() -> None:
    """The usual customer is one string; a separator, an empty id or an empty "" field keeps it whole."""
    address = CustomerAddress(city="Teresópolis", neighbourhood="Alto", contract_id="C-1")
    plain = Customer(
        crm_id="5521999998888", phone="5521999998888", name="Maria", addresses=(address,)
    )
    assert pack(plain) == "\x1fMaria\x1f\x1f\x1f\x1fAlto\x1fTeresópolis\x1f\x1f\x1fC-1"
    odd = Customer(crm_id="1", phone="5521999998888", name="Ma\x1fria")
    assert pack(odd) is odd
    nameless_id = Customer(crm_id="", phone="5521999998888", name="Maria")
    assert pack(nameless_id) is nameless_id
    empty_document = Customer(crm_id="1", phone="5521999998888", name="Maria", document="")
    assert pack(empty_document) is empty_document


async def test_a_customer_over_several_rows_keeps_each_address_once_in_order(
    tmp_path: Path,
) -> None:
    """Rows of one phone in any spelling add addresses in file order; a repeated row adds none."""
    path = tmp_path / "clientes.csv"
    path.write_text(
        "id;phone;name;city;bairro;contract_id\n"
        "77;(21) 99999-8888;Maria;Rio;Centro;C-1\n"
        "77;5521999998888;Maria;Niterói;Icaraí;C-2\n"
        "77;+55 21 99999-8888;Maria;Rio;Centro;C-1\n"
        "77;21999998888;Maria;Petrópolis;;C-3\n"
        "77;021999998888;Maria;;;\n",
        encoding="utf-8",
    )
    directory = CsvCustomerDirectory.from_path(path)
    found = await directory.find_by_phone("+55 (21) 99999-8888")
    assert found is not None
    assert (found.crm_id, found.name) == ("77", "Maria")
    assert [(a.city, a.neighbourhood, a.contract_id) for a in found.addresses] == [
        ("Rio", "Centro", "C-1"),
        ("Niterói", "Icaraí", "C-2"),
        ("Petrópolis", None, "C-3"),
    ]
    assert [c async for c in directory.all_customers()] == [found]
    assert directory.load_report.rows == 5
