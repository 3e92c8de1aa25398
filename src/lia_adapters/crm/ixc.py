"""IXC Soft (IXC Provedor) webservice as the CRM: ``POST /webservice/v1/<table>`` searches.

Every request carries ``ixcsoft: listar``: without it IXC treats the POST as an INSERT.
Auth is HTTP basic ``<user id>:<token>``. IXC stores phones as typed, usually masked
(``(21) 99999-8888``), and searches them with exact ``=``, so a lookup tries, in order, each
field of `IxcConfig.phone_fields` (``telefone_celular``, ``whatsapp``, ``fone``) with the masked
spelling and then bare national digits, stopping at the first record whose phone really matches.
IXC reports errors as HTTP 200 with ``{"type": "error", "message": ...}`` or as an HTML page.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

import attrs
import httpx
import phonenumbers

from lia_adapters.crm._http import MAX_EXCERPT, json_body, map_http_errors, text_or_none
from lia_adapters.memory.customers import lookup_key
from lia_core.domain.customers import Customer, CustomerAddress
from lia_core.ports.customers import DirectoryUnavailable

__all__ = ["IxcConfig", "IxcCustomerDirectory", "ixc_phone_spellings"]

PROVIDER = "ixc"
INACTIVE_CONTRACTS = frozenset({"I", "D"})
"""Contract statuses whose address is ignored: Inativo, Desistiu."""

Record = Mapping[str, object]


@attrs.frozen(kw_only=True)
class IxcConfig:
    """Where the IXC server is and the webservice user's credentials."""

    base_url: str
    user_id: str
    token: str = attrs.field(repr=False)
    phone_fields: tuple[str, ...] = ("telefone_celular", "whatsapp", "fone")
    include_contracts: bool = True
    """Read ``cliente_contrato`` so each contract's own install address is an address."""

    def authorization(self) -> str:
        """The HTTP basic ``Authorization`` value."""
        raw = f"{self.user_id}:{self.token}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")


def ixc_phone_spellings(e164: str) -> tuple[str, ...]:
    """How IXC may hold *e164*: ``(21) 99999-8888`` (its mask), then ``21999998888``."""
    try:
        number = phonenumbers.parse("+" + e164)
    except phonenumbers.NumberParseException:
        return (e164,)
    national = str(number.national_number)
    if number.country_code != 55 or len(national) < 10:
        return (national,)
    area, subscriber = national[:2], national[2:]
    return (f"({area}) {subscriber[:-4]}-{subscriber[-4:]}", national)


def _text(record: Record, field: str) -> str | None:
    value = text_or_none(record.get(field))
    return None if value in (None, "0") else value  # IXC writes "0" for "no city/state"


class IxcCustomerDirectory:
    """Looks customers up on an IXC Soft server; city and state names are cached per instance."""

    def __init__(self, client: httpx.AsyncClient, config: IxcConfig) -> None:
        self._client = client
        self._config = config
        self._cities: dict[str, tuple[str | None, str | None]] = {}
        self._states: dict[str, str | None] = {}

    async def find_by_phone(self, phone: str) -> Customer | None:
        """The first IXC customer with *phone* in one of the phone fields, or None."""
        key = lookup_key(phone)
        if key is None:
            return None
        for field in self._config.phone_fields:
            for spelling in ixc_phone_spellings(key):
                for record in await self._list("cliente", f"cliente.{field}", spelling):
                    if any(
                        lookup_key(str(record.get(f) or "")) == key
                        for f in self._config.phone_fields
                    ):
                        return await self._customer(record, key)
        return None

    async def _list(self, table: str, qtype: str, query: str, rows: int = 20) -> list[Record]:
        body = {
            "qtype": qtype,
            "query": query,
            "oper": "=",
            "page": "1",
            "rp": str(rows),
            "sortname": f"{table}.id",
            "sortorder": "asc",
        }
        headers = {"ixcsoft": "listar", "Authorization": self._config.authorization()}
        url = f"{self._config.base_url.rstrip('/')}/webservice/v1/{table}"
        with map_http_errors(PROVIDER):
            response = await self._client.post(url, json=body, headers=headers)
        answer = json_body(response, PROVIDER)
        if not isinstance(answer, Mapping):
            raise DirectoryUnavailable(
                f"{PROVIDER}: unexpected answer {str(answer)[:MAX_EXCERPT]!r}"
            )
        if answer.get("type") == "error":
            raise DirectoryUnavailable(f"{PROVIDER}: {answer.get('message') or 'error'}")
        records = answer.get("registros") or []
        if not isinstance(records, list):
            raise DirectoryUnavailable(f"{PROVIDER}: 'registros' is not a list")
        return [r for r in records if isinstance(r, Mapping)]

    async def _city(self, city_id: str | None) -> tuple[str | None, str | None]:
        """(city name, state abbreviation) of an IXC city id, looked up once per id."""
        if city_id is None:
            return None, None
        if city_id not in self._cities:
            found = await self._list("cidade", "cidade.id", city_id, rows=1)
            record = found[0] if found else {}
            state = await self._state(_text(record, "uf"))
            self._cities[city_id] = (_text(record, "nome"), state)
        return self._cities[city_id]

    async def _state(self, state_id: str | None) -> str | None:
        if state_id is None:
            return None
        if state_id not in self._states:
            found = await self._list("uf", "uf.id", state_id, rows=1)
            self._states[state_id] = _text(found[0], "sigla") if found else None
        return self._states[state_id]

    async def _address(self, record: Record, contract_id: str | None) -> CustomerAddress:
        city, city_state = await self._city(_text(record, "cidade"))
        state = await self._state(_text(record, "uf")) if "uf" in record else None
        return CustomerAddress(
            city=city,
            neighbourhood=_text(record, "bairro"),
            cep=_text(record, "cep"),
            street=_text(record, "endereco"),
            number=_text(record, "numero"),
            state=state or city_state,
            contract_id=contract_id,
        )

    async def _customer(self, record: Record, key: str) -> Customer:
        crm_id = _text(record, "id")
        if crm_id is None:
            raise DirectoryUnavailable(f"{PROVIDER}: a cliente record has no id")
        home = await self._address(record, None)
        addresses: list[CustomerAddress] = []
        if self._config.include_contracts:
            for contract in await self._list(
                "cliente_contrato", "cliente_contrato.id_cliente", crm_id, rows=100
            ):
                if _text(contract, "status") in INACTIVE_CONTRACTS:
                    continue
                contract_id = _text(contract, "id")
                if _text(contract, "endereco_padrao_cliente") == "N":
                    address = await self._address(contract, contract_id)
                else:
                    address = attrs.evolve(home, contract_id=contract_id)
                if address not in addresses:
                    addresses.append(address)
        if not addresses and home != CustomerAddress():
            addresses.append(home)
        return Customer(
            crm_id=crm_id,
            phone=key,
            name=_text(record, "razao") or _text(record, "fantasia") or crm_id,
            document=_text(record, "cnpj_cpf"),
            addresses=tuple(addresses),
        )
