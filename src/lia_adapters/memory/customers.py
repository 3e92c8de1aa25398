"""A working in-memory `CustomerDirectory`: add customers, make the next lookup fail, count lookups."""

from __future__ import annotations

from collections.abc import AsyncIterator

from lia_core.domain.customers import Customer
from lia_core.domain.recipients import Phone, parse_address
from lia_core.errors import ValidationError

__all__ = ["InMemoryCustomerDirectory", "lookup_key"]


def lookup_key(phone: str) -> str | None:
    """The E.164 digits of *phone*, or None when it is no phone number (provider ids included)."""
    try:
        address = parse_address(phone, field="phone")
    except ValidationError:
        return None
    return address.digits if isinstance(address, Phone) else None


class InMemoryCustomerDirectory:
    """A CRM held in a dict keyed by normalised phone; ``fail_next(exc)`` makes one lookup raise."""

    def __init__(self, customers: tuple[Customer, ...] = ()) -> None:
        self._by_phone: dict[str, Customer] = {}
        self._failures: list[Exception] = []
        self.lookups = 0
        """How many times `find_by_phone` was called (failed calls included)."""
        for customer in customers:
            self.add(customer)

    def add(self, customer: Customer) -> None:
        """Store *customer* under its phone (replacing any customer with the same phone)."""
        key = lookup_key(customer.phone)
        if key is None:
            raise ValueError(f"not a phone number: {customer.phone!r}")
        self._by_phone[key] = customer

    def fail_next(self, exc: Exception) -> None:
        """Make the next lookup raise *exc* (queued: call several times for several failures)."""
        self._failures.append(exc)

    async def find_by_phone(self, phone: str) -> Customer | None:
        """The customer stored under *phone* in any spelling, or None."""
        self.lookups += 1
        if self._failures:
            raise self._failures.pop(0)
        key = lookup_key(phone)
        return None if key is None else self._by_phone.get(key)

    async def all_customers(self) -> AsyncIterator[Customer]:
        """Every customer (the proactive outage notice walks them)."""
        for customer in list(self._by_phone.values()):
            yield customer
