"""Customers as the ISP's CRM knows them: a phone, a name, and the addresses of their contracts."""

from __future__ import annotations

import attrs

from lia_core.domain.regions import Location
from lia_core.errors import ValidationError

__all__ = ["Customer", "CustomerAddress"]


@attrs.frozen(kw_only=True)
class CustomerAddress:
    """Where one contract is installed (the parts the outage gate matches on, plus readable ones)."""

    city: str | None = None
    neighbourhood: str | None = None
    cep: str | None = None
    street: str | None = None
    number: str | None = None
    state: str | None = None
    contract_id: str | None = None

    def location(self) -> Location | None:
        """The matching keys of this address, or None when it has neither a city nor a valid CEP."""
        try:
            return Location.of(city=self.city, neighbourhood=self.neighbourhood, cep=self.cep)
        except ValidationError:
            try:  # a malformed CEP should not hide a usable city and bairro
                return Location.of(city=self.city, neighbourhood=self.neighbourhood)
            except ValidationError:
                return None


@attrs.frozen(kw_only=True)
class Customer:
    """A CRM customer found by phone; ``addresses`` has one entry per contract (maybe none)."""

    crm_id: str
    phone: str
    """E.164 digits without '+', as `lia_core.domain.recipients.Phone.parse` gives."""
    name: str
    document: str | None = None
    addresses: tuple[CustomerAddress, ...] = ()

    def locations(self) -> tuple[Location, ...]:
        """The distinct matchable locations of the customer's contracts."""
        found = (a.location() for a in self.addresses)
        return tuple(dict.fromkeys(loc for loc in found if loc is not None))
