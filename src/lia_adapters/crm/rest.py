"""A generic REST CRM: GET a URL template with the phone, map the JSON with dotted paths.

``url_template`` may use ``{phone}`` (E.164 digits, ``5521999998888``) and ``{national}``
(national digits, ``21999998888``). A 404 or an empty result list means "no such customer".
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

import attrs
import httpx
import phonenumbers

from lia_adapters.crm._http import dotted, json_body, map_http_errors, text_or_none
from lia_adapters.memory.customers import lookup_key
from lia_core.domain.customers import Customer, CustomerAddress
from lia_core.ports.customers import DirectoryUnavailable

__all__ = ["RestConfig", "RestCustomerDirectory", "RestFieldMap"]

PROVIDER = "rest-crm"


@attrs.frozen(kw_only=True)
class RestFieldMap:
    """Dotted paths into the CRM's JSON (``""`` means "the value itself")."""

    results: str = ""
    """Where the list of matching customers is; an object there is read as a single customer."""
    id: str = "id"
    name: str = "name"
    document: str = "document"
    phone: str = "phone"
    """When present and parseable, results whose phone differs from the one asked are ignored."""
    addresses: str = "addresses"
    """Path (from a customer) to its list of addresses, or ``""`` when the customer is the address."""
    city: str = "city"
    neighbourhood: str = "neighbourhood"
    cep: str = "cep"
    street: str = "street"
    number: str = "number"
    state: str = "state"
    contract_id: str = "contract_id"


@attrs.frozen(kw_only=True)
class RestConfig:
    """Where the CRM is, how to authenticate, and how to read its answers."""

    url_template: str
    bearer_token: str | None = attrs.field(default=None, repr=False)
    header_name: str | None = None
    header_value: str | None = attrs.field(default=None, repr=False)
    fields: RestFieldMap = RestFieldMap()

    def headers(self) -> dict[str, str]:
        """The authentication headers this configuration asks for."""
        headers = {"Accept": "application/json"}
        if self.bearer_token:
            headers["Authorization"] = f"Bearer {self.bearer_token}"
        if self.header_name and self.header_value is not None:
            headers[self.header_name] = self.header_value
        return headers


def _national(e164: str) -> str:
    try:
        return str(phonenumbers.parse("+" + e164).national_number)
    except phonenumbers.NumberParseException:
        return e164


class RestCustomerDirectory:
    """Looks customers up with one GET per phone on a configurable REST CRM."""

    def __init__(self, client: httpx.AsyncClient, config: RestConfig) -> None:
        self._client = client
        self._config = config

    async def find_by_phone(self, phone: str) -> Customer | None:
        """The first matching customer in the CRM's answer, or None on 404 / no results."""
        key = lookup_key(phone)
        if key is None:
            return None
        url = self._config.url_template.format(
            phone=quote(key, safe=""), national=quote(_national(key), safe="")
        )
        with map_http_errors(PROVIDER):
            response = await self._client.get(url, headers=self._config.headers())
        if response.status_code == 404:
            return None
        body = json_body(response, PROVIDER)
        for item in self._results(body):
            customer = self._customer(item, key)
            if customer is not None:
                return customer
        return None

    def _results(self, body: object) -> list[object]:
        found = dotted(body, self._config.fields.results)
        if found is None:
            return []
        if isinstance(found, Mapping):
            return [found]
        if isinstance(found, list):
            return found
        raise DirectoryUnavailable(
            f"{PROVIDER}: results path {self._config.fields.results!r} is not a list or object"
        )

    def _customer(self, item: object, key: str) -> Customer | None:
        fields = self._config.fields
        if not isinstance(item, Mapping):
            raise DirectoryUnavailable(f"{PROVIDER}: a result is not an object: {item!r:.100}")
        listed = text_or_none(dotted(item, fields.phone))
        if listed is not None and lookup_key(listed) not in (None, key):
            return None  # the CRM's search was looser than an exact phone match
        crm_id = text_or_none(dotted(item, fields.id))
        name = text_or_none(dotted(item, fields.name))
        if crm_id is None or name is None:
            missing = fields.id if crm_id is None else fields.name
            raise DirectoryUnavailable(f"{PROVIDER}: a result has no value at {missing!r}")
        return Customer(
            crm_id=crm_id,
            phone=key,
            name=name,
            document=text_or_none(dotted(item, fields.document)),
            addresses=self._addresses(item),
        )

    def _addresses(self, item: Mapping[str, object]) -> tuple[CustomerAddress, ...]:
        fields = self._config.fields
        raw = dotted(item, fields.addresses) if fields.addresses else item
        entries = [raw] if isinstance(raw, Mapping) else raw if isinstance(raw, list) else []
        addresses = []
        for entry in entries:
            address = CustomerAddress(
                city=text_or_none(dotted(entry, fields.city)),
                neighbourhood=text_or_none(dotted(entry, fields.neighbourhood)),
                cep=text_or_none(dotted(entry, fields.cep)),
                street=text_or_none(dotted(entry, fields.street)),
                number=text_or_none(dotted(entry, fields.number)),
                state=text_or_none(dotted(entry, fields.state)),
                contract_id=text_or_none(dotted(entry, fields.contract_id)),
            )
            if address != CustomerAddress() and address not in addresses:
                addresses.append(address)
        return tuple(addresses)
